package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import io.jmtcp.provider.select.JmtcpSelectable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A {@link DatagramChannel} backed by the kernel (jmtcp carries no UDP), registrable with the
 * jmtcp selector: Netty's DNS resolver and XNIO use UDP on the same event loop as TCP.
 *
 * <p>Design: the kernel socket is a {@link DatagramSocket} ({@code java.net} reaches the kernel
 * under a custom provider with no JVM flag, ENVIRONMENT.md). Once the channel is bound (by
 * {@code bind}, or implicitly by {@code connect}, {@code send} or {@code receive}) a small
 * daemon thread blocks in {@link DatagramSocket#receive} and queues each datagram (up to
 * {@value #QUEUE} of them; beyond that the thread waits and the kernel's own buffer takes the
 * overflow, dropping as UDP does), waking a blocked reader and queuing the channel's keys at their
 * selectors. Nothing polls: the thread sleeps in the kernel, the selector parks. Sends go
 * straight to the kernel from the calling thread (a UDP send does not wait for a peer).
 *
 * <p>{@code connect} is kept by this channel, not by the kernel socket (connecting a
 * {@code DatagramSocket} would wait for the receiving thread): it filters received datagrams by
 * source and gives {@code read}/{@code write} their peer. So ICMP port-unreachable errors are not
 * reported ({@code PortUnreachableException}); multicast ({@code join}) is not supported.
 * {@link #socket()} returns the kernel socket itself, for options (Netty configures through it);
 * receiving on it directly would compete with this channel.
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks); the receiving thread
 * only queues datagrams.
 */
public final class KernelDatagramChannel extends DatagramChannel implements JmtcpSelectable {

    /** Datagrams queued before the receiving thread waits. */
    private static final int QUEUE = 256;
    /** The largest UDP payload over IPv4 (RFC 768 with a 20-byte IP header). */
    private static final int MAX_DATAGRAM = 65507;

    private final DatagramSocket socket;
    private final boolean inet6;
    private final ChannelKeys keys = new ChannelKeys();
    private final ArrayBlockingQueue<DatagramPacket> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Waiter waiter = new Waiter();
    private final BooleanSupplier readable = () -> !queue.isEmpty();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();

    private volatile InetSocketAddress remote;
    private Thread receiver;

    /**
     * An unbound channel.
     *
     * @param family INET, INET6, or null (the JDK's default: dual stack)
     */
    public KernelDatagramChannel(SelectorProvider provider, StandardProtocolFamily family) throws IOException {
        super(provider);
        this.inet6 = family == StandardProtocolFamily.INET6;
        this.socket = new DatagramSocket(null);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private InetAddress anyLocal() throws IOException {
        return inet6 ? InetAddress.getByAddress(new byte[16]) : Addresses.toInetAddress(0);
    }

    // ================================================================ binding

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (socket.isBound()) {
                throw new AlreadyBoundException();
            }
            InetSocketAddress isa = local == null ? new InetSocketAddress(anyLocal(), 0) : Addresses.checkInet(local);
            socket.bind(isa);
            startReceiver();
        }
        return this;
    }

    /** Binds to the wildcard if not bound yet, as the JDK does on connect, send and receive. */
    private void ensureBound() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (!socket.isBound()) {
                socket.bind(new InetSocketAddress(anyLocal(), 0));
                startReceiver();
            }
        }
    }

    private void startReceiver() {
        Thread t = new Thread(null, this::receiveLoop, "jmtcp-udp-" + socket.getLocalPort(), 256 * 1024);
        t.setDaemon(true);
        receiver = t;
        t.start();
    }

    /** The receiving thread: blocks in the kernel, queues datagrams, reports readiness. */
    private void receiveLoop() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (isOpen()) {
            try {
                p.setData(buf, 0, buf.length);
                socket.receive(p);
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                InetSocketAddress peer = remote;
                if (peer != null && !peer.equals(from)) {
                    continue; // a connected channel receives only from its peer
                }
                byte[] data = java.util.Arrays.copyOfRange(buf, p.getOffset(), p.getOffset() + p.getLength());
                queue.put(new DatagramPacket(data, data.length, from));
                waiter.signal(Waiter.READER);
                keys.readinessChanged();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (socket.isClosed()) {
                    break; // the channel closed (or someone closed socket()): end
                }
                // a transient error (e.g. an ICMP error reported on the socket): keep receiving
            }
        }
        if (isOpen()) {
            try {
                close(); // socket() was closed under the channel
            } catch (IOException e) {
                // nothing to report
            }
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return socket.isBound() ? socket.getLocalSocketAddress() : null;
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return remote;
    }

    // ================================================================ connect

    @Override
    public DatagramChannel connect(SocketAddress peer) throws IOException {
        InetSocketAddress isa = Addresses.checkRemote(peer);
        readLock.lock();
        try {
            writeLock.lock();
            try {
                ensureBound();
                synchronized (stateLock) {
                    if (remote != null) {
                        throw new AlreadyConnectedException();
                    }
                    remote = isa;
                    queue.removeIf(d -> !isa.equals(d.getSocketAddress())); // as the JDK: only the peer's from now on
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
        return this;
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        synchronized (stateLock) {
            if (isOpen()) {
                remote = null;
            }
        }
        return this;
    }

    @Override
    public boolean isConnected() {
        return remote != null && isOpen();
    }

    // ================================================================ receive and read

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        ensureBound();
        readLock.lock();
        try {
            DatagramPacket d = take();
            if (d == null) {
                return null;
            }
            dst.put(d.getData(), 0, Math.min(d.getLength(), dst.remaining())); // the rest is discarded, as UDP does
            return d.getSocketAddress();
        } finally {
            readLock.unlock();
        }
    }

    /** The next datagram; in blocking mode waits for it (interruptible, closing the channel). */
    private DatagramPacket take() throws IOException {
        boolean blocking = isBlocking();
        DatagramPacket d = null;
        try {
            if (blocking) {
                begin();
            }
            ensureOpen();
            d = queue.poll();
            while (d == null && blocking && isOpen()) {
                int r = waiter.await(Waiter.READER, readable, -1);
                d = queue.poll();
                if (r == Waiter.INTERRUPTED) {
                    begin(); // as the socket channel: the interrupt closes the channel (JDK 21+ ordering)
                    break;
                }
                if (r == Waiter.CLOSED) {
                    break;
                }
            }
        } finally {
            if (blocking) {
                end(d != null);
            }
        }
        if (d != null) {
            keys.readinessChanged(); // OP_READ may no longer hold
        }
        return d;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (remote == null) {
            ensureOpen();
            throw new NotYetConnectedException();
        }
        int before = dst.position();
        return receive(dst) == null ? 0 : dst.position() - before;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        if (remote == null) {
            ensureOpen();
            throw new NotYetConnectedException();
        }
        ensureBound();
        readLock.lock();
        try {
            DatagramPacket d = take();
            if (d == null) {
                return 0;
            }
            int at = 0;
            for (int i = offset; i < offset + length && at < d.getLength(); i++) {
                int n = Math.min(dsts[i].remaining(), d.getLength() - at);
                dsts[i].put(d.getData(), at, n);
                at += n;
            }
            return at;
        } finally {
            readLock.unlock();
        }
    }

    // ================================================================ send and write

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src);
        InetSocketAddress isa = Addresses.checkRemote(target);
        InetSocketAddress peer = remote;
        if (peer != null && !peer.equals(isa)) {
            ensureOpen();
            throw new AlreadyConnectedException();
        }
        ensureBound();
        writeLock.lock();
        try {
            return sendTo(src, isa);
        } finally {
            writeLock.unlock();
        }
    }

    private int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
        int n = src.remaining();
        byte[] b = new byte[n];
        src.get(b);
        boolean blocking = isBlocking();
        boolean done = false;
        try {
            if (blocking) {
                begin();
            }
            ensureOpen();
            socket.send(new DatagramPacket(b, n, target));
            done = true;
        } catch (SocketException e) {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            throw e;
        } finally {
            if (blocking) {
                end(done);
            }
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        InetSocketAddress peer = remote;
        if (peer == null) {
            ensureOpen();
            throw new NotYetConnectedException();
        }
        writeLock.lock();
        try {
            return sendTo(src, peer);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        int total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (int i = offset; i < offset + length; i++) {
            all.put(srcs[i]);
        }
        all.flip();
        return write(all);
    }

    // ================================================================ options

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        ensureOpen();
        socket.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        ensureOpen();
        return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return socket.supportedOptions();
    }

    @Override
    public DatagramSocket socket() {
        return socket;
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
        throw multicast();
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
        throw multicast();
    }

    private static UnsupportedOperationException multicast() {
        return new UnsupportedOperationException("multicast is not supported by the jmtcp provider's kernel-backed"
                + " DatagramChannel (it needs the JDK's own channel, reachable once the jmtcp agent exports sun.nio.ch)");
    }

    // ================================================================ close and selection

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        socket.close(); // ends the receiving thread's blocking receive
        waiter.close();
        Thread t;
        synchronized (stateLock) {
            t = receiver;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt(); // in case it waits for queue room
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                ensureOpen();
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int readyOps(int interestOps) {
        if (!isOpen()) {
            return 0;
        }
        int ready = interestOps & SelectionKey.OP_WRITE; // a UDP send never waits for a peer
        if ((interestOps & SelectionKey.OP_READ) != 0 && !queue.isEmpty()) {
            ready |= SelectionKey.OP_READ;
        }
        return ready;
    }

    @Override
    public ChannelKeys channelKeys() {
        return keys;
    }

    @Override
    public void keysChanged() {
        // readiness is reported by the receiving thread through the keys themselves
    }

    @Override
    public String toString() {
        return DatagramChannel.class.getName() + "[" + (isOpen() ? "local=" + socket.getLocalSocketAddress()
                + (remote != null ? " remote=" + remote : "") : "closed") + "]";
    }
}
