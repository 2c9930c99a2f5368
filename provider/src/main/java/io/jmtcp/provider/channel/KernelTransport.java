package io.jmtcp.provider.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousSocketChannel;

/**
 * The {@link Transport} to the kernel: connections and listeners over the JDK's
 * {@link AsynchronousSocketChannel} and {@code AsynchronousServerSocketChannel}, which reach the
 * kernel with no JVM flag even when a custom {@code SelectorProvider} is installed
 * (ENVIRONMENT.md). Used by {@link RoutingTransport} for what the routing sends to the kernel,
 * and for channels opened with {@code StandardProtocolFamily.INET6}.
 *
 * <p>Threads: any.
 */
public final class KernelTransport implements Transport {

    private final boolean inet6;

    /** @param inet6 whether {@code bind(null)} binds the IPv6 wildcard (channels of family INET6) */
    public KernelTransport(boolean inet6) {
        this.inet6 = inet6;
    }

    @Override
    public StreamConnection connect(LocalBinding local, InetSocketAddress remote, TcpOptions options) throws IOException {
        AsynchronousSocketChannel ch;
        if (local instanceof Binding) {
            ch = ((Binding) local).take();
        } else {
            if (local != null) {
                local.release();
            }
            ch = AsynchronousSocketChannel.open();
        }
        try {
            KernelConnection.apply(ch, options);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return KernelConnection.connect(ch, remote, options);
    }

    @Override
    public ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
        return KernelListener.open(local, backlog, options);
    }

    @Override
    public LocalBinding bindLocal(InetSocketAddress local, TcpOptions options) throws IOException {
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open();
        try {
            KernelConnection.apply(ch, options);
            ch.bind(local);
            return new Binding(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public int defaultReceiveBuffer() {
        return 65536;
    }

    @Override
    public int defaultSendBuffer() {
        return 65536;
    }

    @Override
    public InetAddress anyLocal() {
        if (!inet6) {
            return Addresses.toInetAddress(0);
        }
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // sixteen bytes are always an address
        }
    }

    /** A kernel socket bound before connect. */
    static final class Binding implements LocalBinding {
        private final AsynchronousSocketChannel ch;
        private final InetSocketAddress address;
        private boolean taken;

        Binding(AsynchronousSocketChannel ch) throws IOException {
            this.ch = ch;
            this.address = (InetSocketAddress) ch.getLocalAddress();
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        /** Hands the bound socket to a connection. */
        AsynchronousSocketChannel take() {
            taken = true;
            return ch;
        }

        @Override
        public void release() {
            if (!taken) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // nothing to report
                }
            }
        }
    }
}
