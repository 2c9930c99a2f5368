/**
 * Plain framework applications (Netty 4.2, Jetty 12.1, Undertow 2.3, the JDK's own HTTP server and
 * client) with no jmtcp import: each {@code main} runs a server and a client in one JVM over
 * 127.0.0.1 and prints what happened as lines for the test that forked it. Whether they run on the
 * kernel or on jmtcp is decided only by the JVM's command line (the provider property and
 * {@code jmtcp.jar} on the class path). {@link io.jmtcp.it.frameworks.apps.Probe} is the one shared
 * piece: it prints facts, reads jmtcp's connection listing over JMX by name (plain JMX, no jmtcp
 * types) and holds a connection open while the test looks at the kernel with {@code ss}.
 *
 * <p>Threads: each app's own; the framework's threads run the servers, the main thread the client.
 */
package io.jmtcp.it.frameworks.apps;
