package io.jmtcp.engine.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Where a socket's blocking application threads wait until the engine makes progress: one slot
 * for the reader (readable, acceptable, end of stream) and one for the writer (writable,
 * connected), since NIO lets one reader and one writer block on a channel at the same time.
 * Waiting is {@link LockSupport#parkNanos}, so virtual threads unmount instead of pinning a
 * carrier, and nothing blocks in native code.
 *
 * <p>No wakeup is lost: a waiter publishes itself in its slot (a volatile compare-and-set), then
 * re-checks its condition and only then parks; a signaller first publishes the state change (a
 * ring position, a state word), then issues a full fence and reads the slot. One of the two
 * always sees the other. Spurious wakeups are absorbed by re-checking the condition.
 *
 * <p>Threads: {@link #await} from application threads, at most one per slot at a time (NIO's
 * read and write locks serialise them); {@link #signal} from the engine thread; {@link #close}
 * from any thread. The condition passed to {@code await} should be a long-lived object (a field
 * of the socket), so that waiting allocates nothing.
 */
public final class Waiter {

    /** Slot of the thread waiting to read or accept. */
    public static final int READER = 1;
    /** Slot of the thread waiting to write or finish connecting. */
    public static final int WRITER = 2;

    /** {@link #await} outcome: the condition holds. */
    public static final int READY = 0;
    /** {@link #await} outcome: the timeout elapsed with the condition still false. */
    public static final int TIMED_OUT = 1;
    /** {@link #await} outcome: the thread was interrupted; its interrupt status is left set. */
    public static final int INTERRUPTED = 2;
    /** {@link #await} outcome: the waiter was closed (the socket is closing under the thread). */
    public static final int CLOSED = 3;

    private static final VarHandle READER_THREAD;
    private static final VarHandle WRITER_THREAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READER_THREAD = lookup.findVarHandle(Waiter.class, "reader", Thread.class);
            WRITER_THREAD = lookup.findVarHandle(Waiter.class, "writer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through READER_THREAD
    private volatile Thread reader;
    @SuppressWarnings("unused") // accessed through WRITER_THREAD
    private volatile Thread writer;
    private volatile boolean closed;
    // the waiting thread's condition and its "done" supplier, per slot; only the slot's one
    // waiting thread writes them (NIO serialises readers among themselves, writers likewise)
    private BooleanSupplier readerReady;
    private BooleanSupplier writerReady;
    private BooleanSupplier readerDone;
    private BooleanSupplier writerDone;

    /**
     * Waits in {@code slot} ({@link #READER} or {@link #WRITER}) until {@code ready} holds, the
     * waiter is closed, the thread is interrupted, or {@code timeoutNanos} elapse. A negative
     * timeout waits without limit; zero only checks.
     *
     * @return {@link #READY}, {@link #TIMED_OUT}, {@link #INTERRUPTED} or {@link #CLOSED}
     * @throws IllegalStateException if another thread already waits in the slot
     */
    public int await(int slot, BooleanSupplier ready, long timeoutNanos) {
        VarHandle handle = handle(slot);
        if (ready.getAsBoolean()) {
            return READY;
        }
        if (closed) {
            return CLOSED;
        }
        if (timeoutNanos == 0) {
            return TIMED_OUT;
        }
        Thread self = Thread.currentThread();
        // the condition before the thread: a signaller that reads the thread (acquire) after the
        // CAS below (release) also sees the condition it may check (signalIfReady)
        if (slot == READER) {
            readerReady = ready;
        } else {
            writerReady = ready;
        }
        if (!handle.compareAndSet(this, (Thread) null, self)) {
            throw new IllegalStateException("another thread already waits in the "
                    + (slot == READER ? "reader" : "writer") + " slot");
        }
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        try {
            for (;;) {
                // after the CAS above (a full barrier): a signal that came before it is visible here
                if (ready.getAsBoolean()) {
                    return READY;
                }
                if (closed) {
                    return CLOSED;
                }
                if (self.isInterrupted()) {
                    return INTERRUPTED;
                }
                if (timeoutNanos > 0 && deadline - System.nanoTime() <= 0) {
                    return TIMED_OUT;
                }
                // before parking: busy-poll, or run the engines inline (DESIGN.md 3.4); true means
                // the assistant waited or the condition may hold, so look again rather than park
                if (ParkAssist.await(done(slot, ready), timeoutNanos > 0, deadline)) {
                    continue;
                }
                if (timeoutNanos > 0) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return TIMED_OUT;
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            handle.setRelease(this, (Thread) null);
        }
    }

    /**
     * What ends a wait in {@code slot} besides the timeout and an interrupt: the condition or a
     * close. Made once per slot and kept (the waiting thread of a slot stores its condition in
     * the slot's field, so the supplier allocates nothing per wait).
     */
    private BooleanSupplier done(int slot, BooleanSupplier ready) {
        if (slot == READER) {
            readerReady = ready;
            BooleanSupplier d = readerDone;
            if (d == null) {
                readerDone = d = () -> closed || readerReady.getAsBoolean();
            }
            return d;
        }
        writerReady = ready;
        BooleanSupplier d = writerDone;
        if (d == null) {
            writerDone = d = () -> closed || writerReady.getAsBoolean();
        }
        return d;
    }

    /**
     * Engine: wakes the threads waiting in {@code slots} (a bit set of {@link #READER} and
     * {@link #WRITER}) after the state they wait for has been published. Cheap when nobody
     * waits: a fence and one or two loads.
     */
    public void signal(int slots) {
        // orders the caller's earlier publication (release stores) before the slot reads, the
        // signaller's half of the no-lost-wakeup handshake
        VarHandle.fullFence();
        if ((slots & READER) != 0) {
            Thread t = (Thread) READER_THREAD.getVolatile(this);
            if (t != null) {
                ParkAssist.unpark(t);
            }
        }
        if ((slots & WRITER) != 0) {
            Thread t = (Thread) WRITER_THREAD.getVolatile(this);
            if (t != null) {
                ParkAssist.unpark(t);
            }
        }
    }

    /**
     * Engine: as {@link #signal}, but wakes a slot's thread only if the condition it waits for
     * holds now (or the waiter is closed). The engine signals a socket for every change of its
     * state, and most changes are not what a blocked thread waits for (the ACK of the request a
     * client then waits to read the response of): waking it anyway costs a context switch and
     * a park for nothing, on the critical path of every request. No wakeup is lost: a thread
     * that parks re-checks its condition after announcing itself, and whatever makes the
     * condition true later is signalled again.
     */
    public void signalIfReady(int slots) {
        VarHandle.fullFence();
        if ((slots & READER) != 0) {
            Thread t = (Thread) READER_THREAD.getVolatile(this);
            if (t != null && (closed || readerReady.getAsBoolean())) {
                ParkAssist.unpark(t); // as signal(): also rings a device the thread sleeps on inline
            }
        }
        if ((slots & WRITER) != 0) {
            Thread t = (Thread) WRITER_THREAD.getVolatile(this);
            if (t != null && (closed || writerReady.getAsBoolean())) {
                ParkAssist.unpark(t); // as signal(): also rings a device the thread sleeps on inline
            }
        }
    }

    /** Any thread: makes every current and future {@link #await} return {@link #CLOSED}. */
    public void close() {
        closed = true;
        signal(READER | WRITER);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private static VarHandle handle(int slot) {
        if (slot == READER) {
            return READER_THREAD;
        }
        if (slot == WRITER) {
            return WRITER_THREAD;
        }
        throw new IllegalArgumentException("slot must be READER or WRITER, got " + slot);
    }
}
