package io.jmtcp.engine.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The doorbell an idle engine sleeps on: a ring is never lost, whenever it comes. */
class DoorbellTest {

    private static final long LONG_SLEEP = TimeUnit.SECONDS.toNanos(20);

    @Test
    void ringBeforeSleepMakesTheNextSleepReturnAtOnce() {
        // the engine looked at its commands, found none; an application then queued one and
        // rang before the engine announced itself: the sleep must not wait for the timeout
        Doorbell bell = new Doorbell();
        bell.ring();
        long t0 = System.nanoTime();
        bell.sleep(LONG_SLEEP, () -> false);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void ringIsConsumedByTheSleepItWoke() {
        Doorbell bell = new Doorbell();
        bell.ring();
        bell.sleep(LONG_SLEEP, () -> false);
        long t0 = System.nanoTime();
        bell.sleep(TimeUnit.MILLISECONDS.toNanos(50), () -> false);
        assertThat(System.nanoTime() - t0).as("no ring since: sleeps its timeout")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void ringWakesASleepingThread() throws Exception {
        Doorbell bell = new Doorbell();
        Thread sleeper = new Thread(() -> bell.sleep(LONG_SLEEP, () -> false));
        long t0 = System.nanoTime();
        sleeper.start();
        while (sleeper.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        bell.ring();
        sleeper.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }
}
