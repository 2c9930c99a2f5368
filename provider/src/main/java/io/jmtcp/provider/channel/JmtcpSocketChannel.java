package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import io.jmtcp.provider.select.JmtcpSelectable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP {@link SocketChannel} of the jmtcp provider that behaves as the JDK's does: blocking and
 * non-blocking mode, connect/finishConnect, scattering and gathering transfers, half-close,
 * every standard option, the JDK's exceptions in the JDK's order, interrupt and asynchronous
 * close semantics ({@code AbstractInterruptibleChannel.begin/end}: interrupting a blocked
 * operation closes the channel and throws {@link java.nio.channels.ClosedByInterruptException}).
 * Blocked operations park through the connection's waiter, so virtual threads unmount.
 *
 * <p>The channel holds its options, blocking mode and selector registrations itself and runs
 * over a {@link StreamConnection} that exists from connect (or accept) on.
 *
 * <p>Threads: as the JDK's, one reader and one writer at a time (two locks); connect and
 * finishConnect hold both; state changes under a state lock; readiness queries from selecting
 * threads take no lock.
 */
public final class JmtcpSocketChannel extends SocketChannel implements JmtcpSelectable {

    private static final int ST_UNCONNECTED = 0;
    private static final int ST_PENDING = 1;
    private static final int ST_CONNECTED = 2;
    private static final int ST_CLOSED = 3;

    private final Transport transport;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private final ChannelKeys keys = new ChannelKeys();
    private final TcpOptions options = new TcpOptions(false);

    private volatile int state;
    private volatile StreamConnection connection;
    private volatile boolean inputClosed;
    private volatile boolean outputClosed;
    private InetSocketAddress localAddress;
    /** The port held by bind() until connect takes it over (or close releases it). */
    private LocalBinding binding;
    private InetSocketAddress remoteAddress;
    private SocketAdaptor socket;

    /** An unconnected channel. */
    public JmtcpSocketChannel(SelectorProvider provider, Transport transport) {
        super(provider);
        this.transport = transport;
    }

    /** A channel for an accepted connection: connected, blocking, options inherited. */
    JmtcpSocketChannel(SelectorProvider provider, Transport transport, StreamConnection accepted) {
        super(provider);
        this.transport = transport;
        this.connection = accepted;
        this.state = ST_CONNECTED;
        this.localAddress = accepted.localAddress();
        this.remoteAddress = accepted.remoteAddress();
        if (accepted instanceof JmtcpTransport.Connection) {
            options.readFrom(((JmtcpTransport.Connection) accepted).socket());
        }
    }

    // ================================================================ state

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private StreamConnection ensureOpenAndConnected() throws ClosedChannelException {
        int s = state;
        if (s == ST_CLOSED || !isOpen()) {
            throw new ClosedChannelException();
        }
        if (s != ST_CONNECTED) {
            throw new NotYetConnectedException();
        }
        return connection;
    }

    @Override
    public boolean isConnected() {
        return state == ST_CONNECTED;
    }

    @Override
    public boolean isConnectionPending() {
        return state == ST_PENDING;
    }

    boolean isInputOpen() {
        return !inputClosed;
    }

    boolean isOutputOpen() {
        return !outputClosed;
    }

