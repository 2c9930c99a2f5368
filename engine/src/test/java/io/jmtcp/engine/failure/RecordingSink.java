package io.jmtcp.engine.failure;

import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A readiness sink shaped like a selector: it records the sockets offered to it and lets one
 * thread wait for a signal, as a thread in {@code Selector.select()} waits for the engine.
 */
final class RecordingSink implements ReadinessSink {

    final Set<TcpSocket> offered = ConcurrentHashMap.newKeySet();
    private final Semaphore signals = new Semaphore(0);

    @Override
    public void offer(TcpSocket socket) {
        offered.add(socket);
    }

    @Override
    public void signal() {
        signals.release();
    }

    /** Drops signals seen so far (the connection's own set-up events). */
    void reset() {
        signals.drainPermits();
        offered.clear();
    }

    /** Waits for the next signal, at most {@code seconds}. */
    boolean awaitSignal(long seconds) throws InterruptedException {
        return signals.tryAcquire(seconds, TimeUnit.SECONDS);
    }
}
