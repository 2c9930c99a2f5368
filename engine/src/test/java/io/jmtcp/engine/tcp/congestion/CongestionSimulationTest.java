package io.jmtcp.engine.tcp.congestion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One long-lived flow through a bottleneck, as a fluid model per round trip: a link of fixed
 * capacity and base RTT (so a fixed bandwidth-delay product, BDP, in segments), a drop-tail
 * buffer of B segments in front of it. A window W ≤ BDP leaves the link partly idle; BDP < W ≤
 * BDP + B queues W - BDP segments and lengthens the RTT accordingly; W > BDP + B overflows the
 * buffer: a loss, detected by duplicate ACKs, then one round trip of fast recovery. ACKs are
 * clocked back one per segment, spread over the round trip. 2000 round trips per run.
 */
class CongestionSimulationTest {

    private static final int SMSS = 1460;
    private static final int ROUNDS = 2000;

    /** What one run measured, from the first loss on (slow start excluded). */
    private static final class Run {
        double utilisation;
        int losses;
        int minWindow = Integer.MAX_VALUE;
        int maxWindow;
        /** ssthresh after each loss divided by the window at the loss: min and max seen. */
        double minDecrease = Double.MAX_VALUE;
        double maxDecrease;

        @Override
        public String toString() {
            return String.format("utilisation %.3f, %d losses, window %d..%d segments, decrease x%.3f..x%.3f",
                    utilisation, losses, minWindow, maxWindow, minDecrease, maxDecrease);
        }
    }

    private static Run simulate(String algorithm, int bdp, int buffer, long baseRttNanos) {
        CongestionControl cc = CongestionControls.create(algorithm);
        cc.init(SMSS);
        Run run = new Run();
        long now = 0;
        double delivered = 0; // segments, counted from the first loss on
        long measuredFrom = -1;
        for (int round = 0; round < ROUNDS; round++) {
            int window = Math.max(1, cc.cwnd() / SMSS);
            int queue = Math.min(Math.max(0, window - bdp), buffer);
            long rtt = baseRttNanos + baseRttNanos * queue / bdp;
            if (window > bdp + buffer) {
                // Drop-tail overflow. This round the link stays busy (rtt at a full buffer);
                // the next is fast recovery, sending what the reduced window allows.
                if (measuredFrom < 0) {
                    measuredFrom = now;
                } else {
                    delivered += (double) bdp * rtt / baseRttNanos;
                    run.losses++;
                    run.maxWindow = Math.max(run.maxWindow, window);
                }
                cc.onCongestionEvent(window * SMSS, now);
                if (measuredFrom != now) {
                    double decrease = cc.ssthresh() / (double) (window * SMSS);
                    run.minDecrease = Math.min(run.minDecrease, decrease);
                    run.maxDecrease = Math.max(run.maxDecrease, decrease);
                }
                now += rtt;
                int recovering = Math.max(1, cc.cwnd() / SMSS);
                int recoveryQueue = Math.min(Math.max(0, recovering - bdp), buffer);
                long recoveryRtt = baseRttNanos + baseRttNanos * recoveryQueue / bdp;
                delivered += Math.min((double) recovering, (double) bdp * recoveryRtt / baseRttNanos);
                now += recoveryRtt;
                cc.onRecoveryExit(now);
                round++;
                continue;
            }
            for (int i = 1; i <= window; i++) {
                cc.onAck(SMSS, cc.cwnd(), rtt, now + rtt * i / window);
            }
            if (measuredFrom >= 0) {
                // a window W delivers W segments per RTT: W / BDP of capacity below the BDP, all
                // of it above (the queue stretches the RTT to match)
                delivered += window;
                run.minWindow = Math.min(run.minWindow, window);
                run.maxWindow = Math.max(run.maxWindow, window);
            }
            now += rtt;
        }
        double capacitySegments = (double) bdp * (now - measuredFrom) / baseRttNanos;
        run.utilisation = delivered / capacitySegments;
        return run;
    }

    @Test
    void newRenoKeepsABufferedBottleneckBusyWithAHalvingSawtooth() {
        // 100-segment BDP (10 ms at 117 Mbit/s), half a BDP of buffer
        Run run = simulate("newreno", 100, 50, 10_000_000L);
        assertThat(run.utilisation).as("%s", run).isGreaterThan(0.9);
        // the sawtooth: +1 segment per RTT from about 75 to 151, then halved; ~76 RTTs apart
        assertThat(run.losses).as("%s", run).isBetween(2000 / 90, 2000 / 60);
        assertThat(run.maxWindow).as("%s", run).isEqualTo(151);
        assertThat(run.minWindow).as("%s", run).isBetween(74, 76);
        assertThat(run.minDecrease).as("%s", run).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.001));
        assertThat(run.maxDecrease).as("%s", run).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.001));
    }

    @Test
    void cubicKeepsABufferedBottleneckBusyWithAShallowerSawtooth() {
        Run run = simulate("cubic", 100, 50, 10_000_000L);
        assertThat(run.utilisation).as("%s", run).isGreaterThan(0.95);
        assertThat(run.losses).as("%s", run).isBetween(5, 2000 / 20);
        assertThat(run.maxWindow).as("%s", run).isBetween(151, 160);
        // beta_cubic = 0.7: the window never falls below 0.7 of the buffer-full window
        assertThat(run.minWindow).as("%s", run).isGreaterThanOrEqualTo(105);
        assertThat(run.minDecrease).as("%s", run).isCloseTo(0.7, org.assertj.core.api.Assertions.within(0.001));
        assertThat(run.maxDecrease).as("%s", run).isCloseTo(0.7, org.assertj.core.api.Assertions.within(0.001));
    }

    @Test
    void bothStayAboveEightyPercentWithAShallowBuffer() {
        // a tenth of a BDP of buffer: the halving leaves the link idle part of the time
        Run reno = simulate("newreno", 100, 10, 10_000_000L);
        Run cubic = simulate("cubic", 100, 10, 10_000_000L);
        assertThat(reno.utilisation).as("newreno: %s", reno).isGreaterThan(0.8);
        assertThat(cubic.utilisation).as("cubic: %s", cubic).isGreaterThan(0.9);
        assertThat(cubic.utilisation).as("%s vs %s", cubic, reno).isGreaterThan(reno.utilisation);
        assertThat(reno.maxWindow).isEqualTo(111);
        assertThat(cubic.maxWindow).isLessThanOrEqualTo(120);
    }

    @Test
    void cubicRecoversFasterThanNewRenoOnALongFatPath() {
        // 1000-segment BDP (100 ms at 117 Mbit/s), a fifth of a BDP of buffer. NewReno needs ~600
        // RTTs (a minute) to climb back; CUBIC's K = cbrt(1200 * 0.3 / 0.4) = 9.7 s ≈ 97 RTTs.
        Run reno = simulate("newreno", 1000, 200, 100_000_000L);
        Run cubic = simulate("cubic", 1000, 200, 100_000_000L);
        assertThat(reno.utilisation).as("newreno: %s", reno).isGreaterThan(0.8);
        assertThat(cubic.utilisation).as("cubic: %s", cubic).isGreaterThan(0.9);
        assertThat(cubic.losses).as("%s vs %s", cubic, reno).isGreaterThan(3 * Math.max(1, reno.losses));
        assertThat(cubic.maxWindow).as("bounded: %s", cubic).isLessThanOrEqualTo(1300);
        assertThat(reno.maxWindow).as("bounded: %s", reno).isLessThanOrEqualTo(1201);
        assertThat(cubic.minWindow).as("%s", cubic).isGreaterThanOrEqualTo(839);
    }
}
