package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A kernel listening socket adapted to {@link ListenerBackend}, over an
 * {@link AsynchronousServerSocketChannel}: one asynchronous accept is outstanding while fewer
 * than the backlog's connections wait; each completion queues the accepted channel, wakes a
 * blocked acceptor and queues the channel's keys at their selectors (no polling). It serves a
 * server channel routed to the kernel, and the kernel side of a jmtcp listener
 * ({@link DualListener}, issue 5 item 6).
 *
 * <p>Threads: {@link #accept()} by one acceptor at a time; completions on the asynchronous
 * channel group's threads; the rest from any thread.
 */
final class KernelListener implements ListenerBackend {

    private final AsynchronousServerSocketChannel ch;
    private final InetSocketAddress local;
    private final int backlog;
    private final ConcurrentLinkedQueue<AsynchronousSocketChannel> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean accepting = new AtomicBoolean();
    private final Waiter waiter = new Waiter();
    private final BooleanSupplier acceptable = this::isAcceptable;
    private final CompletionHandler<AsynchronousSocketChannel, Void> acceptHandler = new Accepted();

    private volatile ChannelKeys keys;
    /** Called instead of the own waiter and keys when this listener is one side of a {@link DualListener}. */
    private volatile Runnable onReady;
    private volatile boolean closed;

    private KernelListener(AsynchronousServerSocketChannel ch, int backlog) throws IOException {
        this.ch = ch;
        this.local = (InetSocketAddress) ch.getLocalAddress();
        this.backlog = backlog;
    }

    /**
     * Listens on {@code local} (port 0: the kernel picks one).
     *
     * @throws java.net.BindException as the kernel reports it ("Address already in use", ...)
     */
    static KernelListener open(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
        AsynchronousServerSocketChannel ch = AsynchronousServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress);
            if (options.receiveBuffer > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBuffer);
            }
            if (options.reusePort && ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(local, backlog);
            KernelListener l = new KernelListener(ch, backlog);
            l.startAccept();
            return l;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private final class Accepted implements CompletionHandler<AsynchronousSocketChannel, Void> {
        @Override
        public void completed(AsynchronousSocketChannel accepted, Void attachment) {
            if (closed) {
                closeQuietly(accepted);
                return;
            }
            ready.add(accepted);
            queued.incrementAndGet();
            accepting.set(false);
            if (queued.get() < backlog) {
                startAccept();
            }
            changed();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            // closed, or out of descriptors: stop; the next accept() by the application starts
            // again, so a persistent error does not spin
            accepting.set(false);
        }
    }

    private void startAccept() {
        if (!closed && accepting.compareAndSet(false, true)) {
            try {
                ch.accept(null, acceptHandler);
            } catch (RuntimeException e) {
                accepting.set(false); // closed meanwhile
            }
        }
    }

    private void changed() {
        Runnable r = onReady;
        if (r != null) {
            r.run();
            return;
        }
        waiter.signal(Waiter.READER);
        ChannelKeys k = keys;
        if (k != null) {
            k.readinessChanged();
        }
    }

    void onReady(Runnable r) {
        this.onReady = r;
    }

    @Override
    public StreamConnection accept() {
        AsynchronousSocketChannel c = ready.poll();
        if (c != null) {
            queued.decrementAndGet();
        }
        if (queued.get() < backlog) {
            startAccept();
        }
        return c == null ? null : KernelConnection.accepted(c);
    }

    @Override
    public int awaitAcceptable(long timeoutNanos) {
        return waiter.await(Waiter.READER, acceptable, timeoutNanos);
    }

    @Override
    public boolean isAcceptable() {
        return !ready.isEmpty();
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        closed = true;
        keys = null;
        closeQuietly(ch);
        for (AsynchronousSocketChannel c = ready.poll(); c != null; c = ready.poll()) {
            closeQuietly(c); // not accepted yet: the kernel resets them, as for its own listeners
        }
        waiter.close();
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to report
        }
    }

    @Override
    public void wire(ChannelKeys keys) {
        this.keys = keys;
        keys.readinessChanged();
    }

    @Override
    public void applyOptions(TcpOptions options) {
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress);
            if (options.receiveBuffer > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBuffer);
            }
        } catch (IOException e) {
            // closed: nothing to apply to
        }
    }
}
