package io.jmtcp.engine.services;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.stack.Stack;
import java.io.IOException;
import java.net.BindException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP server on a jmtcp {@link Stack}: a listener, one acceptor thread, and one daemon thread
 * per connection running {@link #serve}. Concurrency is capped ({@code maxConnections}): a
 * connection beyond the cap is reset at once rather than queued, so a flood of clients cannot
 * exhaust threads. Subclasses implement the protocol.
 *
 * <p>Threads: {@link #start} and {@link #close} from any thread; {@link #serve} on the
 * connection's own thread. The counters are atomic and readable from any thread.
 */
public abstract class TcpService implements AutoCloseable {

    /** Idle timeout of connections unless a subclass says otherwise. */
    public static final long DEFAULT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Concurrent connections allowed unless a subclass says otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    private final String name;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long idleTimeoutNanos;
    private final Semaphore slots;
    private Stack stack;
    private TcpSocket listener;
    private Thread acceptor;
    private volatile boolean closed;

    protected TcpService(String name, long idleTimeoutNanos, int maxConnections) {
        this.name = name;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.slots = new Semaphore(maxConnections);
    }

    /**
     * Listens on {@code port} (0 = an ephemeral port) on every address of {@code stack} and starts
     * accepting.
     *
     * @return this
     * @throws BindException when the port is taken
     */
    public synchronized TcpService start(Stack stack, int port) throws BindException {
        if (listener != null) {
            throw new IllegalStateException(name + " already started");
        }
        this.stack = stack;
        this.listener = stack.listen(0, port, 1024);
        this.acceptor = new Thread(this::acceptLoop, "jmtcp-" + name + "-accept-" + listener.localPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** The service's name (for thread names and messages). */
    public String name() {
        return name;
    }

    /** The port it listens on. */
    public int port() {
        return listener.localPort();
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections reset at once because {@code maxConnections} were open. */
    public long refused() {
        return refused.get();
    }

    /** Connections that ended with an error (timeout, reset, protocol violation). */
    public long failed() {
        return failed.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        TcpSocket l = listener;
        while (!closed) {
            TcpSocket s = l.accept();
            if (s == null) {
                int r = l.awaitAcceptable(-1);
                if (r == Waiter.CLOSED || r == Waiter.INTERRUPTED || l.is(TcpSocket.FAILED)) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (!slots.tryAcquire()) {
                refused.incrementAndGet();
                s.lingerSeconds(0);
                s.close();
                continue;
            }
            Connection c = new Connection(s, idleTimeoutNanos);
            open.add(c);
            Thread t = new Thread(() -> run(c), "jmtcp-" + name + "-" + s.remotePort());
            t.setDaemon(true);
            try {
                t.start();
            } catch (OutOfMemoryError | RuntimeException e) { // no more native threads: shed this one
                open.remove(c);
                slots.release();
                c.abort();
            }
        }
    }

    private void run(Connection c) {
        boolean ok = false;
        try {
            serve(c);
            ok = true;
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
        } finally {
            open.remove(c);
            slots.release();
            if (ok) {
                c.close();
            } else {
                c.abort();
            }
        }
    }

    /**
     * Serves one connection until it is done; returning closes it gracefully, throwing aborts it
     * with RST. Runs on the connection's own thread.
     */
    protected abstract void serve(Connection connection) throws IOException;

    /** Stops listening and aborts every open connection. Idempotent; any thread. */
    @Override
    public synchronized void close() {
        if (closed || listener == null) {
            closed = true;
            return;
        }
        closed = true;
        stack.closeListener(listener);
        acceptor.interrupt();
        for (Connection c : open) {
            c.abort();
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
