package io.jmtcp.engine.stack;

import io.jmtcp.engine.api.ParkAssist;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The JVM's {@link ParkAssist.Assistant}: what an application thread does before it parks
 * waiting for a stack (DESIGN.md 3.4). It serves every running stack of the JVM.
 *
 * <ul>
 * <li><b>Busy-poll</b> ({@code jmtcp.busy-poll}, the largest of the running stacks'): the thread
 * re-checks its condition for that long ({@link Thread#onSpinWait}) before it parks.</li>
 * <li><b>Inline</b> ({@code jmtcp.threading=inline}): the thread takes the duty-cycle token of
 * every inline engine it can ({@link DutyToken#tryAcquire}, never waiting for one), runs cycles
 * until its condition holds, its deadline passes or it is interrupted, and gives the tokens back
 * in a {@code finally}. When the engines have nothing to do it spins (at least a few cycles,
 * else for the busy-poll time) and then sleeps on the device of an engine it holds, as a
 * dedicated engine thread does, so a frame, a request posted by another thread or a timer wakes
 * it. A thread that finds every token taken parks as a <em>contender</em>; the holder's cycles
 * wake it through the usual signals when its condition holds. A holder that leaves first runs a
 * few cycles to leave its engines idle, and hands its tokens on (unparks one contender) only when
 * someone must run them: work remains, a command is queued, or the device takes frames from
 * outside the JVM (TAP, shm, a pair). An idle engine on a loopback device can get work only from
 * a thread's submit, which wakes a contender if nobody holds the token
 * ({@link DutyToken#workSubmitted}), or from a timer, which the backstop serves; so in a
 * request/response exchange only the thread whose data arrived is woken, not a thread taking
 * turns at the token. When no thread waits, the stack's backstop ({@link InlineEngines}) runs
 * the engines.</li>
 * </ul>
 *
 * <p>A thread already holding a token (a wait started from inside a duty cycle) is never given
 * another job: it parks as it would without the assistant.
 *
 * <p>Threads: {@link #await} from any application thread; {@link #register}/{@link #unregister}
 * when stacks start and close. No lock and no allocation on the wait path.
 */
final class EngineAssistant implements ParkAssist.Assistant {

    /** Spins of an idle holder before it sleeps, when busy-poll is off (as the engine's idle strategy). */
    private static final int SPINS = 64;
    /** Longest sleep of a holder on a device: bounds how late a wakeup the device cannot see is noticed. */
    private static final long SLEEP_SLICE_NANOS = 1_000_000;
    /** The same when holding engines of several queues: only one queue's device can be slept on. */
    private static final long MULTI_SLEEP_SLICE_NANOS = 100_000;
    /** Cycles a leaving holder runs at most to leave its engines idle. */
    private static final int SETTLE_CYCLES = 4;
    /** Contender slots; a contender that finds them full parks in slices instead of waiting for a hand-off. */
    private static final int CONTENDER_SLOTS = 64;

    private static final EngineAssistant INSTANCE = new EngineAssistant();
    private static final List<InlineEngines> STACKS = new ArrayList<>();

    /** Tokens of the inline engines of every running stack (at most 64 are driven by one thread). */
    private volatile DutyToken[] tokens = new DutyToken[0];
    private volatile long busyPollNanos;
    private final AtomicReferenceArray<Thread> contenders = new AtomicReferenceArray<>(CONTENDER_SLOTS);

    private EngineAssistant() {
    }

    /** Adds a starting stack's engines (inline) and busy-poll setting. */
    static void register(InlineEngines stack) {
        synchronized (STACKS) {
            STACKS.add(stack);
            INSTANCE.recompute();
            ParkAssist.install(INSTANCE);
        }
    }

    /** Removes a closing stack; with no stack left the hook is removed. */
    static void unregister(InlineEngines stack) {
        synchronized (STACKS) {
            STACKS.remove(stack);
            INSTANCE.recompute();
            if (STACKS.isEmpty()) {
                ParkAssist.install(null);
            }
        }
    }

    private void recompute() {
        List<DutyToken> all = new ArrayList<>();
        long busy = 0;
        for (InlineEngines s : STACKS) {
            all.addAll(List.of(s.tokens()));
            busy = Math.max(busy, s.busyPollNanos());
        }
        busyPollNanos = busy;
        tokens = all.toArray(new DutyToken[0]);
    }

    /** The JVM's assistant, for the stack's own waits. */
    static EngineAssistant instance() {
        return INSTANCE;
    }

    @Override
    public boolean await(BooleanSupplier done, boolean timed, long deadlineNanos) {
        DutyToken[] ts = tokens;
        if (ts.length == 0) {
            return busyPoll(done, timed, deadlineNanos);
        }
        return inline(ts, done, timed, deadlineNanos, false);
    }

    /**
     * As {@link #await}, for a condition that no engine signals (a latch counted down by a
     * command): a contender parks in short slices instead of waiting for a wakeup.
     */
    boolean awaitPolling(BooleanSupplier done, long deadlineNanos) {
        DutyToken[] ts = tokens;
        if (ts.length == 0) {
            return busyPoll(done, true, deadlineNanos);
        }
        return inline(ts, done, true, deadlineNanos, true);
    }

    private boolean busyPoll(BooleanSupplier done, boolean timed, long deadline) {
        long busy = busyPollNanos;
        if (busy == 0) {
            return false;
        }
        Thread self = Thread.currentThread();
        long end = System.nanoTime() + busy;
        for (;;) {
            if (done.getAsBoolean() || self.isInterrupted()) {
                return true;
            }
            long now = System.nanoTime();
            if (timed && now - deadline >= 0) {
                return true;
            }
            if (now - end >= 0) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    private boolean inline(DutyToken[] ts, BooleanSupplier done, boolean timed, long deadline, boolean polling) {
        Thread self = Thread.currentThread();
        int n = Math.min(ts.length, 64);
        for (int i = 0; i < n; i++) {
            if (ts[i].heldBy(self)) {
                return false; // inside a duty cycle already: never re-enter the engine
            }
        }
        long held = 0;
        for (int i = 0; i < n; i++) {
            if (!ts[i].engine().isStopped() && ts[i].tryAcquire(self)) {
                held |= 1L << i;
            }
        }
        if (held == 0) {
            return contend(ts, n, self, done, timed, deadline, polling);
        }
        boolean busy = true;
        try {
            boolean r = drive(ts, held, self, done, timed, deadline);
            busy = settle(ts, held);
            return r;
        } finally {
            boolean wake = busy;
            for (int i = 0; i < n; i++) {
                if ((held & (1L << i)) != 0) {
                    ts[i].release(self);
                    wake |= !ts[i].selfContained();
                }
            }
            // after the releasing CAS, so a command submitted meanwhile is seen here or its
            // submitter sees the token free (DutyToken.workSubmitted)
            for (int i = 0; i < n && !wake; i++) {
                wake = (held & (1L << i)) != 0 && ts[i].engine().hasCommands();
            }
            if (wake) {
                handOver();
            }
        }
    }

    /**
     * Before a holder leaves: runs a few more cycles so it leaves the engines idle (frames it
     * transmitted to itself, acknowledgements), since an idle engine on a self-contained device
     * needs no other thread woken to run it. Returns true if work remains.
     */
    private static boolean settle(DutyToken[] ts, long held) {
        for (int k = 0; k < SETTLE_CYCLES; k++) {
            int work = 0;
            for (long h = held; h != 0; h &= h - 1) {
                DutyToken t = ts[Long.numberOfTrailingZeros(h)];
                work += t.cycle();
                if (t.engine().hasCommands()) {
                    work++;
                }
            }
            if (work == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the held engines until {@code done}, the deadline or an interrupt. Returns false only
     * when every held engine has stopped (the caller then parks as without the assistant).
     */
    private boolean drive(DutyToken[] ts, long held, Thread self, BooleanSupplier done, boolean timed, long deadline) {
        long busy = busyPollNanos;
        long idleSince = 0;
        int spins = 0;
        int count = Long.bitCount(held);
        DutyToken sleeper = ts[Long.numberOfTrailingZeros(held)];
        for (;;) {
            if (done.getAsBoolean() || self.isInterrupted()) {
                return true;
            }
            long now = System.nanoTime();
            if (timed && now - deadline >= 0) {
                return true;
            }
            int work = 0;
            boolean running = false;
            boolean commands = false;
            for (long h = held; h != 0; h &= h - 1) {
                DutyToken t = ts[Long.numberOfTrailingZeros(h)];
                work += t.cycle();
                Engine e = t.engine();
                if (!e.isStopped()) {
                    running = true;
                    commands |= e.hasCommands();
                }
            }
            if (!running) {
                return false;
            }
            if (work > 0 || commands) {
                idleSince = 0;
                spins = 0;
                continue;
            }
            if (idleSince == 0) {
                idleSince = now;
            }
            if (spins < SPINS || now - idleSince < busy) {
                spins++;
                Thread.onSpinWait();
                continue;
            }
            // idle: sleep on a held engine's device as its dedicated thread would; frames,
            // requests and commands ring it, and on park-based devices so does any unpark
            Engine e = sleeper.engine();
            if (e.isStopped()) {
                for (long h = held; h != 0; h &= h - 1) {
                    DutyToken t = ts[Long.numberOfTrailingZeros(h)];
                    if (!t.engine().isStopped()) {
                        sleeper = t;
                    }
                }
                continue;
            }
            long sleep = Math.min(e.sleepNanos(), count > 1 ? MULTI_SLEEP_SLICE_NANOS : SLEEP_SLICE_NANOS);
            if (timed) {
                sleep = Math.min(sleep, deadline - now);
            }
            // announced before the last look at done: a signaller publishes, then reads the
            // announcement (ParkAssist.unpark), so one of the two sees the other
            sleeper.deviceSleeper(self);
            if (sleep > 0 && !done.getAsBoolean()) {
                try {
                    e.device().awaitRx(e.queue(), sleep);
                } catch (RuntimeException | Error failure) {
                    // a device failing under the sleeper fails the engine, as in the idle strategy
                    try {
                        throw e.fail(failure);
                    } catch (org.agrona.concurrent.AgentTerminationException stop) {
                        Stack.engineError(stop);
                    }
                }
            }
            sleeper.deviceSleeper(null);
        }
    }

    @Override
    public void wake(Thread t) {
        DutyToken[] ts = tokens;
        for (int i = 0, n = Math.min(ts.length, 64); i < n; i++) {
            ts[i].wakeIfSleeping(t);
        }
    }

    /**
     * Every token is taken: wait as a contender until the condition holds, a holder hands over,
     * or the deadline. A contender registers, then looks at the tokens once more (the holder
     * releases, then looks at the contenders: one of the two sees the other).
     */
    private boolean contend(DutyToken[] ts, int n, Thread self, BooleanSupplier done, boolean timed, long deadline,
            boolean polling) {
        long busy = busyPollNanos;
        if (busy > 0) {
            long end = System.nanoTime() + busy;
            while (System.nanoTime() - end < 0) {
                if (done.getAsBoolean() || self.isInterrupted() || anyFree(ts, n)) {
                    return true;
                }
                Thread.onSpinWait();
            }
        }
        int slot = -1;
        for (int i = 0; i < CONTENDER_SLOTS; i++) {
            if (contenders.get(i) == null && contenders.compareAndSet(i, null, self)) {
                slot = i;
                break;
            }
        }
        try {
            if (anyFree(ts, n) || done.getAsBoolean() || self.isInterrupted()) {
                return true;
            }
            long now = System.nanoTime();
            if (timed && now - deadline >= 0) {
                return true;
            }
            if (slot < 0 || polling) {
                long park = SLEEP_SLICE_NANOS;
                if (timed) {
                    park = Math.min(park, deadline - now);
                }
                LockSupport.parkNanos(this, park);
            } else if (timed) {
                LockSupport.parkNanos(this, deadline - now);
            } else {
                LockSupport.park(this);
            }
            return true;
        } finally {
            if (slot >= 0) {
                contenders.compareAndSet(slot, self, null);
            }
        }
    }

    private static boolean anyFree(DutyToken[] ts, int n) {
        for (int i = 0; i < n; i++) {
            if (ts[i].isFree() && !ts[i].engine().isStopped()) {
                return true;
            }
        }
        return false;
    }

    /**
     * After releasing tokens: wakes one contender so the engines keep a driver while anyone
     * waits. Called when the engines were left with work, when work is submitted to an engine
     * nobody holds, and always for devices that receive frames from outside the JVM.
     */
    void handOver() {
        for (int i = 0; i < CONTENDER_SLOTS; i++) {
            Thread t = contenders.get(i);
            if (t != null) {
                LockSupport.unpark(t);
                return;
            }
        }
    }

    /**
     * Backstop side: gives back a token the backstop took, with the same hand-over rule: a
     * waiting thread is woken only if the engine is left with work or its device takes frames
     * from outside.
     */
    void releaseFromBackstop(DutyToken t, Thread self, boolean busy) {
        t.release(self);
        if (busy || !t.selfContained() || t.engine().hasCommands()) {
            handOver();
        }
    }
}
