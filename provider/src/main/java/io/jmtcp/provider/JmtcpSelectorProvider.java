package io.jmtcp.provider;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.provider.channel.JmtcpPipe;
import io.jmtcp.provider.channel.JmtcpServerSocketChannel;
import io.jmtcp.provider.channel.JmtcpSocketChannel;
import io.jmtcp.provider.channel.JmtcpTransport;
import io.jmtcp.provider.channel.Transport;
import io.jmtcp.provider.select.JmtcpSelector;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

/**
 * The jmtcp {@link SelectorProvider}: selectors, TCP socket channels, server socket channels and
 * pipes whose observable behaviour is the JDK's, over the user-level stack. Selected with
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider} (or by
 * the agent); the jar deliberately ships no {@code META-INF/services} entry, which would switch
 * every JVM that has it on its class path.
 *
 * <p>The no-argument constructor (the one the JDK calls) uses the JVM's one stack, started
 * lazily on the first bind or connect from {@code JmtcpConfig.load}; the other runs over a stack
 * the caller owns. Not yet covered: {@code DatagramChannel} and Unix-domain channels (they throw
 * {@link UnsupportedOperationException} naming what is missing) and IPv6.
 *
 * <p>Threads: any.
 */
public class JmtcpSelectorProvider extends SelectorProvider {

    private final Transport transport;

    /** The provider over this JVM's jmtcp stack (started on first use). */
    public JmtcpSelectorProvider() {
        this.transport = new JmtcpTransport(ProcessStack::get, ProcessStack::config);
    }

    /** A provider over {@code stack}, which the caller starts and closes. */
    public JmtcpSelectorProvider(Stack stack) {
        Objects.requireNonNull(stack);
        this.transport = new JmtcpTransport(() -> stack, stack::config);
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        throw new UnsupportedOperationException("DatagramChannel is not supported by the jmtcp provider yet"
                + " (UDP is missing from jmtcp; issue 5 item 4 routes it to the kernel)");
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return openDatagramChannel();
    }

    @Override
    public Pipe openPipe() throws IOException {
        return new JmtcpPipe(this);
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return new JmtcpSelector(this);
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new JmtcpServerSocketChannel(this, transport);
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new JmtcpSocketChannel(this, transport);
    }

    /** Java 15+ overload (Netty calls it reflectively): IPv4 only for now. */
    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        checkFamily(family);
        return openSocketChannel();
    }

    /** Java 15+ overload: IPv4 only for now. */
    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        checkFamily(family);
        return openServerSocketChannel();
    }

    private static void checkFamily(ProtocolFamily family) {
        Objects.requireNonNull(family, "'family' is null");
        if (family == StandardProtocolFamily.INET) {
            return;
        }
        if (family == StandardProtocolFamily.INET6) {
            throw new UnsupportedOperationException("Protocol family INET6 is not supported by jmtcp yet"
                    + " (jmtcp carries IPv4 only)");
        }
        if ("UNIX".equals(family.name())) {
            throw new UnsupportedOperationException("Unix-domain channels are not supported by the jmtcp provider yet");
        }
        throw new UnsupportedOperationException("Protocol family not supported");
    }

    /** The configuration the default stack starts with (loaded, not started). */
    static JmtcpConfig defaultConfig() {
        return ProcessStack.config();
    }
}
