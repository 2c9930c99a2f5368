package io.jmtcp.engine.dev;

import static io.jmtcp.engine.dev.TestFrames.checksumsVerify;
import static io.jmtcp.engine.dev.TestFrames.icmpRequest;
import static io.jmtcp.engine.dev.TestFrames.receive;
import static io.jmtcp.engine.dev.TestFrames.send;
import static io.jmtcp.engine.dev.TestFrames.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.timer.ManualClock;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault injector over a {@link PairDevice} wire driven by a {@link ManualClock}: frames go in
 * at end a through the decorator and come out at end b. Rates are checked over 20,000 frames
 * against a tolerance of five standard deviations of the binomial count (a false failure has
 * odds below one in a million; with the fixed seeds the runs are reproducible anyway).
 */
class FaultInjectingDeviceTest {

    private static final int FRAMES = 20_000;
    private static final int BURST = 32;

    private final ManualClock clock = new ManualClock();
    private final PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
    private final FrameBatch txBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);
    private final FrameBatch rxBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);

    /** Sends {@code count} ICMP echo requests in bursts, moving the clock {@code step} per burst, then drains. */
    private List<byte[]> run(FaultInjectingDevice dev, int count, long stepNanos) {
        List<byte[]> received = new ArrayList<>();
        List<byte[]> burst = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            burst.add(icmpRequest(seq));
            if (burst.size() == BURST || seq == count - 1) {
                send(dev, txBatch, burst);
                burst.clear();
                received.addAll(receive(wire.b(), rxBatch));
                clock.advance(stepNanos);
            }
        }
        // let every held frame fall due, then give the decorator a chance to send it
        for (int i = 0; i < 100 && dev.held(0) > 0; i++) {
            clock.advanceMillis(1_000);
            dev.txBurst(0, txBatch);
            received.addAll(receive(wire.b(), rxBatch));
        }
        assertThat(dev.held(0)).as("frames left in the pen").isZero();
        return received;
    }

    private static void assertWithinFiveSigma(long observed, int trials, double p) {
        double mean = trials * p;
        double sigma = Math.sqrt(trials * p * (1 - p));
        assertThat((double) observed)
                .as("count for p=%s over %d trials (mean %.0f, sigma %.1f)", p, trials, mean, sigma)
                .isBetween(mean - 5 * sigma, mean + 5 * sigma);
    }

    private static List<String> hex(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(HexFormat.of().formatHex(f));
        }
        return out;
    }

    private static final FaultProfile EVERYTHING = FaultProfile.parse(
            "loss=0.05,dup=0.05,reorder=0.05,corrupt=0.05,delay=100us,jitter=200us,rate=500mbit,pen=4096,seed=42");

    @Test
    void sameSeedAndTrafficDeliverIdenticalFrames() {
        List<byte[]> first = run(new FaultInjectingDevice(wire.a(), EVERYTHING, clock), 3000, 50_000);

        PairDevice.Wire wire2 = PairDevice.create(1500, 1, 256);
        ManualClock clock2 = new ManualClock();
        FaultInjectingDevice again = new FaultInjectingDevice(wire2.a(), EVERYTHING, clock2);
        List<byte[]> second = new ArrayList<>();
        List<byte[]> burst = new ArrayList<>();
        for (int seq = 0; seq < 3000; seq++) {
            burst.add(icmpRequest(seq));
            if (burst.size() == BURST || seq == 2999) {
                send(again, txBatch, burst);
                burst.clear();
                second.addAll(receive(wire2.b(), rxBatch));
                clock2.advance(50_000);
            }
        }
        for (int i = 0; i < 100 && again.held(0) > 0; i++) {
            clock2.advanceMillis(1_000);
            again.txBurst(0, txBatch);
            second.addAll(receive(wire2.b(), rxBatch));
        }

        assertThat(hex(second)).containsExactlyElementsOf(hex(first));
        assertThat(first.size()).isNotEqualTo(3000); // something was actually impaired
    }

    @Test
    void differentSeedsDeliverDifferentFrames() {
        List<byte[]> first = run(new FaultInjectingDevice(wire.a(), EVERYTHING, clock), 1000, 50_000);
        PairDevice.Wire wire2 = PairDevice.create(1500, 1, 256);
        FaultInjectingDevice other = new FaultInjectingDevice(
                wire2.a(), EVERYTHING.toBuilder().seed(43).build(), new ManualClock());
        List<byte[]> burst = new ArrayList<>();
        for (int seq = 0; seq < 1000; seq++) {
            burst.add(icmpRequest(seq));
        }
        List<byte[]> second = new ArrayList<>();
        for (int i = 0; i < burst.size(); i += BURST) {
            send(other, txBatch, burst.subList(i, Math.min(burst.size(), i + BURST)));
            second.addAll(receive(wire2.b(), rxBatch));
        }
        assertThat(hex(second)).isNotEqualTo(hex(first));
    }

    @Test
    void everyFrameIsAccountedForUnderAllImpairments() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), EVERYTHING, clock);
        List<byte[]> received = run(dev, FRAMES, 50_000);

        assertThat(dev.count(FaultCounter.PEN_OVERFLOW)).isZero();
        assertThat(dev.count(FaultCounter.RATE_DROPPED)).isZero();
        assertThat((long) received.size()).isEqualTo(
                FRAMES - dev.count(FaultCounter.DROPPED) + dev.count(FaultCounter.DUPLICATED));
        long bad = received.stream().filter(f -> !checksumsVerify(f)).count();
        assertThat(bad).isPositive();
        assertWithinFiveSigma(dev.count(FaultCounter.DROPPED), FRAMES, 0.05);
        assertWithinFiveSigma(dev.count(FaultCounter.CORRUPTED), FRAMES - (int) dev.count(FaultCounter.DROPPED), 0.05);
        // every surviving frame is delayed (100 us fixed), as is every duplicate that is not reordered
        assertThat(dev.count(FaultCounter.DELAYED)).isPositive();
    }

    @Test
    void lossRateIsObservedAtTheReceiver() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("loss=0.1,seed=7"), clock);
        List<byte[]> received = run(dev, FRAMES, 0);

        long dropped = dev.count(FaultCounter.DROPPED);
        assertWithinFiveSigma(dropped, FRAMES, 0.1);
        assertThat((long) received.size()).isEqualTo(FRAMES - dropped);
        // survivors arrive intact and in order
        int last = -1;
        for (byte[] f : received) {
            assertThat(checksumsVerify(f)).isTrue();
            assertThat(seqOf(f)).isGreaterThan(last);
            last = seqOf(f);
        }
    }

    @Test
    void duplicationRateIsObservedAtTheReceiver() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("dup=0.05,seed=7"), clock);
        List<byte[]> received = run(dev, FRAMES, 0);

        int[] copies = new int[FRAMES];
        for (byte[] f : received) {
            assertThat(f).isEqualTo(icmpRequest(seqOf(f)));
            copies[seqOf(f)]++;
        }
        long twice = 0;
        for (int c : copies) {
            assertThat(c).isBetween(1, 2);
            if (c == 2) {
                twice++;
            }
        }
        assertThat(twice).isEqualTo(dev.count(FaultCounter.DUPLICATED));
        assertWithinFiveSigma(twice, FRAMES, 0.05);
    }

    @Test
    void corruptionChangesExactlyOneByteAfterTheEthernetHeader() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("corrupt=0.05,seed=9"), clock);
        List<byte[]> received = run(dev, FRAMES, 0);

        assertThat(received).hasSize(FRAMES);
        int changed = 0;
        for (int seq = 0; seq < FRAMES; seq++) {
            byte[] original = icmpRequest(seq);
            byte[] got = received.get(seq); // nothing lost or reordered: position is identity
            int diffs = 0;
            for (int i = 0; i < original.length; i++) {
                if (original[i] != got[i]) {
                    diffs++;
                    assertThat(i).as("corrupted offset").isGreaterThanOrEqualTo(DeviceCapabilities.ETHERNET_HEADER);
                }
            }
            assertThat(diffs).as("bytes changed in frame %d", seq).isBetween(0, 1);
            // a single changed byte always breaks the one's-complement sum (RFC 1071)
            assertThat(checksumsVerify(got)).isEqualTo(diffs == 0);
            changed += diffs;
        }
        assertThat((long) changed).isEqualTo(dev.count(FaultCounter.CORRUPTED));
        assertWithinFiveSigma(changed, FRAMES, 0.05);
    }

    @Test
    void reorderedFramesArriveAfterAtLeastGapLaterOnes() {
        FaultInjectingDevice dev = new FaultInjectingDevice(
                wire.a(), FaultProfile.parse("reorder=0.05,gap=3,seed=11"), clock);
        List<byte[]> received = new ArrayList<>();
        List<byte[]> burst = new ArrayList<>();
        long heldBeforeLastBurst = 0;
        for (int seq = 0; seq < FRAMES; seq++) {
            burst.add(icmpRequest(seq));
            if (burst.size() == BURST) {
                if (seq == FRAMES - 1) {
                    heldBeforeLastBurst = dev.count(FaultCounter.REORDERED);
                }
                send(dev, txBatch, burst);
                burst.clear();
                received.addAll(receive(wire.b(), rxBatch));
            }
        }
        // frames held in the last burst have too few later frames: they leave at their hold time
        clock.advanceMillis(10);
        dev.txBurst(0, txBatch);
        received.addAll(receive(wire.b(), rxBatch));

        assertThat(received).hasSize(FRAMES);
        boolean[] seen = new boolean[FRAMES];
        int highest = -1;
        long late = 0;
        for (int pos = 0; pos < received.size(); pos++) {
            int seq = seqOf(received.get(pos));
            assertThat(seen[seq]).as("seq %d twice", seq).isFalse();
            seen[seq] = true;
            if (seq < highest && seq < FRAMES - BURST) {
                late++;
                long overtakers = received.subList(0, pos).stream().filter(f -> seqOf(f) > seq).count();
                assertThat(overtakers).as("frames that overtook seq %d", seq).isGreaterThanOrEqualTo(3);
            }
            highest = Math.max(highest, seq);
        }
        assertThat(late).isEqualTo(heldBeforeLastBurst);
        assertWithinFiveSigma(dev.count(FaultCounter.REORDERED), FRAMES, 0.05);
    }

    @Test
    void aLoneHeldFrameLeavesOnlyAfterGapLaterFrames() {
        // find a seed that holds exactly one of ten frames sent in one burst (deterministic per seed)
        for (long seed = 1; seed < 1_000; seed++) {
            PairDevice.Wire w = PairDevice.create(1500, 1, 256);
            FaultInjectingDevice dev = new FaultInjectingDevice(
                    w.a(), FaultProfile.builder().reorder(0.1).reorderGap(3).seed(seed).build(), clock);
            List<byte[]> frames = new ArrayList<>();
            for (int s = 0; s < 10; s++) {
                frames.add(icmpRequest(s));
            }
            send(dev, txBatch, frames);
            if (dev.count(FaultCounter.REORDERED) != 1) {
                continue;
            }
            List<Integer> order = receive(w.b(), rxBatch).stream().map(TestFrames::seqOf).toList();
            List<Integer> rest = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
            int held = -1;
            for (int s = 0; s < 10; s++) {
                if (!order.contains(s)) {
                    held = s;
                }
            }
            if (held >= 0) {
                // fewer than 3 frames came after it in this burst: it waits for the next one
                assertThat(held).isGreaterThan(6);
                rest.remove(Integer.valueOf(held));
                assertThat(order).containsExactlyElementsOf(rest);
                send(dev, txBatch, List.of(icmpRequest(10), icmpRequest(11), icmpRequest(12)));
                assertThat(receive(w.b(), rxBatch).stream().map(TestFrames::seqOf).toList())
                        .containsExactly(10, 11, 12, held);
            } else {
                // it left at the end of the burst, after every later frame (at least 3)
                int late = order.get(9);
                assertThat(late).isLessThanOrEqualTo(6);
                rest.remove(Integer.valueOf(late));
                rest.add(late);
                assertThat(order).containsExactlyElementsOf(rest);
            }
            return;
        }
        throw new AssertionError("no seed below 1000 holds exactly one frame of ten");
    }

    @Test
    void heldFrameLeavesAfterHoldTimeWhenNoLaterFramesCome() {
        FaultInjectingDevice dev = new FaultInjectingDevice(
                wire.a(), FaultProfile.parse("reorder=1,gap=5,hold=3ms"), clock);
        send(dev, txBatch, icmpRequest(1));
        assertThat(receive(wire.b(), rxBatch)).isEmpty();
        clock.advance(2_999_999);
        dev.rxBurst(0, rxBatch);
        dev.rxRelease(0, rxBatch);
        assertThat(receive(wire.b(), rxBatch)).isEmpty();
        clock.advance(1);
        dev.rxBurst(0, rxBatch);
        dev.rxRelease(0, rxBatch);
        assertThat(receive(wire.b(), rxBatch)).extracting(TestFrames::seqOf).containsExactly(1);
    }

    @Test
    void delayedFramesLeaveOnlyOnceTheClockPassesTheirDeadline() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("delay=2ms"), clock);
        List<byte[]> frames = List.of(icmpRequest(1), icmpRequest(2), icmpRequest(3));
        assertThat(send(dev, txBatch, frames)).isZero();
        assertThat(receive(wire.b(), rxBatch)).isEmpty();

        clock.advance(1_999_999);
        dev.txBurst(0, txBatch);
        dev.rxBurst(0, rxBatch);
        dev.rxRelease(0, rxBatch);
        assertThat(receive(wire.b(), rxBatch)).isEmpty();
        assertThat(dev.nextDueNanos(0)).isEqualTo(clock.nanoTime() + 1);

        clock.advance(1);
        dev.rxBurst(0, rxBatch); // an engine that only receives still releases them
        dev.rxRelease(0, rxBatch);
        assertThat(hex(receive(wire.b(), rxBatch))).containsExactlyElementsOf(hex(frames));
        assertThat(dev.count(FaultCounter.DELAYED)).isEqualTo(3);
        assertThat(dev.nextDueNanos(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void jitterSpreadsDeparturesOverItsRange() {
        FaultInjectingDevice dev = new FaultInjectingDevice(
                wire.a(), FaultProfile.parse("delay=1ms,jitter=1ms,pen=512,seed=5"), clock);
        long start = clock.nanoTime();
        List<byte[]> burst = new ArrayList<>();
        for (int seq = 0; seq < 200; seq++) {
            burst.add(icmpRequest(seq));
            if (burst.size() == BURST) {
                send(dev, txBatch, burst);
                burst.clear();
            }
        }
        send(dev, txBatch, burst);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int arrived = 0;
        for (long t = 0; t <= 2_500_000; t += 10_000) {
            dev.txBurst(0, txBatch);
            int n = receive(wire.b(), rxBatch).size();
            if (n > 0) {
                long at = clock.nanoTime() - start;
                min = Math.min(min, at);
                max = Math.max(max, at);
                arrived += n;
            }
            clock.advance(10_000);
        }
        assertThat(arrived).isEqualTo(200);
        assertThat(min).isBetween(1_000_000L, 1_100_000L);
        assertThat(max).isBetween(1_900_000L, 2_000_000L);
    }

    @Test
    void awaitRxSleepsNoLongerThanUntilTheNextHeldFrameIsDue() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("delay=20ms"), clock);
        send(dev, txBatch, icmpRequest(1));

        long t0 = System.nanoTime();
        dev.awaitRx(0, 60_000_000_000L); // one minute, capped at the 20 ms still to go
        long slept = System.nanoTime() - t0;
        assertThat(slept).as("ns slept").isLessThan(5_000_000_000L);
        assertThat(receive(wire.b(), rxBatch)).isEmpty(); // the manual clock has not moved

        clock.advanceMillis(20);
        t0 = System.nanoTime();
        dev.awaitRx(0, 60_000_000_000L);
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        assertThat(receive(wire.b(), rxBatch)).extracting(TestFrames::seqOf).containsExactly(1);
    }

    @Test
    void penWaitsWhileTheEngineHoldsAcquiredFrames() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), FaultProfile.parse("delay=1ms"), clock);
        send(dev, txBatch, icmpRequest(1));
        clock.advanceMillis(2);
        int i = dev.txAcquire(0, txBatch); // the engine is mid-burst
        dev.rxBurst(0, rxBatch);
        dev.rxRelease(0, rxBatch);
        assertThat(receive(wire.b(), rxBatch)).isEmpty();

        byte[] next = icmpRequest(2);
        txBatch.buffer(i).put(txBatch.offset(i), next);
        txBatch.length(i, next.length);
        dev.txBurst(0, txBatch);
        assertThat(receive(wire.b(), rxBatch)).extracting(TestFrames::seqOf).containsExactly(1);
        clock.advanceMillis(1);
        dev.txBurst(0, txBatch);
        assertThat(receive(wire.b(), rxBatch)).extracting(TestFrames::seqOf).containsExactly(2);
    }

    private static byte[] frameOf(int length, int seq) {
        byte[] f = icmpRequest(seq);
        byte[] out = new byte[length];
        System.arraycopy(f, 0, out, 0, Math.min(length, f.length));
        return out;
    }

    @Test
    void rateLimitLetsABurstThroughThenPacesAndDropsWhenThePenIsFull() {
        // 8 Mbit/s = one byte per microsecond; a 1000-byte bucket holds ten 100-byte frames
        FaultInjectingDevice dev = new FaultInjectingDevice(
                wire.a(), FaultProfile.parse("rate=8mbit,burst=1000,pen=8"), clock);
        List<byte[]> frames = new ArrayList<>();
        for (int seq = 0; seq < 20; seq++) {
            frames.add(frameOf(100, seq));
        }
        assertThat(send(dev, txBatch, frames)).isEqualTo(10);
        assertThat(receive(wire.b(), rxBatch)).hasSize(10);
        assertThat(dev.count(FaultCounter.RATE_LIMITED)).isEqualTo(8);
        assertThat(dev.count(FaultCounter.RATE_DROPPED)).isEqualTo(2);

        for (int k = 1; k <= 8; k++) {
            clock.advance(99_999);
            dev.txBurst(0, txBatch);
            assertThat(receive(wire.b(), rxBatch)).as("before slot %d", k).isEmpty();
            clock.advance(1);
            dev.txBurst(0, txBatch);
            assertThat(receive(wire.b(), rxBatch)).as("at slot %d", k).hasSize(1);
        }
    }

    @Test
    void rateLimitCapsLongRunThroughput() {
        FaultInjectingDevice dev = new FaultInjectingDevice(
                wire.a(), FaultProfile.parse("rate=10mbit,burst=1500,pen=32"), clock);
        long delivered = 0;
        int seq = 0;
        // offer 16 Mbit/s (two 1000-byte frames per millisecond) for one simulated second
        for (int ms = 0; ms < 1000; ms++) {
            for (int step = 0; step < 10; step++) {
                if (step == 0) {
                    send(dev, txBatch, List.of(frameOf(1000, seq++), frameOf(1000, seq++)));
                } else {
                    dev.txBurst(0, txBatch);
                }
                for (byte[] f : receive(wire.b(), rxBatch)) {
                    delivered += f.length;
                }
                clock.advance(100_000);
            }
        }
        // 10 Mbit/s for 1 s is 1,250,000 bytes, plus at most the bucket
        assertThat(delivered).isBetween(1_250_000L - 2_000, 1_250_000L + 1_500);
        assertThat(dev.count(FaultCounter.RATE_DROPPED)).isPositive();
        assertThat(dev.count(FaultCounter.RATE_DROPPED) * 1000 + delivered + dev.held(0) * 1000L)
                .isEqualTo(seq * 1000L);
    }

    @Test
    void allocatesNothingPerFrame() {
        FaultInjectingDevice dev = new FaultInjectingDevice(wire.a(), EVERYTHING, clock);
        ByteBuffer frame = ByteBuffer.allocateDirect(TestFrames.ICMP_FRAME).put(icmpRequest(1)).flip();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        pump(dev, frame, 5_000); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        pump(dev, frame, 50_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for 50,000 frames").isLessThan(5_000);
    }

    private void pump(FaultInjectingDevice dev, ByteBuffer frame, int frames) {
        for (int sent = 0; sent < frames; sent += 16) {
            for (int k = 0; k < 16; k++) {
                int i = dev.txAcquire(0, txBatch);
                txBatch.buffer(i).put(txBatch.offset(i), frame, 0, frame.limit());
                txBatch.length(i, frame.limit());
            }
            dev.txBurst(0, txBatch);
            wire.b().rxBurst(0, rxBatch);
            wire.b().rxRelease(0, rxBatch);
            clock.advance(20_000);
        }
    }
}
