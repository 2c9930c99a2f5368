/**
 * Netty 4.2, Jetty 12.1, Undertow 2.3 and the JDK's own HTTP server and client, run unchanged on
 * jmtcp: each test forks a JVM running a plain app of {@code io.jmtcp.it.frameworks.apps} with the
 * provider property and {@code jmtcp.jar} on the class path, checks what the app reports, and proves
 * the traffic went through jmtcp — the connection's 4-tuple in jmtcp's JMX connection listing, and no
 * ESTABLISHED kernel connection on its port ({@code ss -tn}) while it is open. A control run on the
 * JDK's provider shows that the same checks see kernel traffic. {@code NettyRequestRateTest} prints
 * Netty keep-alive requests/s on jmtcp's in-stack loopback against the kernel's loopback.
 */
package io.jmtcp.it.frameworks;
