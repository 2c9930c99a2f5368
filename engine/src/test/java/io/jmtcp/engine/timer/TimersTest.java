package io.jmtcp.engine.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's timer wheel in simulated time. */
class TimersTest {

    private static final long MS = 1_000_000L;
    private static final long START = 1_000_000_000L;

    private final ManualClock clock = new ManualClock(START);
    private final List<long[]> fired = new ArrayList<>();
    private final Timers timers = new Timers(START, (kind, index, now) -> fired.add(new long[] {kind, index, now}));

    private int poll() {
        return timers.poll(clock.nanoTime(), 1024);
    }

    @Test
    void firesAtDeadlineNotBefore() {
        timers.schedule(1, 7, START + 200 * MS);
        for (int ms = 1; ms < 200; ms++) {
            clock.advance(MS);
            assertThat(poll()).as("at %d ms", ms).isZero();
        }
        clock.advance(MS - 1);
        assertThat(poll()).isZero();
        assertThat(fired).isEmpty();
        clock.advance(1);
        assertThat(poll()).isEqualTo(1);
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0)).containsExactly(1, 7, START + 200 * MS);
        assertThat(timers.count()).isZero();
    }

    @Test
    void firesWhenPolledOnlyOnceAfterTheDeadline() {
        timers.schedule(1, 1, START + 200 * MS);
        clock.advance(199 * MS);
        assertThat(poll()).isZero();
        clock.advance(MS);
        assertThat(poll()).isEqualTo(1);
    }

    @Test
    void firesAfterIdlePollsMovedTheWheel() {
        clock.advance(5_000 * MS);
        assertThat(poll()).isZero(); // an idle engine polls with no timers
        timers.schedule(2, 3, clock.nanoTime() + 100 * MS);
        clock.advance(100 * MS);
        assertThat(poll()).isEqualTo(1);
        assertThat(fired.get(0)[1]).isEqualTo(3);
    }

    @Test
    void cancelledTimerNeverFires() {
        long id = timers.schedule(1, 1, START + 10 * MS);
        timers.schedule(1, 2, START + 20 * MS);
        assertThat(timers.cancel(id)).isEqualTo(Timers.NONE);
        assertThat(timers.count()).isEqualTo(1);
        clock.advance(30 * MS);
        assertThat(poll()).isEqualTo(1);
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0)[1]).isEqualTo(2);
        // cancelling again, or cancelling NONE, is harmless
        timers.cancel(id);
        timers.cancel(Timers.NONE);
        assertThat(timers.count()).isZero();
    }

    @Test
    void catchesUpAfterALongSleep() {
        for (int i = 0; i < 100; i++) {
            timers.schedule(1, i, START + (i + 1) * 37 * MS); // spread over ~3.7 s, past one wheel turn
        }
        clock.advance(3_600_000 * MS); // an hour later
        long t0 = System.nanoTime();
        assertThat(poll()).isEqualTo(100);
        assertThat(System.nanoTime() - t0).as("catch-up time").isLessThan(1_000 * MS);
        assertThat(fired).hasSize(100);
        assertThat(timers.count()).isZero();
        // and the wheel works normally afterwards
        timers.schedule(1, 500, clock.nanoTime() + 10 * MS);
        clock.advance(9 * MS);
        assertThat(poll()).isZero();
        clock.advance(MS);
        assertThat(poll()).isEqualTo(1);
    }

    @Test
    void pollFiresAtMostTheLimit() {
        for (int i = 0; i < 10; i++) {
            timers.schedule(1, i, START + MS);
        }
        clock.advance(2 * MS);
        assertThat(timers.poll(clock.nanoTime(), 4)).isEqualTo(4);
        assertThat(timers.poll(clock.nanoTime(), 100)).isEqualTo(6);
    }

    @Test
    void earliestDeadlineTracksScheduleCancelAndExpiry() {
        assertThat(timers.earliestDeadline()).isEqualTo(Long.MAX_VALUE);
        long a = timers.schedule(1, 1, START + 50 * MS);
        timers.schedule(1, 2, START + 80 * MS);
        assertThat(timers.earliestDeadline()).isEqualTo(START + 50 * MS);
        timers.schedule(1, 3, START + 20 * MS);
        assertThat(timers.earliestDeadline()).isEqualTo(START + 20 * MS);
        clock.advance(30 * MS);
        poll();
        assertThat(timers.earliestDeadline()).isEqualTo(START + 50 * MS);
        timers.cancel(a);
        assertThat(timers.earliestDeadline()).isEqualTo(START + 80 * MS);
        clock.advance(60 * MS);
        poll();
        assertThat(timers.earliestDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void wakeDeadlineIsALowerBoundRescannedOnlyOnceItPassed() {
        long now = clock.nanoTime();
        assertThat(timers.wakeDeadline(now)).isEqualTo(Long.MAX_VALUE);
        long a = timers.schedule(1, 1, START + 50 * MS);
        timers.schedule(1, 2, START + 80 * MS);
        assertThat(timers.wakeDeadline(now)).isEqualTo(START + 50 * MS);
        timers.cancel(a);
        assertThat(timers.wakeDeadline(now)).as("a cancel keeps the old bound: an early wakeup, no scan")
                .isEqualTo(START + 50 * MS);
        clock.advance(60 * MS);
        poll();
        assertThat(timers.wakeDeadline(clock.nanoTime())).as("bound passed: exact again").isEqualTo(START + 80 * MS);
        timers.schedule(1, 3, START + 70 * MS);
        assertThat(timers.wakeDeadline(clock.nanoTime())).as("never later than a new timer").isEqualTo(START + 70 * MS);
        clock.advance(30 * MS);
        poll();
        assertThat(timers.wakeDeadline(clock.nanoTime())).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timerScheduledInThePastFiresOnNextPoll() {
        clock.advance(100 * MS);
        poll();
        timers.schedule(1, 9, START);
        assertThat(poll()).isEqualTo(1);
    }

    @Test
    void manualClockNeverGoesBack() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> clock.advance(-1))
                .isInstanceOf(IllegalArgumentException.class);
        clock.advanceMillis(3);
        assertThat(clock.nanoTime()).isEqualTo(START + 3 * MS);
    }
}
