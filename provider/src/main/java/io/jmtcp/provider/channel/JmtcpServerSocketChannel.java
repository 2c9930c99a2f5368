package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import io.jmtcp.provider.select.JmtcpSelectable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening TCP {@link ServerSocketChannel} of the jmtcp provider with the JDK's behaviour:
 * bind with a backlog (port 0 picks an ephemeral port; a taken port fails with
 * {@code BindException("Address already in use")}), accept in blocking mode (Jetty's acceptor
 * threads) or non-blocking mode (null when nobody waits), options, and a {@link ServerSocket}
 * adaptor. Accepted channels start in blocking mode, connected.
 *
 * <p>Threads: one acceptor at a time (a lock, as the JDK's); others wait for it. Options and
 * binding under a state lock; readiness queries from selecting threads take no lock.
 */
public final class JmtcpServerSocketChannel extends ServerSocketChannel implements JmtcpSelectable {

    private final Transport transport;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private final ChannelKeys keys = new ChannelKeys();
    private final TcpOptions options = new TcpOptions(true);

    private volatile ListenerBackend listener;
    private InetSocketAddress localAddress;
    private ServerSocketAdaptor socket;

    /** An unbound server channel. */
    public JmtcpServerSocketChannel(SelectorProvider provider, Transport transport) {
        super(provider);
        this.transport = transport;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (localAddress != null) {
                throw new AlreadyBoundException();
            }
            InetSocketAddress isa = local == null
                    ? new InetSocketAddress(transport.anyLocal(), 0) : Addresses.checkInet(local);
            ListenerBackend l = transport.listen(isa, backlog < 1 ? 50 : backlog, options);
            listener = l;
            localAddress = l.localAddress();
        }
        listener.wire(keys);
        return this;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return localAddress;
        }
    }

    InetSocketAddress localAddressOrNull() {
        synchronized (stateLock) {
            return localAddress;
        }
    }

    boolean isBound() {
        return localAddressOrNull() != null;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        TcpOptions.checkSettable(supportedOptions(), name, value);
        synchronized (stateLock) {
            ensureOpen();
            options.set(name, value);
            ListenerBackend l = listener;
            if (l != null) {
                l.applyOptions(options);
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
        return TcpOptions.SERVER_OPTIONS;
    }

    @Override
    public ServerSocket socket() {
        synchronized (stateLock) {
            if (socket == null) {
                socket = new ServerSocketAdaptor(this);
            }
            return socket;
        }
    }

    @Override
    public SocketChannel accept() throws IOException {
        acceptLock.lock();
        try {
            return acceptLocked(isBlocking(), -1);
        } finally {
            acceptLock.unlock();
        }
    }

    /** The adaptor's accept with SO_TIMEOUT: blocking mode only. */
    SocketChannel blockingAccept(long timeoutNanos) throws IOException {
        acceptLock.lock();
        try {
            if (!isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            return acceptLocked(true, timeoutNanos);
        } finally {
            acceptLock.unlock();
        }
    }

    private SocketChannel acceptLocked(boolean blocking, long timeoutNanos) throws IOException {
        ensureOpen();
        ListenerBackend l = listener;
        if (l == null) {
            throw new NotYetBoundException();
        }
        StreamConnection c = null;
        try {
            if (blocking) {
                begin();
            }
            ensureOpen();
            c = l.accept();
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            while (c == null && blocking && isOpen()) {
                long wait = -1;
                if (timeoutNanos > 0) {
                    wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        throw new SocketTimeoutException("Accept timed out");
                    }
                }
                int r = l.awaitAcceptable(wait);
                c = l.accept();
                if (stopWaiting(r)) {
                    break; // interrupted or closed: end() says which
                }
            }
        } finally {
            if (blocking) {
                end(c != null);
            }
        }
        if (c == null) {
            return null;
        }
        if (!isOpen()) {
            c.close();
            throw new ClosedChannelException();
        }
        return new JmtcpSocketChannel(provider(), transport, c);
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        ListenerBackend l;
        synchronized (stateLock) {
            l = listener;
        }
        if (l != null) {
            l.close();
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        acceptLock.lock();
        try {
            ensureOpen();
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    public int readyOps(int interestOps) {
        ListenerBackend l = listener;
        if ((interestOps & SelectionKey.OP_ACCEPT) != 0 && l != null && isOpen() && l.isAcceptable()) {
            return SelectionKey.OP_ACCEPT;
        }
        return 0;
    }

    @Override
    public ChannelKeys channelKeys() {
        return keys;
    }

    @Override
    public void keysChanged() {
        ListenerBackend l = listener;
        if (l != null) {
            l.wire(keys);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSuperclass().getName()).append('[');
        if (!isOpen()) {
            sb.append("closed");
        } else {
            InetSocketAddress a = localAddressOrNull();
            sb.append(a == null ? "unbound" : a.toString());
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
