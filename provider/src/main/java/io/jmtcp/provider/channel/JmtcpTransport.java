package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.provider.select.ChannelKeys;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The {@link Transport} over one jmtcp {@link Stack}: connections and listeners are
 * {@link TcpSocket}s. The stack is obtained lazily, on the first bind or connect, so opening and
 * configuring channels starts no engine. It keeps the ports its listeners and bound, not yet
 * connected, client channels hold: routing asks it whether a jmtcp listener listens on a
 * loopback port, and a client bind to a listener's port fails as on Linux.
 *
 * <p>Threads: any.
 */
public final class JmtcpTransport implements Transport {

    private final Supplier<Stack> stack;
    private final Supplier<JmtcpConfig> config;
    /** Port of each live listener -> its address (0: any). */
    private final ConcurrentHashMap<Integer, Integer> listeners = new ConcurrentHashMap<>();
    /** Ports held by bound client channels that have not connected yet. */
    private final ConcurrentHashMap<Integer, Binding> clientPorts = new ConcurrentHashMap<>();

    /**
     * @param stack  the stack, started on first use
     * @param config its configuration, for defaults reported before the stack runs
     */
    public JmtcpTransport(Supplier<Stack> stack, Supplier<JmtcpConfig> config) {
        this.stack = stack;
        this.config = config;
    }

    @Override
    public StreamConnection connect(LocalBinding local, InetSocketAddress remote, TcpOptions options) throws IOException {
        checkIpv4(remote.getAddress());
        int localPort = 0;
        if (local != null) {
            localPort = local.address().getPort();
            local.release(); // from here on the engine owns the port (its 4-tuple)
        }
        TcpSocket s = new TcpSocket();
        options.applyTo(s);
        stack.get().connect(s, localPort, Addresses.toInt(remote.getAddress()), remote.getPort());
        return new Connection(s);
    }

    @Override
    public ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
        Stack st = stack.get();
        int ip = checkLocal(st, local);
        if (local.getPort() != 0 && clientPorts.containsKey(local.getPort())) {
            throw new BindException("Address already in use");
        }
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
        listeners.put(l.localPort(), ip);
        return new Listener(st, l, listeners);
    }

    @Override
    public LocalBinding bindLocal(InetSocketAddress local, TcpOptions options) throws IOException {
        checkLocal(stack.get(), local);
        return reserve(local);
    }

    /**
     * Holds {@code local}'s port for a client channel (port 0: a free one of jmtcp.tcp.ports),
     * refusing a port a listener or another bound channel holds.
     */
    Binding reserve(InetSocketAddress local) throws BindException {
        int port = local.getPort();
        if (port != 0) {
            Binding b = new Binding(new InetSocketAddress(local.getAddress(), port));
            if (listeners.containsKey(port) || clientPorts.putIfAbsent(port, b) != null) {
                throw new BindException("Address already in use");
            }
            return b;
        }
        String[] range = config.get().get(JmtcpConfig.TCP_PORTS).split("-");
        int low = Integer.parseInt(range[0].trim());
        int span = Integer.parseInt(range[1].trim()) - low + 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 4 * span; i++) {
            int p = low + r.nextInt(span);
            Binding b = new Binding(new InetSocketAddress(local.getAddress(), p));
            if (!listeners.containsKey(p) && clientPorts.putIfAbsent(p, b) == null) {
                return b;
            }
        }
        throw new BindException("Cannot assign requested address: no free port in jmtcp.tcp.ports");
    }

    /** Whether a jmtcp listener of this transport listens on {@code address:port}. */
    public boolean listens(InetAddress address, int port) {
        Integer ip = listeners.get(port);
        return ip != null && (ip == 0 || (address instanceof Inet4Address && ip == Addresses.toInt(address)));
    }

    private static void checkIpv4(InetAddress a) throws BindException {
        if (!(a instanceof Inet4Address)) {
            throw new BindException("Cannot assign requested address: " + a.getHostAddress()
                    + " is IPv6 and jmtcp carries IPv4 only (route it to the kernel with jmtcp.route.rules)");
        }
    }

    private static int checkLocal(Stack st, InetSocketAddress local) throws BindException {
        checkIpv4(local.getAddress());
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
        private final ConcurrentHashMap<Integer, Integer> registry;

        Listener(Stack stack, TcpSocket socket, ConcurrentHashMap<Integer, Integer> registry) {
            this.stack = stack;
            this.socket = socket;
            this.registry = registry;
        }

        /** Points the listening socket's readiness reports at {@code sink} (a listener on both sides). */
        void sink(io.jmtcp.engine.api.ReadinessSink sink) {
            socket.readinessSink(sink);
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
            registry.remove(socket.localPort());
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

    /** A client port held on jmtcp until connect or close. */
    final class Binding implements LocalBinding {
        private final InetSocketAddress address;

        Binding(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public void release() {
            clientPorts.remove(address.getPort(), this);
        }
    }
}
