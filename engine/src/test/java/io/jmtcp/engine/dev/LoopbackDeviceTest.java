package io.jmtcp.engine.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The in-stack loopback device and how device strings open it. */
class LoopbackDeviceTest {

    @Test
    void framesComeBackOnTheSameQueueOverManyBursts() {
        LoopbackDevice d = new LoopbackDevice(16384, 2, 8);
        FrameBatch tx = new FrameBatch(8);
        FrameBatch rx = new FrameBatch(8);
        int seq = 0;
        int received = 0;
        for (int burst = 0; burst < 500; burst++) {
            int n = 1 + burst % 8;
            for (int k = 0; k < n; k++) {
                int i = d.txAcquire(1, tx);
                assertThat(i).isNotNegative();
                tx.buffer(i).putInt(tx.offset(i), seq++);
                tx.length(i, 60 + k);
            }
            assertThat(d.txBurst(1, tx)).isEqualTo(n);
            assertThat(d.rxBurst(0, rx)).isZero();
            int got = d.rxBurst(1, rx);
            assertThat(got).isEqualTo(n);
            for (int i = 0; i < got; i++) {
                assertThat(rx.buffer(i).getInt(rx.offset(i))).isEqualTo(received++);
            }
            d.rxRelease(1, rx);
        }
        assertThat(received).isEqualTo(seq);
    }

    @Test
    void wakeupBeforeTheSleepMakesTheNextAwaitRxReturnAtOnce() {
        // an application posts work and rings while the engine is between its last duty cycle and
        // its sleep: NetDevice.wakeup promises that the next awaitRx returns promptly
        LoopbackDevice d = new LoopbackDevice(1500, 1, 4);
        d.wakeup(0);
        long start = System.nanoTime();
        d.awaitRx(0, java.util.concurrent.TimeUnit.SECONDS.toNanos(20));
        assertThat(System.nanoTime() - start).as("nanos asleep").isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
        // the ring was used up: a later sleep waits its timeout again
        start = System.nanoTime();
        d.awaitRx(0, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(40));
    }

    @Test
    void fullRingCountsDrops() {
        LoopbackDevice d = new LoopbackDevice(1500, 1, 2);
        FrameBatch tx = new FrameBatch(4);
        d.txAcquire(0, tx);
        d.txAcquire(0, tx);
        assertThat(d.txAcquire(0, tx)).isEqualTo(-1);
        assertThat(d.counter(DeviceCounter.TX_DROPPED_FULL)).isEqualTo(1);
    }

    @Test
    void capabilitiesAndLimits() {
        LoopbackDevice d = new LoopbackDevice(16384, 1, 4);
        assertThat(d.capabilities().mtu()).isEqualTo(16384);
        assertThat(d.capabilities().frameCapacity()).isGreaterThanOrEqualTo(16384 + 14);
        assertThat(d.macAddress()).isEqualTo(LoopbackDevice.MAC);
        assertThatThrownBy(() -> new LoopbackDevice(65536, 1, 4)).hasMessageContaining("65535");
        assertThatThrownBy(() -> new LoopbackDevice(67, 1, 4)).hasMessageContaining("68");
    }

    @Test
    void openedFromDeviceStrings() {
        NetDevice d = NetDevices.open("loopback,slots=16", 1, 0);
        assertThat(d.capabilities().mtu()).as("loopback default").isEqualTo(16384);
        assertThat(NetDevices.open("loopback", 1, 9000).capabilities().mtu()).isEqualTo(9000);
        assertThatThrownBy(() -> NetDevices.open("loopback,slots=3", 1, 0)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> NetDevices.open("loopback,foo=1", 1, 0)).hasMessageContaining("unknown parameter 'foo'");
        assertThatThrownBy(() -> NetDevices.open("tap:jmt0", 1, 0)).hasMessageContaining("jmtcp-jni");
        assertThatThrownBy(() -> NetDevices.open("nosuch", 1, 0)).hasMessageContaining("unknown device 'nosuch'")
                .hasMessageContaining("loopback");
    }
}
