package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TapDevice against the Linux kernel: the TAP is opened in the root namespace, its kernel side
 * moved into a fresh namespace and given 198.18.0.1/24; the test plays 198.18.0.2 by hand.
 * Needs root; skips with the reason otherwise (fails under -Djmtcp.it.require=true).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TapDeviceKernelPeerTest {

    private static final int KERNEL_IP = TestFrames.ipv4(198, 18, 0, 1);
    private static final int STACK_IP = TestFrames.ipv4(198, 18, 0, 2);
    private static final long MS = 1_000_000L;

    private final FrameBatch rx = new FrameBatch(FrameBatch.DEFAULT_BURST);
    private final FrameBatch tx = new FrameBatch(FrameBatch.DEFAULT_BURST);

    @BeforeEach
    void needsRootTunAndIp() {
        Prerequisites.requireTapAndNetns();
    }

    /**
     * Reads away what the root namespace's kernel sent while the TAP was up there (IPv6 router
     * and multicast listener messages), so that a wait measures only what the test does.
     */
    private void drain(TapDevice tap) {
        while (tap.rxBurst(0, rx) > 0) {
            tap.rxRelease(0, rx);
        }
        tap.rxRelease(0, rx);
    }

    private static String uniqueIfname() {
        return "jmtt" + ThreadLocalRandom.current().nextInt(100_000);
    }

    @Test
    void answersTheKernelsArpAndPingsThroughOneBurstCallEach() {
        Prerequisites.requireCommands("ping");
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500)) {
            ns.moveIn(ifname);
            ns.configure(ifname, "198.18.0.1/24");
            long kernelRxBefore = ns.statistic(ifname, "rx_packets");

            Shell.Background ping = ns.start("ping", "-c", "3", "-W", "1", "198.18.0.2");
            boolean sawArp = false;
            int echoReplies = 0;
            long deadline = System.nanoTime() + 20_000 * MS;
            while (ping.isAlive() && System.nanoTime() - deadline < 0) {
                tap.awaitRx(0, 200 * MS);
                int n = tap.rxBurst(0, rx);
                for (int i = 0; i < n; i++) {
                    ByteBuffer b = rx.buffer(i);
                    int at = rx.offset(i);
                    int len = rx.length(i);
                    if (TestFrames.isArpRequestFor(b, at, len, STACK_IP)) {
                        // who-has 198.18.0.2 tell 198.18.0.1, from the kernel side's own MAC
                        assertThat(TestFrames.arpSenderMac(b, at)).isEqualTo(tap.kernelMacAddress());
                        assertThat(TestFrames.arpSenderIp(b, at)).isEqualTo(KERNEL_IP);
                        sawArp = true;
                        int t = tap.txAcquire(0, tx);
                        tx.length(t, TestFrames.writeArpReply(tx.buffer(t), tx.offset(t), tap.macAddress(), STACK_IP,
                                tap.kernelMacAddress(), KERNEL_IP));
                    } else if (TestFrames.isEchoRequestTo(b, at, len, STACK_IP)) {
                        int t = tap.txAcquire(0, tx);
                        tx.length(t, TestFrames.writeEchoReply(b, at, len, tap.macAddress(), tx.buffer(t), tx.offset(t)));
                        echoReplies++;
                    }
                }
                tap.rxRelease(0, rx);
                if (!tx.isEmpty()) {
                    int want = tx.size();
                    assertThat(tap.txBurst(0, tx)).isEqualTo(want);
                }
            }
            Shell.Result result = ping.await(Duration.ofSeconds(10));
            assertThat(sawArp).as("an ARP who-has 198.18.0.2 from the kernel").isTrue();
            assertThat(result.ok()).as(result.describe()).isTrue();
            assertThat(result.stdout()).contains("3 received");
            assertThat(echoReplies).isGreaterThanOrEqualTo(3);
            // our ARP reply and our echo replies, as counted by the kernel side of the TAP
            assertThat(ns.statistic(ifname, "rx_packets") - kernelRxBefore).isGreaterThanOrEqualTo(1 + echoReplies);
            assertThat(tap.counter(DeviceCounter.TX_DROPPED_FULL)).isZero();
            assertThat(tap.counter(DeviceCounter.TX_ERRORS)).isZero();
            assertThat(tap.counter(DeviceCounter.RX_ERRORS)).isZero();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyQueueOfAMultiQueueTapCarriesFramesToTheKernel() throws Exception {
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 2, 1500)) {
            assertThat(tap.capabilities().queues()).isEqualTo(2);
            ns.moveIn(ifname);
            ns.configure(ifname, "198.18.0.1/24");
            long before = ns.statistic(ifname, "rx_packets");
            for (int q = 0; q < 2; q++) {
                int t = tap.txAcquire(q, tx);
                tx.length(t, TestFrames.writeArpReply(tx.buffer(t), tx.offset(t), tap.macAddress(), STACK_IP,
                        tap.kernelMacAddress(), KERNEL_IP));
                assertThat(tap.txBurst(q, tx)).as("frames written on queue " + q).isEqualTo(1);
                assertThat(ns.statistic(ifname, "rx_packets") - before).as("kernel rx after queue " + q)
                        .isEqualTo(q + 1);
            }
        }
    }

    @Test
    void awaitRxTimesOutWhenNothingArrives() throws Exception {
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500)) {
            ns.moveIn(ifname); // moving takes the link down: the kernel sends nothing more
            drain(tap);
            long start = System.nanoTime();
            tap.awaitRx(0, 300 * MS);
            long waited = System.nanoTime() - start;
            assertThat(waited).isBetween(250 * MS, 5_000 * MS);
            assertThat(tap.rxBurst(0, rx)).isZero();
        }
    }

    @Test
    void awaitRxReturnsPromptlyOnWakeupFromAnotherThread() throws Exception {
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500)) {
            ns.moveIn(ifname);
            drain(tap);
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tap.wakeup(0);
            });
            long start = System.nanoTime();
            waker.start();
            tap.awaitRx(0, 20_000 * MS);
            long waited = System.nanoTime() - start;
            waker.join();
            assertThat(waited).isBetween(150 * MS, 5_000 * MS);

            // a wakeup that comes first makes the next wait return at once, and only that one
            tap.wakeup(0);
            start = System.nanoTime();
            tap.awaitRx(0, 20_000 * MS);
            assertThat(System.nanoTime() - start).isLessThan(1_000 * MS);
            start = System.nanoTime();
            tap.awaitRx(0, 200 * MS);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(150 * MS);
        }
    }

    @Test
    void awaitRxReturnsPromptlyWhenAFrameArrives() throws Exception {
        Prerequisites.requireCommands("ping");
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500)) {
            ns.moveIn(ifname);
            ns.configure(ifname, "198.18.0.1/24");
            tap.awaitRx(0, 0); // forget anything from before
            while (tap.rxBurst(0, rx) > 0) {
                tap.rxRelease(0, rx);
            }
            // no ping runs yet: the link is quiet, so the wait below can only end on a frame
            try (Shell.Background ping = ns.start("ping", "-c", "1", "-W", "1", "198.18.0.2")) {
                long start = System.nanoTime();
                tap.awaitRx(0, 20_000 * MS);
                long waited = System.nanoTime() - start;
                assertThat(waited).isLessThan(5_000 * MS);
                int n = tap.rxBurst(0, rx);
                assertThat(n).isPositive();
                boolean arp = false;
                for (int i = 0; i < n; i++) {
                    arp |= TestFrames.isArpRequestFor(rx.buffer(i), rx.offset(i), rx.length(i), STACK_IP);
                }
                tap.rxRelease(0, rx);
                assertThat(arp).as("the arriving frame is the kernel's ARP request").isTrue();
            }
        }
    }

    @Test
    void txAcquireStopsWhenThePoolIsEmptyAndSlotsComeBackAfterTheBurst() throws Exception {
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500, TapDevice.stableMac(ifname), 4)) {
            ns.moveIn(ifname);
            for (int i = 0; i < 4; i++) {
                assertThat(tap.txAcquire(0, tx)).isEqualTo(i);
            }
            assertThat(tap.txAcquire(0, tx)).isEqualTo(-1);
            assertThat(tap.txBurst(0, tx)).isZero(); // all lengths 0: nothing sent, all returned
            assertThat(tap.txAcquire(0, tx)).isZero();
            assertThat(tx.capacity(0)).isEqualTo(1514);
            tap.txBurst(0, tx);
        }
    }

    @Test
    void burstsAllocateNothingOnTheJavaHeapAfterOpen() throws Exception {
        String ifname = uniqueIfname();
        try (Netns ns = Netns.create(); TapDevice tap = TapDevice.open(ifname, 1, 1500)) {
            ns.moveIn(ifname);
            ns.configure(ifname, "198.18.0.1/24");
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().getId();
            int sent = 0;
            long allocated = 0;
            for (int round = 0; round < 5; round++) { // early rounds warm up (class init, JIT)
                long before = threads.getThreadAllocatedBytes(self);
                for (int burst = 0; burst < 2_000; burst++) {
                    for (int f = 0; f < 8; f++) {
                        int t = tap.txAcquire(0, tx);
                        tx.length(t, TestFrames.writeArpReply(tx.buffer(t), tx.offset(t), tap.macAddress(), STACK_IP,
                                tap.kernelMacAddress(), KERNEL_IP));
                    }
                    sent += tap.txBurst(0, tx);
                    tap.rxBurst(0, rx);
                    tap.rxRelease(0, rx);
                    tap.wakeup(0);
                    tap.awaitRx(0, 0);
                }
                allocated = threads.getThreadAllocatedBytes(self) - before;
            }
            assertThat(sent).isPositive();
            assertThat(allocated).as("heap bytes allocated by 2000 bursts").isZero();
        }
    }
}
