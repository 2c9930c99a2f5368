/**
 * Plain apps for the tests of {@code io.jmtcp.it.taps}: a Netty 4.2 HTTP/1.1 server, a Jetty 12.1
 * HTTP/1.1 + h2c server and a java.nio HTTP client, with no jmtcp import. Each serves (or fetches)
 * on the address its arguments or standard input name, reports through
 * {@link io.jmtcp.it.frameworks.apps.Probe} lines ({@code FACT}, {@code PROBE}) and runs until
 * {@code stop} on standard input, so a test can drive kernel tools against it meanwhile.
 *
 * <p>Threads: each app's own; the framework's threads serve, the main thread reads commands.
 */
package io.jmtcp.it.taps.apps;
