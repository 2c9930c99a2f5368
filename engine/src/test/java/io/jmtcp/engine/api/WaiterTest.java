package io.jmtcp.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaiterTest {

    private static final long FOREVER = -1;

    /** Runs an await on its own thread and records the outcome. */
    private static final class Awaiting {
        final AtomicInteger outcome = new AtomicInteger(-1);
        final AtomicLong elapsedNanos = new AtomicLong();
        final Thread thread;

        Awaiting(Waiter waiter, int slot, BooleanSupplier ready, long timeoutNanos) {
            thread = new Thread(() -> {
                long start = System.nanoTime();
                outcome.set(waiter.await(slot, ready, timeoutNanos));
                elapsedNanos.set(System.nanoTime() - start);
            });
            thread.start();
        }

        Awaiting parked() throws InterruptedException {
            while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            return this;
        }

        int join() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(thread.isAlive()).as("waiting thread returned").isFalse();
            return outcome.get();
        }
    }

    @Test
    void returnsReadyAtOnceWhenTheConditionAlreadyHolds() {
        Waiter waiter = new Waiter();
        assertThat(waiter.await(Waiter.READER, () -> true, FOREVER)).isEqualTo(Waiter.READY);
        assertThat(waiter.await(Waiter.WRITER, () -> false, 0)).as("zero timeout only checks")
                .isEqualTo(Waiter.TIMED_OUT);
    }

    @Test
    void engineSignalWakesAParkedReader() throws InterruptedException {
        Waiter waiter = new Waiter();
        AtomicBoolean readable = new AtomicBoolean();
        Awaiting reader = new Awaiting(waiter, Waiter.READER, readable::get, FOREVER).parked();
        readable.set(true);
        waiter.signal(Waiter.READER);
        assertThat(reader.join()).isEqualTo(Waiter.READY);
    }

    @Test
    void aSignalForTheOtherSlotOrASpuriousWakeupDoesNotEndTheWait() throws InterruptedException {
        Waiter waiter = new Waiter();
        AtomicBoolean writable = new AtomicBoolean();
        Awaiting writer = new Awaiting(waiter, Waiter.WRITER, writable::get, FOREVER).parked();
        waiter.signal(Waiter.READER);
        waiter.signal(Waiter.WRITER); // condition still false: a spurious wakeup, back to sleep
        writer.parked();
        assertThat(writer.thread.isAlive()).isTrue();
        writable.set(true);
        waiter.signal(Waiter.WRITER);
        assertThat(writer.join()).isEqualTo(Waiter.READY);
    }

    @Test
    void timesOutWhenNothingHappens() throws InterruptedException {
        Waiter waiter = new Waiter();
        Awaiting reader = new Awaiting(waiter, Waiter.READER, () -> false, TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(reader.join()).isEqualTo(Waiter.TIMED_OUT);
        assertThat(reader.elapsedNanos.get()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void closeWakesTheReaderAndTheWriterAndLaterWaitsReturnAtOnce() throws InterruptedException {
        Waiter waiter = new Waiter();
        Awaiting reader = new Awaiting(waiter, Waiter.READER, () -> false, FOREVER).parked();
        Awaiting writer = new Awaiting(waiter, Waiter.WRITER, () -> false, FOREVER).parked();
        waiter.close();
        assertThat(reader.join()).isEqualTo(Waiter.CLOSED);
        assertThat(writer.join()).isEqualTo(Waiter.CLOSED);
        assertThat(waiter.isClosed()).isTrue();
        assertThat(waiter.await(Waiter.READER, () -> false, FOREVER)).isEqualTo(Waiter.CLOSED);
    }

    @Test
    void interruptEndsTheWaitAndLeavesTheStatusSet() throws InterruptedException {
        Waiter waiter = new Waiter();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicInteger outcome = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            outcome.set(waiter.await(Waiter.READER, () -> false, FOREVER));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        while (t.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        t.interrupt();
        t.join();
        assertThat(outcome.get()).isEqualTo(Waiter.INTERRUPTED);
        assertThat(stillInterrupted.get()).isTrue();
    }

    @Test
    void rejectsASecondThreadInTheSameSlotAndABadSlot() throws InterruptedException {
        Waiter waiter = new Waiter();
        Awaiting reader = new Awaiting(waiter, Waiter.READER, () -> false, FOREVER).parked();
        assertThatThrownBy(() -> waiter.await(Waiter.READER, () -> false, FOREVER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reader slot");
        assertThatThrownBy(() -> waiter.await(3, () -> false, FOREVER)).isInstanceOf(IllegalArgumentException.class);
        waiter.close();
        assertThat(reader.join()).isEqualTo(Waiter.CLOSED);
    }

    @Test
    void signalIfReadyLeavesAThreadParkedWhileItsConditionIsFalse() throws InterruptedException {
        Waiter waiter = new Waiter();
        AtomicBoolean readable = new AtomicBoolean();
        AtomicInteger checksByWaiter = new AtomicInteger();
        Thread[] waiting = new Thread[1];
        BooleanSupplier condition = () -> {
            if (Thread.currentThread() == waiting[0]) {
                checksByWaiter.incrementAndGet();
            }
            return readable.get();
        };
        Awaiting reader = new Awaiting(waiter, Waiter.READER, () -> condition.getAsBoolean(), FOREVER);
        waiting[0] = reader.thread;
        reader.parked();
        int before = checksByWaiter.get();
        waiter.signalIfReady(Waiter.READER | Waiter.WRITER); // e.g. the ACK of sent data
        Thread.sleep(50);
        assertThat(checksByWaiter.get()).as("not woken: no re-check by the waiting thread").isEqualTo(before);
        readable.set(true);
        waiter.signalIfReady(Waiter.READER);
        assertThat(reader.join()).isEqualTo(Waiter.READY);
    }

    @Test
    void signalIfReadyNeverLosesAWakeupInAPingPong() throws InterruptedException {
        Waiter waiter = new Waiter();
        AtomicLong turn = new AtomicLong();
        int rounds = 50_000;
        BooleanSupplier odd = () -> (turn.get() & 1) == 1;
        BooleanSupplier even = () -> (turn.get() & 1) == 0;
        Thread other = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                waiter.await(Waiter.WRITER, odd, FOREVER);
                turn.incrementAndGet();
                waiter.signalIfReady(Waiter.READER | Waiter.WRITER);
            }
        });
        other.start();
        for (int i = 0; i < rounds; i++) {
            assertThat(waiter.await(Waiter.READER, even, FOREVER)).isEqualTo(Waiter.READY);
            turn.incrementAndGet();
            waiter.signalIfReady(Waiter.READER | Waiter.WRITER);
        }
        other.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(turn.get()).isEqualTo(2L * rounds);
    }

    @Test
    void neverLosesAWakeupInAPingPong() throws InterruptedException {
        // two threads hand a counter back and forth 50,000 times; each parks without a timeout
        // when it is not its turn, so one lost wakeup hangs the test (and the @Timeout fails it)
        Waiter waiter = new Waiter();
        AtomicLong turn = new AtomicLong();
        int rounds = 50_000;
        BooleanSupplier odd = () -> (turn.get() & 1) == 1;
        BooleanSupplier even = () -> (turn.get() & 1) == 0;
        Thread other = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                waiter.await(Waiter.WRITER, odd, FOREVER);
                turn.incrementAndGet();
                waiter.signal(Waiter.READER);
            }
        });
        other.start();
        for (int i = 0; i < rounds; i++) {
            assertThat(waiter.await(Waiter.READER, even, FOREVER)).isEqualTo(Waiter.READY);
            turn.incrementAndGet();
            waiter.signal(Waiter.WRITER);
        }
        assertThat(waiter.await(Waiter.READER, even, TimeUnit.SECONDS.toNanos(20))).isEqualTo(Waiter.READY);
        other.join();
        assertThat(turn.get()).isEqualTo(2L * rounds);
    }

    @Test
    void aVirtualThreadParksAndIsWoken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        Waiter waiter = new Waiter();
        AtomicBoolean readable = new AtomicBoolean();
        AtomicInteger outcome = new AtomicInteger(-1);
        // reflection: the code is compiled for release 17, which has no virtual-thread API
        Thread vt = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class)
                .invoke(null, (Runnable) () -> outcome.set(waiter.await(Waiter.READER, readable::get, FOREVER)));
        while (vt.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        readable.set(true);
        waiter.signal(Waiter.READER);
        vt.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(vt.isAlive()).isFalse();
        assertThat(outcome.get()).isEqualTo(Waiter.READY);
    }
}
