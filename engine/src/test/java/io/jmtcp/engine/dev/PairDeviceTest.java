package io.jmtcp.engine.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-memory wire between two stacks: rings crossed per queue, drops counted, doorbells. */
class PairDeviceTest {

    private static void sendFrame(NetDevice d, int queue, FrameBatch batch, int marker, int length) {
        int i = d.txAcquire(queue, batch);
        assertThat(i).isNotNegative();
        batch.buffer(i).putInt(batch.offset(i), marker);
        batch.length(i, length);
    }

    @Test
    void eachQueueTransmitsToTheSameQueueOfTheOtherEnd() {
        PairDevice.Wire w = PairDevice.create(1500, 2, 8);
        FrameBatch tx = new FrameBatch(4);
        FrameBatch rx = new FrameBatch(4);
        sendFrame(w.a(), 1, tx, 0xa1, 60);
        assertThat(w.a().txBurst(1, tx)).isEqualTo(1);
        assertThat(w.b().rxBurst(0, rx)).isZero();
        assertThat(w.a().rxBurst(1, rx)).as("not to itself").isZero();
        assertThat(w.b().rxBurst(1, rx)).isEqualTo(1);
        assertThat(rx.buffer(0).getInt(rx.offset(0))).isEqualTo(0xa1);
        assertThat(rx.length(0)).isEqualTo(60);
        w.b().rxRelease(1, rx);
        assertThat(rx.isEmpty()).isTrue();
        sendFrame(w.b(), 0, tx, 0xb0, 64);
        w.b().txBurst(0, tx);
        assertThat(w.a().rxBurst(0, rx)).isEqualTo(1);
        assertThat(rx.buffer(0).getInt(rx.offset(0))).isEqualTo(0xb0);
        assertThat(w.a().macAddress()).isNotEqualTo(w.b().macAddress());
        assertThat(w.a().capabilities().mtu()).isEqualTo(1500);
    }

    @Test
    void fullRingReturnsMinusOneAndCountsTheDrop() {
        PairDevice.Wire w = PairDevice.create(1500, 1, 4);
        FrameBatch tx = new FrameBatch(8);
        for (int i = 0; i < 4; i++) {
            sendFrame(w.a(), 0, tx, i, 60);
        }
        assertThat(w.a().txAcquire(0, tx)).isEqualTo(-1);
        assertThat(w.a().counter(DeviceCounter.TX_DROPPED_FULL)).isEqualTo(1);
        assertThat(w.a().txBurst(0, tx)).isEqualTo(4);
        assertThat(w.a().txAcquire(0, tx)).as("the peer has not read").isEqualTo(-1);
        assertThat(w.a().counter(DeviceCounter.TX_DROPPED_FULL)).isEqualTo(2);
        FrameBatch rx = new FrameBatch(8);
        assertThat(w.b().rxBurst(0, rx)).isEqualTo(4);
        w.b().rxRelease(0, rx);
        assertThat(w.a().txAcquire(0, tx)).isNotNegative();
        assertThat(w.a().counter(DeviceCounter.RX_ERRORS)).isZero();
    }

    @Test
    void fullBatchIsNotCountedAsADrop() {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        FrameBatch tx = new FrameBatch(1);
        sendFrame(w.a(), 0, tx, 1, 60);
        assertThat(w.a().txAcquire(0, tx)).isEqualTo(-1);
        assertThat(w.a().counter(DeviceCounter.TX_DROPPED_FULL)).isZero();
    }

    @Test
    void zeroLengthFramesAreNotDelivered() {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        FrameBatch tx = new FrameBatch(4);
        sendFrame(w.a(), 0, tx, 1, 60);
        sendFrame(w.a(), 0, tx, 2, 0);
        sendFrame(w.a(), 0, tx, 3, 70);
        assertThat(w.a().txBurst(0, tx)).isEqualTo(2);
        FrameBatch rx = new FrameBatch(4);
        assertThat(w.b().rxBurst(0, rx)).isEqualTo(2);
        assertThat(rx.buffer(1).getInt(rx.offset(1))).isEqualTo(3);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void doorbellWakesASleepingReceiverPromptly() throws Exception {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        CountDownLatch sleeping = new CountDownLatch(1);
        AtomicLong wokeAfter = new AtomicLong();
        Thread receiver = new Thread(() -> {
            sleeping.countDown();
            long t0 = System.nanoTime();
            w.b().awaitRx(0, TimeUnit.SECONDS.toNanos(5));
            wokeAfter.set(System.nanoTime() - t0);
        });
        receiver.start();
        sleeping.await();
        Thread.sleep(100); // let it park
        FrameBatch tx = new FrameBatch(1);
        sendFrame(w.a(), 0, tx, 7, 60);
        w.a().txBurst(0, tx);
        receiver.join();
        assertThat(wokeAfter.get()).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void wakeupFromAnotherThreadEndsTheWait() throws Exception {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        AtomicLong wokeAfter = new AtomicLong();
        Thread receiver = new Thread(() -> {
            long t0 = System.nanoTime();
            w.b().awaitRx(0, TimeUnit.SECONDS.toNanos(5));
            wokeAfter.set(System.nanoTime() - t0);
        });
        receiver.start();
        Thread.sleep(100);
        w.b().wakeup(0);
        receiver.join();
        assertThat(wokeAfter.get()).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void awaitTimesOutWhenNothingArrives() throws Exception {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        AtomicLong waited = new AtomicLong();
        Thread receiver = new Thread(() -> {
            long t0 = System.nanoTime();
            w.b().awaitRx(0, TimeUnit.MILLISECONDS.toNanos(100));
            waited.set(System.nanoTime() - t0);
        });
        receiver.start();
        receiver.join();
        assertThat(waited.get()).isBetween(TimeUnit.MILLISECONDS.toNanos(80), TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void awaitReturnsAtOnceWhenFramesAreWaiting() {
        PairDevice.Wire w = PairDevice.create(1500, 1, 8);
        FrameBatch tx = new FrameBatch(1);
        sendFrame(w.a(), 0, tx, 7, 60);
        w.a().txBurst(0, tx);
        long t0 = System.nanoTime();
        w.b().awaitRx(0, TimeUnit.SECONDS.toNanos(5));
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }
}
