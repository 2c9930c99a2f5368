package io.jmtcp.provider;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.provider.channel.JmtcpPipe;
import io.jmtcp.provider.channel.JmtcpServerSocketChannel;
import io.jmtcp.provider.channel.JmtcpSocketChannel;
import io.jmtcp.provider.channel.JmtcpTransport;
import io.jmtcp.provider.channel.KernelDatagramChannel;
import io.jmtcp.provider.channel.KernelTransport;
import io.jmtcp.provider.channel.RoutingTransport;
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
 * the caller owns. Each bind and connect is routed (DESIGN.md 5, {@code jmtcp.route.*}): to jmtcp,
 * or to the kernel through the JDK's asynchronous channels, multiplexed in the same selector.
 * {@code DatagramChannel} is kernel-backed ({@link KernelDatagramChannel}); IPv6 (addresses, or
 * channels opened for {@code INET6}) goes to the kernel. Not covered: Unix-domain channels and
 * multicast (they throw {@link UnsupportedOperationException} naming what is missing). The
 * selectors also multiplex channels of other providers, e.g. the JDK's own Unix-domain channels or
 * channels opened before the agent attached ({@link JmtcpSelector}).
 *
 * <p>Threads: any.
 */
public class JmtcpSelectorProvider extends SelectorProvider {

    private final Transport transport;
    private final Transport kernel6 = new KernelTransport(true);

    /** The provider over this JVM's jmtcp stack (started on first use). */
    public JmtcpSelectorProvider() {
        this.transport = ProcessStack.transport();
    }

    /**
     * Starts this JVM's stack now rather than at the first channel, so that a device that cannot
     * start (a TAP without root, a DPDK port that does not exist) fails here, before an application
     * depends on jmtcp: the java agent calls it before it installs the provider. Idempotent.
     *
     * @throws java.io.IOException naming the cause when the stack cannot start
     */
    public static void startProcessStack() throws java.io.IOException {
        try {
            ProcessStack.get();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new java.io.IOException("jmtcp stack did not start: " + why, e);
        }
    }

    /** A provider over {@code stack}, which the caller starts and closes; routing as configured in its config. */
    public JmtcpSelectorProvider(Stack stack) {
        Objects.requireNonNull(stack);
        this.transport = new RoutingTransport(new JmtcpTransport(() -> stack, stack::config), stack::config);
    }

    /** UDP: jmtcp carries no UDP, so datagram channels are the kernel's, multiplexed in our selector. */
    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return new KernelDatagramChannel(this, null);
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "'family' is null");
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new UnsupportedOperationException("Protocol family not supported: " + family.name()
                    + " (the jmtcp provider has datagram channels for INET and INET6 only)");
        }
        return new KernelDatagramChannel(this, (StandardProtocolFamily) family);
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

    /** Java 15+ overload (Netty calls it reflectively); INET6 channels are the kernel's (jmtcp has no IPv6). */
    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return checkFamily(family) ? new JmtcpSocketChannel(this, kernel6) : openSocketChannel();
    }

    /** Java 15+ overload; INET6 listeners are the kernel's (jmtcp has no IPv6). */
    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        return checkFamily(family) ? new JmtcpServerSocketChannel(this, kernel6) : openServerSocketChannel();
    }

    /** True for INET6, false for INET; throws for other families. */
    private static boolean checkFamily(ProtocolFamily family) {
        Objects.requireNonNull(family, "'family' is null");
        if (family == StandardProtocolFamily.INET) {
            return false;
        }
        if (family == StandardProtocolFamily.INET6) {
            return true;
        }
        if ("UNIX".equals(family.name())) {
            throw new UnsupportedOperationException("Unix-domain channels are not supported by the jmtcp provider yet"
                    + " (the JDK's need the jmtcp agent, which can export sun.nio.ch; not available yet)");
        }
        throw new UnsupportedOperationException("Protocol family not supported");
    }

    /** The configuration the default stack starts with (loaded, not started). */
    static JmtcpConfig defaultConfig() {
        return ProcessStack.config();
    }
}