    // ================================================================ addresses

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                synchronized (stateLock) {
                    ensureOpen();
                    if (state == ST_PENDING) {
                        throw new ConnectionPendingException();
                    }
                    if (localAddress != null) {
                        throw new AlreadyBoundException();
                    }
                    InetSocketAddress isa = local == null
                            ? new InetSocketAddress(transport.anyLocal(), 0) : Addresses.checkInet(local);
                    // the port is assigned now, as the kernel does at bind (the route may be decided
                    // only at connect: the binding then holds the port on both sides)
                    binding = transport.bindLocal(isa, options);
                    localAddress = binding.address();
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
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return localAddress;
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return remoteAddress;
        }
    }

    InetSocketAddress localAddressOrNull() {
        synchronized (stateLock) {
            return localAddress;
        }
    }

    InetSocketAddress remoteAddressOrNull() {
        synchronized (stateLock) {
            return remoteAddress;
        }
    }

    // ================================================================ options

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        TcpOptions.checkSettable(supportedOptions(), name, value);
        synchronized (stateLock) {
            ensureOpen();
            options.set(name, value);
            StreamConnection c = connection;
            if (c != null) {
                c.applyOptions(options);
            }
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        TcpOptions.checkSupported(supportedOptions(), name);
        synchronized (stateLock) {
            ensureOpen();
            return (T) options.get(name, transport.defaultReceiveBuffer(), transport.defaultSendBuffer());
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return TcpOptions.SOCKET_OPTIONS;
    }

    /** SO_OOBINLINE for the socket adaptor (kept, not acted upon: jmtcp sends no urgent data). */
    void oobInline(boolean on) throws ClosedChannelException {
        synchronized (stateLock) {
            ensureOpen();
            options.oobInline = on;
        }
    }

    boolean oobInline() throws ClosedChannelException {
        synchronized (stateLock) {
            ensureOpen();
            return options.oobInline;
        }
    }

    @Override
    public Socket socket() {
        synchronized (stateLock) {
            if (socket == null) {
                socket = SocketAdaptor.create(this);
            }
            return socket;
        }
    }

    // ================================================================ connect

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        InetSocketAddress isa = Addresses.checkRemote(remote);
        try {
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    ensureOpen();
                    return connectLocked(isa, isBlocking(), -1);
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } catch (IOException e) {
            close(); // as the JDK: a failed connect closes the channel
            throw e;
        }
    }

    /** Connect with the locks held; {@code timeoutNanos} negative: no limit (blocking only). */
    private boolean connectLocked(InetSocketAddress isa, boolean blocking, long timeoutNanos) throws IOException {
        boolean connected = false;
        try {
            if (blocking) {
                begin();
            }
            StreamConnection c;
            synchronized (stateLock) {
                ensureOpen();
                if (state == ST_CONNECTED) {
                    throw new AlreadyConnectedException();
                }
                if (state == ST_PENDING) {
                    throw new ConnectionPendingException();
                }
                LocalBinding b = binding;
                binding = null; // consumed, even if the connect fails
                c = transport.connect(b, isa, options);
                state = ST_PENDING;
                remoteAddress = isa;
                connection = c;
            }
            c.wire(keys);
            if (blocking) {
                connected = awaitConnected(c, timeoutNanos);
            } else {
                // as the JDK's on Linux: a non-blocking TCP connect never completes inside the
                // call (connect(2) answers EINPROGRESS even on loopback), so the outcome, success
                // or refusal, is always reported by OP_CONNECT and finishConnect. Looking at the
                // backend here raced with its completion (a kernel connect completes on the
                // asynchronous channel group's threads): when the completion won, connect returned
                // true and OP_CONNECT, reported only while the connection is pending, never fired
                connected = false;
            }
        } finally {
            endConnect(blocking, connected);
        }
        return connected;
    }

    /** True once connected; throws the failure of a failed connect. */
    private static boolean pollConnected(StreamConnection c) throws IOException {
        if (c.isFailed()) {
            throw c.failure();
        }
        return c.isConnected();
    }

    private boolean awaitConnected(StreamConnection c, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        boolean polled = pollConnected(c);
        while (!polled && isOpen()) {
            long wait = -1;
            if (timeoutNanos > 0) {
                wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    throw new SocketTimeoutException("Connect timed out");
                }
            }
            int r = c.awaitConnected(wait);
            polled = pollConnected(c);
            if (stopWaiting(r)) {
                break; // interrupted or closed: end() reports it
            }
        }
        return polled && isOpen();
    }

    private void endConnect(boolean blocking, boolean completed) throws IOException {
        if (blocking) {
            end(completed);
        }
        if (completed) {
            synchronized (stateLock) {
                if (state == ST_PENDING) {
                    state = ST_CONNECTED;
                    localAddress = connection.localAddress();
                }
            }
            keys.readinessChanged(); // OP_WRITE becomes reportable once connected
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        try {
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    if (isConnected()) {
                        return true;
                    }
                    ensureOpen();
                    boolean blocking = isBlocking();
                    boolean connected = false;
                    try {
                        if (blocking) {
                            begin();
                        }
                        synchronized (stateLock) {
                            ensureOpen();
                            if (state != ST_PENDING) {
                                throw new NoConnectionPendingException();
                            }
                        }
                        StreamConnection c = connection;
                        connected = blocking ? awaitConnected(c, -1) : pollConnected(c) && isOpen();
                    } finally {
                        endConnect(blocking, connected);
                    }
                    return connected;
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The socket adaptor's connect: blocking mode only, with a timeout (0: none). */
    void blockingConnect(SocketAddress remote, long timeoutNanos) throws IOException {
        InetSocketAddress isa = Addresses.checkRemote(remote);
        try {
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    if (!isBlocking()) {
                        throw new IllegalBlockingModeException();
                    }
                    ensureOpen();
                    connectLocked(isa, true, timeoutNanos > 0 ? timeoutNanos : -1);
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    // ================================================================ read

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        readLock.lock();
        try {
            boolean blocking = isBlocking();
            int n = 0;
            try {
                StreamConnection c = beginRead(blocking);
                if (inputClosed) {
                    return -1;
                }
                n = c.read(dst);
                while (blocking && n == 0 && dst.hasRemaining() && isOpen()) {
                    if (stopWaiting(c.awaitReadable(-1))) {
                        break;
                    }
                    n = c.read(dst);
                }
            } finally {
                endIo(blocking, n > 0);
            }
            return n == 0 && inputClosed ? -1 : n;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        readLock.lock();
        try {
            boolean blocking = isBlocking();
            long n = 0;
            try {
                StreamConnection c = beginRead(blocking);
                if (inputClosed) {
                    return -1;
                }
                n = c.read(dsts, offset, length);
                while (blocking && n == 0 && hasRemaining(dsts, offset, length) && isOpen()) {
                    if (stopWaiting(c.awaitReadable(-1))) {
                        break;
                    }
                    n = c.read(dsts, offset, length);
                }
            } finally {
                endIo(blocking, n > 0);
            }
            return n == 0 && inputClosed ? -1 : n;
        } finally {
            readLock.unlock();
        }
    }

    /** The socket adaptor's read: blocking mode only, with a timeout (0: none). */
    int blockingRead(byte[] b, int off, int len, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        readLock.lock();
        try {
            StreamConnection c = ensureOpenAndConnected();
            if (!isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            ByteBuffer dst = ByteBuffer.wrap(b, off, len);
            int n = 0;
            try {
                beginRead(true);
                if (inputClosed) {
                    return -1;
                }
                long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
                n = c.read(dst);
                while (n == 0 && isOpen()) {
                    long wait = -1;
                    if (timeoutNanos > 0) {
                        wait = deadline - System.nanoTime();
                        if (wait <= 0) {
                            throw new SocketTimeoutException("Read timed out");
                        }
                    }
                    int r = c.awaitReadable(wait);
                    n = c.read(dst);
                    if (stopWaiting(r)) {
                        break;
                    }
                }
            } finally {
                endIo(true, n > 0);
            }
            return n == 0 && inputClosed ? -1 : n;
        } finally {
            readLock.unlock();
        }
    }

    int available() throws IOException {
        readLock.lock();
        try {
            StreamConnection c = ensureOpenAndConnected();
            return inputClosed ? 0 : c.available();
        } finally {
            readLock.unlock();
        }
    }

    private StreamConnection beginRead(boolean blocking) throws ClosedChannelException {
        if (blocking) {
            begin(); // an interrupt from here on closes the channel
        }
        return ensureOpenAndConnected();
    }

    private void endIo(boolean blocking, boolean completed) throws IOException {
        if (blocking) {
            end(completed); // ClosedByInterruptException / AsynchronousCloseException
        }
    }

    // ================================================================ write

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        writeLock.lock();
        try {
            boolean blocking = isBlocking();
            int n = 0;
            try {
                StreamConnection c = beginWrite(blocking);
                n = c.write(src);
                while (blocking && src.hasRemaining() && isOpen()) {
                    if (stopWaiting(c.awaitWritable(-1))) {
                        break;
                    }
                    n += c.write(src);
                }
            } finally {
                endIo(blocking, n > 0);
            }
            return n;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        writeLock.lock();
        try {
            boolean blocking = isBlocking();
            long n = 0;
            try {
                StreamConnection c = beginWrite(blocking);
                n = c.write(srcs, offset, length);
                while (blocking && hasRemaining(srcs, offset, length) && isOpen()) {
                    if (stopWaiting(c.awaitWritable(-1))) {
                        break;
                    }
                    n += c.write(srcs, offset, length);
                }
            } finally {
                endIo(blocking, n > 0);
            }
            return n;
        } finally {
            writeLock.unlock();
        }
    }

    /** The socket adaptor's write: blocking mode only, writes everything. */
    void blockingWriteFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        writeLock.lock();
        try {
            ensureOpenAndConnected();
            if (!isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            write(ByteBuffer.wrap(b, off, len));
        } finally {
            writeLock.unlock();
        }
    }

    private StreamConnection beginWrite(boolean blocking) throws ClosedChannelException {
        if (blocking) {
            begin();
        }
        StreamConnection c = ensureOpenAndConnected();
        if (outputClosed) {
            throw new ClosedChannelException();
        }
        return c;
    }

    private static boolean hasRemaining(ByteBuffer[] bufs, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (bufs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    // ================================================================ shutdown and close

    @Override
    public SocketChannel shutdownInput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != ST_CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!inputClosed) {
                inputClosed = true;
                connection.shutdownInput(); // wakes a blocked reader, which then reports -1
            }
        }
        keys.readinessChanged(); // OP_READ: reads now return -1 at once
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != ST_CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!outputClosed) {
                outputClosed = true;
                connection.shutdownOutput();
            }
        }
        keys.readinessChanged();
        return this;
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        StreamConnection c;
        synchronized (stateLock) {
            state = ST_CLOSED;
            c = connection;
            if (binding != null) {
                binding.release();
                binding = null;
            }
        }
        if (c != null) {
            c.close(); // wakes threads blocked in read, write or connect
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        // as the JDK: wait for blocked operations to finish before switching
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

    // ================================================================ selection

    @Override
    public int readyOps(int interestOps) {
        StreamConnection c = connection;
        int s = state;
        if (c == null || s == ST_CLOSED) {
            return 0;
        }
        if (c.isFailed()) {
            // as POLLERR: every interest op is ready, so the application runs into the error
            return interestOps;
        }
        int ready = 0;
        if ((interestOps & SelectionKey.OP_READ) != 0 && (inputClosed || c.isReadable())) {
            ready |= SelectionKey.OP_READ;
        }
        if ((interestOps & SelectionKey.OP_CONNECT) != 0 && s == ST_PENDING && c.isConnected()) {
            ready |= SelectionKey.OP_CONNECT;
        }
        if ((interestOps & SelectionKey.OP_WRITE) != 0 && s == ST_CONNECTED && (outputClosed || c.isWritable())) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    @Override
    public ChannelKeys channelKeys() {
        return keys;
    }

    @Override
    public void keysChanged() {
        StreamConnection c = connection;
        if (c != null) {
            c.wire(keys);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSuperclass().getName()).append('[');
        if (!isOpen()) {
            sb.append("closed");
        } else {
            synchronized (stateLock) {
                sb.append(state == ST_CONNECTED ? "connected" : state == ST_PENDING ? "connection-pending" : "unconnected");
                if (localAddress != null) {
                    sb.append(" local=").append(localAddress);
                }
                if (remoteAddress != null) {
                    sb.append(" remote=").append(remoteAddress);
                }
            }
        }
        return sb.append(']').toString();
    }

    /**
     * Whether a wait ended the blocking loop; an interrupted wait is turned into the channel's
     * interrupt semantics. Since JDK 21 {@code Thread.interrupt} unparks the thread before it
     * closes the channel, so the woken thread could reach {@code end()} before the close and
     * return normally; calling {@code begin()} again with the interrupt flag set closes the
     * channel and marks this thread as the one interrupted, exactly as entering a blocking
     * operation interrupted does, so {@code end()} throws {@code ClosedByInterruptException}.
     */
    private boolean stopWaiting(int waitResult) {
        if (waitResult == Waiter.INTERRUPTED) {
            begin();
            return true;
        }
        return waitResult != Waiter.READY && waitResult != Waiter.TIMED_OUT;
    }
}
