package io.jmtcp.provider.select;

import io.jmtcp.engine.api.ParkAssist;
import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * A level-triggered {@link Selector} over jmtcp channels whose cost is proportional to the keys
 * that may be ready, not to the keys registered (DESIGN.md 5).
 *
 * <p>How readiness reaches it: engines report sockets whose readiness may have changed through
 * {@link ReadinessSink#offer} (once per socket per duty cycle) and then call {@link #signal()}
 * once; application threads do the same for interest changes, registrations and pipe writes.
 * Each report puts the key into an MPSC queue, at most once (a per-key flag). A select drains
 * the queue and evaluates only those keys, plus the keys it found ready last time (readiness is
 * level-triggered: a key stays selected while it is ready, as with epoll's level mode). With
 * nothing ready it parks; a signal, {@link #wakeup()}, an interrupt or {@link #close()} unparks
 * it. It returns early only when the JDK's would: a key was selected or had its ready set
 * updated (or a selected key is still ready), a wakeup, an interrupt, a close.
 *
 * <p>Threads: one thread selects at a time (a lock, as the JDK's selector holds its monitor);
 * registration, interest changes, cancellation, {@link #wakeup()} and {@link #close()} from any
 * thread; {@link #offer} and {@link #signal()} from engine threads, which they never block.
 */
public final class JmtcpSelector extends AbstractSelector implements ReadinessSink {

    /** Keys that can wait in the queue at once; beyond it the selector rescans every key (rare). */
    private static final int QUEUE_CAPACITY = 8192;

    private final MpscAtomicArrayQueue<JmtcpSelectionKey> queue = new MpscAtomicArrayQueue<>(QUEUE_CAPACITY);
    private volatile boolean queueOverflowed;

    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final SelectedKeySet selectedKeys = new SelectedKeySet();

    private final ReentrantLock selectLock = new ReentrantLock();
    private boolean inSelect;

    /** The thread inside select, for wakeups. */
    private volatile Thread selectingThread;
    /** True while the selecting thread is about to park or parked (signals unpark only then). */
    private volatile boolean waiting;
    private volatile boolean wakeupPending;

    // ---- selecting thread only (under selectLock)
    private ArrayList<JmtcpSelectionKey> readyLast = new ArrayList<>();
    private ArrayList<JmtcpSelectionKey> readyNow = new ArrayList<>();
    private long epoch;
    /** A key already selected was found ready again this select (returns like epoll would). */
    private boolean sawReady;

    /** What ends a wait in select besides the timeout and an interrupt (for {@link ParkAssist}). */
    private final BooleanSupplier wakeCondition =
            () -> !queue.isEmpty() || queueOverflowed || wakeupPending || !isOpen();

    /** A selector of {@code provider}. */
    public JmtcpSelector(SelectorProvider provider) {
        super(provider);
    }

    // ================================================================ sets

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return selectedKeys;
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    // ================================================================ select

    @Override
    public int selectNow() throws IOException {
        return lockAndSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return lockAndSelect(null, timeout == 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(timeout));
    }

    @Override
    public int select() throws IOException {
        return lockAndSelect(null, -1);
    }

    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
        Objects.requireNonNull(action);
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return lockAndSelect(action, timeout == 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(timeout));
    }

    @Override
    public int select(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action);
        return lockAndSelect(action, -1);
    }

    @Override
    public int selectNow(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action);
        return lockAndSelect(action, 0);
    }

    /** {@code timeoutNanos}: negative waits without limit, 0 does not wait. */
    private int lockAndSelect(Consumer<SelectionKey> action, long timeoutNanos) {
        selectLock.lock();
        try {
            ensureOpen();
            if (inSelect) {
                throw new IllegalStateException("select in progress");
            }
            inSelect = true;
            try {
                return doSelect(action, timeoutNanos);
            } finally {
                inSelect = false;
            }
        } finally {
            selectLock.unlock();
        }
    }

    private int doSelect(Consumer<SelectionKey> action, long timeoutNanos) {
        boolean blocking = timeoutNanos != 0;
        Thread self = Thread.currentThread();
        epoch++;
        sawReady = false;
        processCancelled();
        if (blocking) {
            selectingThread = self;
            begin(); // an interrupt calls wakeup()
        }
        try {
            int n = rescanReadyLast(action);
            n += drainQueue(action);
            if (!blocking) {
                return n;
            }
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            while (n == 0 && !sawReady && !wakeupPending && isOpen() && !self.isInterrupted()) {
                long remaining = 0;
                if (timeoutNanos > 0) {
                    remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                }
                // publish "waiting" before the last look at the queue: an engine that queues
                // after this look sees waiting == true and unparks (both sides are volatile)
                waiting = true;
                if (queue.isEmpty() && !queueOverflowed && !wakeupPending && isOpen()) {
                    if (ParkAssist.await(wakeCondition, timeoutNanos > 0, deadline)) {
                        // busy-polled or ran the engines inline (DESIGN.md 3.4): look again
                    } else if (timeoutNanos > 0) {
                        LockSupport.parkNanos(this, remaining);
                    } else {
                        LockSupport.park(this);
                    }
                }
                waiting = false;
                processCancelled();
                n += drainQueue(action);
            }
            processCancelled();
            return n;
        } finally {
            if (blocking) {
                selectingThread = null;
                end();
            }
            // a select consumes any wakeup made before or during it (Selector.wakeup spec)
            wakeupPending = false;
            ArrayList<JmtcpSelectionKey> t = readyLast;
            readyLast = readyNow;
            readyNow = t;
        }
    }

    /** Re-checks the keys that were ready at the previous select: level-triggered readiness. */
    private int rescanReadyLast(Consumer<SelectionKey> action) {
        ArrayList<JmtcpSelectionKey> last = readyLast;
        int n = 0;
        for (int i = 0, size = last.size(); i < size; i++) {
            n += evaluate(last.get(i), action);
        }
        last.clear();
        return n;
    }

    private int drainQueue(Consumer<SelectionKey> action) {
        int n = 0;
        if (queueOverflowed) {
            queueOverflowed = false;
            for (SelectionKey k : keys) { // rare: the queue was full, look at everything
                n += evaluate((JmtcpSelectionKey) k, action);
            }
        }
        JmtcpSelectionKey k;
        while ((k = queue.relaxedPoll()) != null) {
            // clear first: a change after the evaluation below queues the key again
            k.clearQueued();
            n += evaluate(k, action);
        }
        return n;
    }

    /** Evaluates one key as epoll would report it; returns 1 if the key was selected or updated. */
    private int evaluate(JmtcpSelectionKey k, Consumer<SelectionKey> action) {
        if (!k.isValid() || k.readyEpoch == epoch) {
            return 0;
        }
        int interest = k.rawInterestOps();
        if (interest == 0) {
            return 0;
        }
        int ready = k.selectable().readyOps(interest);
        if (ready == 0) {
            return 0;
        }
        k.readyEpoch = epoch;
        readyNow.add(k);
        if (action != null) {
            k.readyOpsRaw(ready);
            action.accept(k);
            ensureOpen();
            return 1;
        }
        synchronized (selectedKeys) {
            if (k.selectedIndex >= 0) {
                sawReady = true;
                int old = k.readyOpsRaw();
                if ((ready & ~old) != 0) {
                    k.readyOpsRaw(old | ready);
                    return 1;
                }
                return 0;
            }
            k.readyOpsRaw(ready);
            selectedKeys.addKey(k);
            return 1;
        }
    }

    private void processCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return;
            }
            for (SelectionKey k : cancelled) {
                removeKey((JmtcpSelectionKey) k);
            }
            cancelled.clear();
        }
    }

    private void removeKey(JmtcpSelectionKey k) {
        keys.remove(k);
        synchronized (selectedKeys) {
            selectedKeys.remove(k);
        }
        deregister(k);
        k.selectable().channelKeys().remove(k);
        k.selectable().keysChanged();
    }

    // ================================================================ readiness input

    /** Queues {@code key} for a readiness check at the next (or current) select. Any thread. */
    void enqueue(JmtcpSelectionKey key) {
        if (key.markQueued()) {
            if (!queue.offer(key)) {
                key.clearQueued();
                queueOverflowed = true;
            }
        }
    }

    /** Engine thread: {@code socket}'s readiness may have changed. */
    @Override
    public void offer(TcpSocket socket) {
        Object a = socket.attachment();
        if (a instanceof JmtcpSelectionKey) {
            JmtcpSelectionKey k = (JmtcpSelectionKey) a;
            if (k.jmtcpSelector() == this) {
                enqueue(k);
            }
        }
    }

    /** Wakes the selecting thread if it waits. Any thread; never blocks. */
    @Override
    public void signal() {
        if (waiting) {
            Thread t = selectingThread;
            if (t != null) {
                ParkAssist.unpark(t); // also rings the device an inline selecting thread sleeps on
            }
        }
    }

    @Override
    public Selector wakeup() {
        wakeupPending = true;
        // Dekker with the selecting thread (volatile both ways): it publishes "waiting" and then
        // reads wakeupPending before parking, so one of the two always sees the other; a
        // selecting thread that is not waiting checks wakeupPending before it parks
        if (waiting) {
            Thread t = selectingThread;
            if (t != null) {
                ParkAssist.unpark(t); // also rings the device an inline selecting thread sleeps on
            }
        }
        return this;
    }

    // ================================================================ registration

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object attachment) {
        if (!(ch instanceof JmtcpSelectable)) {
            throw new ForeignChannel(ch);
        }
        ensureOpen();
        JmtcpSelectionKey k = new JmtcpSelectionKey(ch, this);
        k.attach(attachment);
        keys.add(k);
        JmtcpSelectable s = (JmtcpSelectable) ch;
        s.channelKeys().add(k);
        s.keysChanged();
        // queues the key: readiness already there (data that arrived earlier) is seen at once
        k.interestOps(ops);
        return k;
    }

    @Override
    protected void implCloseSelector() throws IOException {
        wakeup();
        selectLock.lock();
        try {
            synchronized (cancelledKeys()) {
                cancelledKeys().clear();
            }
            for (SelectionKey k : keys.toArray(new SelectionKey[0])) {
                removeKey((JmtcpSelectionKey) k);
            }
            readyLast.clear();
            readyNow.clear();
            while (queue.relaxedPoll() != null) {
                // drop: the keys are gone
            }
        } finally {
            selectLock.unlock();
        }
    }

    /**
     * The JDK's exception for a channel this selector cannot multiplex (it has no message of its
     * own; this subclass says what the channel is and what to add), so {@code catch} clauses and
     * {@code instanceof} tests behave as with the JDK's selector.
     */
    static final class ForeignChannel extends IllegalSelectorException {
        private static final long serialVersionUID = 1L;
        private final String message;

        ForeignChannel(AbstractSelectableChannel ch) {
            this.message = "The jmtcp selector cannot multiplex " + ch.getClass().getName() + " (from "
                    + ch.provider().getClass().getName() + "): it polls only channels of the jmtcp provider."
                    + " Open the channel through SelectorProvider.provider() (SocketChannel.open() etc.), or start the"
                    + " JVM with the jmtcp agent (-javaagent:jmtcp-agent.jar), which is what lets the JDK's own"
                    + " channels register here";
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
