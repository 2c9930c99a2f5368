/**
 * Small example servers, written the way each framework's own documentation writes them and
 * knowing nothing of jmtcp: {@link io.jmtcp.examples.apps.NettyEcho},
 * {@link io.jmtcp.examples.apps.NettyHttpHello}, {@link io.jmtcp.examples.apps.JettyHello} and
 * {@link io.jmtcp.examples.apps.UndertowHello}. Each runs on the kernel as it is, and on jmtcp
 * when started with {@code -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider}
 * (jmtcp on the class path) or with {@code -javaagent:jmtcp.jar}; nothing else changes.
 *
 * <p>Contract: arguments {@code [PORT] [--self-test N]} ({@link io.jmtcp.examples.apps.AppArgs});
 * the app binds 127.0.0.1:PORT (default 8080, 0 for any free port), prints one banner line naming
 * the port and the JVM's {@code SelectorProvider}, and serves until the process is stopped. With
 * {@code --self-test N} it then opens N connections to itself through {@code SocketChannel.open()}
 * (so through the JVM's provider, hence through jmtcp on jmtcp), checks the answers, and prints one
 * line with the result and how many connections jmtcp's engines opened meanwhile
 * ({@link io.jmtcp.examples.apps.SelfTest}); the count is read over JMX, so the apps need no jmtcp
 * class.
 *
 * <p>Threads: each framework runs its own; the self-test runs on the main thread after the server
 * started.
 */
package io.jmtcp.examples.apps;
