package io.jmtcp.provider.select;

import io.jmtcp.engine.api.ParkAssist;
import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
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
 * <p>Foreign channels (DESIGN.md 5-6): a channel of another provider, typically the JDK's own
 * {@code sun.nio.ch} channels created before the agent attached, is registered as well. The first
 * one opens a shadow selector from its own provider ({@code channel.provider().openSelector()});
 * each foreign channel is registered there with the same interest, and its jmtcp key wraps that
 * shadow key. While foreign keys exist a select first collects jmtcp readiness without blocking,
 * then polls the shadow without blocking, and if nothing is ready blocks in the shadow's select
 * instead of parking: {@link #signal()} (jmtcp readiness) and {@link #wakeup()} wake the shadow,
 * and a foreign channel becoming ready ends the shadow's select. Nothing polls in a loop. The
 * shadow reports its keys level-triggered at every select, so foreign keys are not re-checked
 * from the ready list; what it reports enters this selector's selected-key set (or the action)
 * as jmtcp keys, by the same rules. A cancelled foreign key is deregistered here first and its
 * shadow key then, so that a closed JDK channel releases its descriptor at that flush, as it
 * would under the JDK's selector. One foreign provider per selector: a channel of a second one is
 * refused with {@link IllegalSelectorException} (one thread cannot block in two providers'
 * selectors).
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
    /** The caller's action during this select, for foreign keys the shadow reports (or null). */
    private Consumer<SelectionKey> selectAction;
    /** Foreign keys selected or updated by the shadow during this select. */
    private int foreignSelected;
    /** Receives the shadow's ready keys; allocated once. */
    private final Consumer<SelectionKey> shadowAction = this::foreignReady;

    // ---- foreign channels: written under foreignLock, read by the selecting thread
    private final Object foreignLock = new Object();
    /** The selector of the foreign provider; opened on the first foreign registration. */
    private volatile AbstractSelector shadow;
    /** Registered foreign keys not yet deregistered (the select blocks in the shadow while > 0). */
    private volatile int foreignCount;
    /** Set by close (under foreignLock): later foreign registrations fail. */
    private boolean closing;
    /** The shadow while the selecting thread blocks in it, else null (signal/wakeup wake it). */
    private volatile Selector blockingShadow;

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
    private int lockAndSelect(Consumer<SelectionKey> action, long timeoutNanos) throws IOException {
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

    private int doSelect(Consumer<SelectionKey> action, long timeoutNanos) throws IOException {
        boolean blocking = timeoutNanos != 0;
        Thread self = Thread.currentThread();
        epoch++;
        sawReady = false;
        selectAction = action;
        foreignSelected = 0;
        processCancelled();
        if (blocking) {
            selectingThread = self;
            begin(); // an interrupt calls wakeup()
        }
        try {
            int n = rescanReadyLast(action);
            n += drainQueue(action);
            AbstractSelector sh = foreignCount > 0 ? shadow : null;
            if (sh != null) {
                // also consumes a shadow wakeup left over from the previous select
                sh.selectNow(shadowAction);
            }
            if (!blocking) {
                return n + foreignSelected;
            }
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            while (n + foreignSelected == 0 && !sawReady && !wakeupPending && isOpen() && !self.isInterrupted()) {
                long remaining = 0;
                if (timeoutNanos > 0) {
                    remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                }
                sh = foreignCount > 0 ? shadow : null;
                blockingShadow = sh;
                // publish "waiting" before the last look at the queue: an engine that queues
                // after this look sees waiting == true and unparks, or wakes the shadow (both
                // sides are volatile; a shadow wakeup before its select makes that select return)
                waiting = true;
                if (queue.isEmpty() && !queueOverflowed && !wakeupPending && isOpen()) {
                    if (sh != null) {
                        // 0 is "no limit" to Selector.select; round up so that a short remainder
                        // does not become an unlimited wait or a zero-length spin. Inline engines
                        // are then run by the backstop, not by this thread.
                        sh.select(shadowAction, timeoutNanos > 0 ? Math.max(1, (remaining + 999_999) / 1_000_000) : 0);
                    } else if (ParkAssist.await(wakeCondition, timeoutNanos > 0, deadline)) {
                        // busy-polled or ran the engines inline (DESIGN.md 3.4): look again
                    } else if (timeoutNanos > 0) {
                        LockSupport.parkNanos(this, remaining);
                    } else {
                        LockSupport.park(this);
                    }
                }
                waiting = false;
                blockingShadow = null;
                processCancelled();
                n += drainQueue(action);
            }
            processCancelled();
            return n + foreignSelected;
        } finally {
            if (blocking) {
                selectingThread = null;
                end();
            }
            selectAction = null;
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
                JmtcpSelectionKey jk = (JmtcpSelectionKey) k;
                if (!jk.isForeign()) {
                    n += evaluate(jk, action);
                }
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
        readyNow.add(k);
        return report(k, ready, action);
    }

    /**
     * The shadow selector reports a foreign channel ready ({@code shadowKey}'s ready set is this
     * select's). Its attachment is the jmtcp key. Selecting thread, inside the shadow's select.
     */
    private void foreignReady(SelectionKey shadowKey) {
        JmtcpSelectionKey k = (JmtcpSelectionKey) shadowKey.attachment();
        if (k == null || !k.isValid() || k.readyEpoch == epoch) {
            return;
        }
        int ready;
        try {
            ready = shadowKey.readyOps() & k.rawInterestOps();
        } catch (CancelledKeyException e) {
            return; // the channel is closing: its jmtcp key is cancelled too
        }
        if (ready != 0) {
            // not kept in readyNow: the shadow reports a still-ready key again at every select
            foreignSelected += report(k, ready, selectAction);
        }
    }

    /** Puts a key found ready into the selected set (or hands it to the action), JDK rules. */
    private int report(JmtcpSelectionKey k, int ready, Consumer<SelectionKey> action) {
        k.readyEpoch = epoch;
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

    private void processCancelled() throws IOException {
        boolean foreign = false;
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return;
            }
            for (SelectionKey k : cancelled) {
                foreign |= removeKey((JmtcpSelectionKey) k);
            }
            cancelled.clear();
        }
        AbstractSelector sh = shadow;
        if (foreign && sh != null) {
            // deregisters the shadow keys now: a closed JDK channel frees its descriptor when its
            // last key is deregistered by a selector of its own provider (what it reports is
            // taken, level-triggered readiness is reported again anyway)
            sh.selectNow(shadowAction);
        }
    }

    /** Deregisters {@code k}; true if it was a foreign key (its shadow key is then cancelled). */
    private boolean removeKey(JmtcpSelectionKey k) {
        keys.remove(k);
        synchronized (selectedKeys) {
            selectedKeys.remove(k);
        }
        // this selector's registration first, the shadow's after: the JDK channel counts both
        deregister(k);
        if (k.isForeign()) {
            k.shadowKey().cancel();
            synchronized (foreignLock) {
                foreignCount--;
            }
            return true;
        }
        k.selectable().channelKeys().remove(k);
        k.selectable().keysChanged();
        return false;
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

    /**
     * Engine thread: {@code socket}'s readiness may have changed. The key is queued only if it is
     * ready for its interest now: most engine events (the ACK of sent data while the key waits
     * for OP_READ) change nothing the application selects for, and queuing them woke the
     * selecting thread for an empty select. Nothing is missed: a later change that makes the key
     * ready is offered again, and a change of interest queues the key itself.
     */
    @Override
    public void offer(TcpSocket socket) {
        Object a = socket.attachment();
        if (a instanceof JmtcpSelectionKey) {
            JmtcpSelectionKey k = (JmtcpSelectionKey) a;
            if (k.jmtcpSelector() == this
                    && (!k.isValid() || k.selectable().readyOps(k.rawInterestOps()) != 0)) {
                enqueue(k);
            }
        }
    }

    /** Wakes the selecting thread if it waits and has something to look at. Any thread; never blocks. */
    @Override
    public void signal() {
        // an empty queue: nothing was offered since the selecting thread last looked
        if (waiting && (!queue.isEmpty() || queueOverflowed)) {
            wakeWaiter();
        }
    }

    /** Wakes the selecting thread from its park or from the shadow selector's select. */
    private void wakeWaiter() {
        Selector sh = blockingShadow;
        if (sh != null) {
            sh.wakeup();
            return;
        }
        Thread t = selectingThread;
        if (t != null) {
            ParkAssist.unpark(t); // also rings the device an inline selecting thread sleeps on
        }
    }

    @Override
    public Selector wakeup() {
        wakeupPending = true;
        // Dekker with the selecting thread (volatile both ways): it publishes "waiting" and then
        // reads wakeupPending before parking, so one of the two always sees the other; a
        // selecting thread that is not waiting checks wakeupPending before it parks
        if (waiting) {
            wakeWaiter();
        }
        return this;
    }

    // ================================================================ registration

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object attachment) {
        if (!(ch instanceof JmtcpSelectable)) {
            return registerForeign(ch, ops, attachment);
        }
        ensureOpen();
        JmtcpSelectionKey k = new JmtcpSelectionKey(ch, this, (JmtcpSelectable) ch);
        k.attach(attachment);
        keys.add(k);
        JmtcpSelectable s = (JmtcpSelectable) ch;
        s.channelKeys().add(k);
        s.keysChanged();
        // queues the key: readiness already there (data that arrived earlier) is seen at once
        k.interestOps(ops);
        return k;
    }

    /**
     * Registers a channel of another provider through the shadow selector of that provider. Called
     * by {@code AbstractSelectableChannel.register} with the channel's registration locks held
     * (they are re-entrant, so the shadow registration below takes them again without waiting);
     * the channel has already checked its blocking mode and the ops.
     */
    private SelectionKey registerForeign(AbstractSelectableChannel ch, int ops, Object attachment) {
        synchronized (foreignLock) {
            if (closing || !isOpen()) {
                throw new ClosedSelectorException();
            }
            AbstractSelector sh = shadow;
            if (sh == null) {
                try {
                    sh = ch.provider().openSelector();
                } catch (IOException e) {
                    throw new ForeignChannel(ch, "its provider could not open a selector: " + e);
                }
                shadow = sh;
            } else if (sh.provider() != ch.provider()) {
                throw new ForeignChannel(ch, "this selector already multiplexes the channels of "
                        + sh.provider().getClass().getName() + ", and one selector multiplexes one foreign provider");
            }
            if (ch.keyFor(sh) != null) {
                // the previous registration was deregistered here and its shadow key is being
                // cancelled and flushed by the selecting thread (processCancelled): as with the
                // JDK's selector, a channel re-registered before its cancelled key is gone fails
                throw new CancelledKeyException();
            }
            JmtcpSelectionKey k = new JmtcpSelectionKey(ch, this, null);
            k.attach(attachment);
            SelectionKey sk;
            try {
                sk = ch.register(sh, ops, k);
            } catch (ClosedChannelException e) {
                // the channel was closed after its own check: AbstractSelectableChannel.register
                // cannot report that from here (no checked exception), so refuse as for a cancel
                throw new CancelledKeyException();
            }
            k.shadowKey(sk);
            k.interestOpsRaw(ops);
            foreignCount++;
            keys.add(k);
            return k;
        }
    }

    @Override
    protected void implCloseSelector() throws IOException {
        wakeup();
        selectLock.lock();
        try {
            AbstractSelector sh;
            synchronized (foreignLock) {
                // after this no foreign registration starts; one that finished is in keys
                closing = true;
                sh = shadow;
            }
            synchronized (cancelledKeys()) {
                cancelledKeys().clear(); // cancelled keys are still in keys: removed below
            }
            for (SelectionKey k : keys.toArray(new SelectionKey[0])) {
                removeKey((JmtcpSelectionKey) k);
            }
            readyLast.clear();
            readyNow.clear();
            while (queue.relaxedPoll() != null) {
                // drop: the keys are gone
            }
            if (sh != null) {
                // deregisters the shadow keys; a JDK channel closed meanwhile is released here
                sh.close();
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

        ForeignChannel(AbstractSelectableChannel ch, String why) {
            this.message = "The jmtcp selector cannot multiplex " + ch.getClass().getName() + " (from "
                    + ch.provider().getClass().getName() + "): " + why;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
