package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.provider.select.ChannelKeys;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The {@link Transport} over one jmtcp {@link Stack}: connections and listeners are
 * {@link TcpSocket}s. The stack is obtained lazily, on the first bind or connect, so opening and
 * configuring channels starts no engine.
 *
 * <p>Threads: any.
 */
public final class JmtcpTransport implements Transport {

    private final Supplier<Stack> stack;
    private final Supplier<JmtcpConfig> config;

    /**
     * @param stack  the stack, started on first use
     * @param config its configuration, for defaults reported before the stack runs
     */
    public JmtcpTransport(Supplier<Stack> stack, Supplier<JmtcpConfig> config) {
        this.stack = stack;
        this.config = config;
    }

    @Override
    public StreamConnection connect(InetSocketAddress local, InetSocketAddress remote, TcpOptions options) {
        TcpSocket s = new TcpSocket();
        options.applyTo(s);
        int localPort = local == null ? 0 : local.getPort();
        stack.get().connect(s, localPort, Addresses.toInt(remote.getAddress()), remote.getPort());
        return new Connection(s);
    }

    @Override
    public ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
        Stack st = stack.get();
        int ip = checkLocal(st, local);
        TcpSocket l;
        try {
            l = st.listen(ip, local.getPort(), backlog);
        } catch (BindException e) {
            // the JDK's message, exactly: applications and tests match on it
            BindException b = new BindException(e.getMessage().startsWith("Address already in use")
                    ? "Address already in use" : e.getMessage());
            b.initCause(e);
            throw b;
        }
        options.applyTo(l);
        return new Listener(st, l);
    }

    @Override
    public InetSocketAddress bindLocal(InetSocketAddress local) throws IOException {
        checkLocal(stack.get(), local);
        return local;
    }

    private static int checkLocal(Stack st, InetSocketAddress local) throws BindException {
        int ip = Addresses.toInt(local.getAddress());
        boolean ours = ip == 0 || st.route().isLocal(ip)
                || (Ipv4Address.isLoopback(ip) && Ipv4Address.isLoopback(st.route().address()));
        if (!ours) {
            throw new BindException("Cannot assign requested address: " + local.getAddress().getHostAddress()
                    + " is not an address of the jmtcp stack (jmtcp.ip=" + st.route().subnet() + ")");
        }
        return ip;
    }

    @Override
    public int defaultReceiveBuffer() {
        return config.get().get(JmtcpConfig.TCP_RCVBUF);
    }

    @Override
    public int defaultSendBuffer() {
        return config.get().get(JmtcpConfig.TCP_SNDBUF);
    }

    /** A connection over a jmtcp socket. */
    static final class Connection implements StreamConnection {
        private final TcpSocket socket;

        Connection(TcpSocket socket) {
            this.socket = socket;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return socket.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return socket.write(srcs, offset, length);
        }

        @Override
        public int awaitReadable(long timeoutNanos) {
            return socket.awaitReadable(timeoutNanos);
        }

        @Override
        public int awaitWritable(long timeoutNanos) {
            return socket.awaitWritable(timeoutNanos);
        }

        @Override
        public int awaitConnected(long timeoutNanos) {
            return socket.awaitConnected(timeoutNanos);
        }

        @Override
        public boolean isReadable() {
            return socket.isReadable();
        }

        @Override
        public boolean isWritable() {
            return socket.isWritable();
        }

        @Override
        public boolean isConnected() {
            return (socket.state() & (TcpSocket.CONNECTED | TcpSocket.FAILED)) == TcpSocket.CONNECTED;
        }

        @Override
        public boolean isFailed() {
            return (socket.state() & TcpSocket.FAILED) != 0;
        }

        @Override
        public IOException failure() {
            return socket.failure();
        }

        @Override
        public int available() {
            return socket.readableBytes();
        }

        @Override
        public void shutdownInput() {
            socket.shutdownInput();
        }

        @Override
        public void shutdownOutput() {
            socket.shutdownOutput();
        }

        @Override
        public void close() {
            socket.readinessSink(null);
            socket.close();
        }

        @Override
        public InetSocketAddress localAddress() {
            int port = socket.localPort();
            return port == 0 ? null : Addresses.socketAddress(socket.localAddress(), port);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return Addresses.socketAddress(socket.remoteAddress(), socket.remotePort());
        }

        @Override
        public void applyOptions(TcpOptions options) {
            options.applyTo(socket);
        }

        @Override
        public void wire(ChannelKeys keys) {
            keys.wire(socket);
        }

        TcpSocket socket() {
            return socket;
        }
    }

    /** A listener over a jmtcp listening socket. */
    static final class Listener implements ListenerBackend {
        private final Stack stack;
        private final TcpSocket socket;

        Listener(Stack stack, TcpSocket socket) {
            this.stack = stack;
            this.socket = socket;
        }

        @Override
        public StreamConnection accept() {
            TcpSocket s = socket.accept();
            return s == null ? null : new Connection(s);
        }

        @Override
        public int awaitAcceptable(long timeoutNanos) {
            return socket.awaitAcceptable(timeoutNanos);
        }

        @Override
        public boolean isAcceptable() {
            return socket.isAcceptable();
        }

        @Override
        public InetSocketAddress localAddress() {
            return Addresses.socketAddress(socket.localAddress(), socket.localPort());
        }

        @Override
        public void close() {
            socket.readinessSink(null);
            stack.closeListener(socket);
            socket.close(); // wakes a thread blocked in accept (its wait returns CLOSED)
        }

        @Override
        public void wire(ChannelKeys keys) {
            keys.wire(socket);
        }

        @Override
        public void applyOptions(TcpOptions options) {
            options.applyTo(socket);
        }
    }
}
