package io.jmtcp.engine.timer;

import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;

/**
 * An engine's timers: Agrona's {@link DeadlineTimerWheel} (O(1) schedule and cancel) plus the
 * owner of each timer, encoded as a kind (which layer: ARP, reassembly, TCP, ...) and an index
 * (which entry of that layer). Expired timers are dispatched to one {@link Handler}.
 *
 * <p>Owned by the engine thread. After warm-up, scheduling and expiry allocate nothing.
 */
public final class Timers {

    /** Receives expired timers. */
    @FunctionalInterface
    public interface Handler {
        /** A timer of {@code kind} for entry {@code index} fired at {@code now}. */
        void onTimer(int kind, int index, long now);
    }

    /** Returned by {@link #schedule} when nothing was scheduled; never a real timer id. */
    public static final long NONE = DeadlineTimerWheel.NULL_DEADLINE;

    private static final long TICK_NANOS = 1L << 20; // ~1.05 ms
    private static final int TICKS_PER_WHEEL = 1024;

    private final DeadlineTimerWheel wheel;
    private final Long2LongHashMap owners = new Long2LongHashMap(-1L);
    private final Handler handler;
    private final DeadlineTimerWheel.TimerHandler dispatch;
    private long earliest = Long.MAX_VALUE;
    private boolean earliestKnown = true;
    /**
     * A lower bound of every scheduled deadline: lowered by {@link #schedule}, still a bound
     * after a cancel or an expiry (they only remove timers), refreshed by a scan only once it
     * has passed ({@link #wakeDeadline}).
     */
    private long bound = Long.MAX_VALUE;
    private long pollNow;

    public Timers(long startNanos, Handler handler) {
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNanos, TICK_NANOS, TICKS_PER_WHEEL);
        this.handler = handler;
        this.dispatch = this::expire;
    }

    /** Schedules a timer; returns its id for {@link #cancel}. */
    public long schedule(int kind, int index, long deadlineNanos) {
        long id = wheel.scheduleTimer(deadlineNanos);
        owners.put(id, ((long) kind << 32) | (index & 0xffff_ffffL));
        if (earliestKnown && deadlineNanos < earliest) {
            earliest = deadlineNanos;
        }
        if (deadlineNanos < bound) {
            bound = deadlineNanos;
        }
        return id;
    }

    /** Cancels a timer (no effect for {@link #NONE} or an expired id); always returns NONE. */
    public long cancel(long timerId) {
        if (timerId != NONE && owners.remove(timerId) != -1L) {
            wheel.cancelTimer(timerId);
            earliestKnown = false;
        }
        return NONE;
    }

    /** Fires every timer due at {@code now} (up to {@code limit}); returns how many fired. */
    public int poll(long now, int limit) {
        pollNow = now;
        if (wheel.timerCount() == 0) {
            // nothing to fire: jump the wheel to now instead of stepping tick by tick
            if (wheel.currentTickTime() <= now) {
                wheel.currentTickTime(now);
            }
            return 0;
        }
        int fired = 0;
        // The wheel polls one tick per call and then moves on if that tick lies wholly in the
        // past; so keep polling until a call leaves the tick where it was: only then has the
        // tick that holds `now` been polled too (stopping as soon as the wheel reached that
        // tick fired its timers one duty cycle late). An engine that slept catches up here.
        while (fired < limit) {
            long tickTime = wheel.currentTickTime();
            fired += wheel.poll(now, dispatch, limit - fired);
            if (wheel.currentTickTime() == tickTime) {
                break;
            }
            if (wheel.timerCount() == 0) {
                // all fired: jump to now rather than stepping through the ticks in between
                wheel.currentTickTime(now);
                break;
            }
        }
        if (fired > 0) {
            earliestKnown = false;
        }
        return fired;
    }

    private boolean expire(TimeUnit unit, long now, long timerId) {
        long owner = owners.remove(timerId);
        if (owner != -1L) {
            handler.onTimer((int) (owner >>> 32), (int) owner, pollNow);
        }
        return true;
    }

    /** Scheduled timers. */
    public int count() {
        return (int) wheel.timerCount();
    }

    /**
     * The earliest deadline of any scheduled timer, or {@code Long.MAX_VALUE}. Exact; it scans
     * the wheel after a cancel or an expiry (an engine going to sleep asks {@link #wakeDeadline}).
     */
    public long earliestDeadline() {
        if (wheel.timerCount() == 0) {
            return Long.MAX_VALUE;
        }
        if (!earliestKnown) {
            scanMin = Long.MAX_VALUE;
            wheel.forEach(minFinder);
            earliest = scanMin;
            earliestKnown = true;
        }
        return earliest;
    }

    /**
     * When an idle engine must be awake again for its timers: no later than the earliest
     * deadline, possibly earlier (a cancelled timer's deadline), and exact whenever the value it
     * would return has already passed. So the engine never oversleeps a timer, and it scans the
     * wheel (O(timers): with thousands of connections in TIME-WAIT a scan costs tens of
     * microseconds) only when that lower bound has passed, not every time it goes to sleep after
     * a timer was cancelled or fired (which, with several timers armed and cancelled per short
     * connection, made the scan the engine's largest cost).
     */
    public long wakeDeadline(long now) {
        if (wheel.timerCount() == 0) {
            bound = Long.MAX_VALUE;
            return Long.MAX_VALUE;
        }
        if (bound - now > 0) {
            return bound;
        }
        bound = earliestDeadline();
        return bound;
    }

    private long scanMin;
    private final DeadlineTimerWheel.TimerConsumer minFinder = (deadline, id) -> {
        if (deadline < scanMin) {
            scanMin = deadline;
        }
    };
}
