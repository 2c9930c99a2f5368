package io.jmtcp.engine.tcp.congestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CubicTest {

    private static final int SMSS = 1460;
    private static final long MS = 1_000_000L;
    private static final long RTT = 100 * MS;
    private static final double SECOND = 1e9;

    private final Cubic cubic = new Cubic();
    private final AckClock clock = new AckClock(cubic, 5_000 * MS, RTT);

    CubicTest() {
        cubic.init(SMSS);
    }

    @Test
    void startsWithTheRfc6928WindowAndSlowStart() {
        assertThat(cubic.name()).isEqualTo("cubic");
        assertThat(cubic.cwnd()).isEqualTo(10 * SMSS);
        assertThat(cubic.ssthresh()).isEqualTo(CongestionControl.INFINITE_SSTHRESH);
        // RFC 9438 §4.10: standard slow start (no HyStart++): doubling per RTT
        assertThat(clock.round()).isEqualTo(20 * SMSS);
        assertThat(clock.round(2)).isEqualTo(40 * SMSS);
        Cubic jumbo = new Cubic();
        jumbo.init(9000);
        assertThat(jumbo.cwnd()).isEqualTo(18_000);
    }

    @Test
    void lossReducesTheWindowToSevenTenths() {
        clock.slowStartTo(1000);
        cubic.onCongestionEvent(1000 * SMSS, clock.nowNanos);
        // RFC 9438 §4.6: ssthresh = flight_size * 0.7, cwnd = ssthresh; W_max = cwnd before
        assertThat(cubic.ssthresh()).isEqualTo(700 * SMSS);
        assertThat(cubic.cwnd()).isEqualTo(700 * SMSS);
        assertThat(cubic.wMaxSegments()).isEqualTo(1000.0);
        cubic.onRecoveryExit(clock.nowNanos + RTT);
        assertThat(cubic.cwnd()).isEqualTo(700 * SMSS);
        // ssthresh is at least 2 segments
        cubic.onCongestionEvent(SMSS, clock.nowNanos + 2 * RTT);
        assertThat(cubic.ssthresh()).isEqualTo(2 * SMSS);
    }

    @Test
    void windowFollowsTheCubicCurveAfterALoss() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        clock.round(); // the epoch starts at the first ACK after recovery
        long epoch = cubic.epochStartNanos();
        // RFC 9438 §4.2 eq. 2: K = cbrt(W_max * (1 - beta) / C) = cbrt(750) = 9.0856 s
        double k = Math.cbrt(1000 * 0.3 / 0.4);
        assertThat(cubic.kSeconds()).isCloseTo(k, within(1e-9));
        assertThat(cubic.wMaxSegments()).isEqualTo(1000.0);

        int rounds = 160;
        double[] t = new double[rounds];
        double[] w = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            w[i] = clock.round() / (double) SMSS;
            t[i] = (clock.nowNanos - epoch) / SECOND;
        }
        // W(t) = C*(t - K)^3 + W_max within 1.5% of W_max everywhere on the curve: the per-ACK
        // update aims one RTT ahead, so the window runs a fraction of an RTT early.
        for (int i = 0; i < rounds; i++) {
            double expected = 0.4 * Math.pow(t[i] - k, 3) + 1000;
            assertThat(w[i]).as("W at t = %.2f s", t[i]).isCloseTo(expected, within(15.0));
        }
        // at t = K the window is back at W_max (the plateau)
        int atK = (int) Math.round(k * SECOND / RTT) - 1;
        assertThat(w[atK]).as("W(K)").isCloseTo(1000.0, within(3.0));
        // concave before K: growth slows; convex after K: growth speeds up
        double early = growthPerSecond(w, t, 0.5);
        double plateau = growthPerSecond(w, t, k);
        double late = growthPerSecond(w, t, k + 5);
        assertThat(early).isGreaterThan(5 * plateau);
        assertThat(late).isGreaterThan(5 * plateau);
        assertThat(plateau).isLessThan(5.0);
        for (int i = 2; i < rounds; i++) {
            double before = w[i - 1] - w[i - 2];
            double now = w[i] - w[i - 1];
            if (t[i] < k - 0.5) {
                assertThat(now).as("concave at %.2f s", t[i]).isLessThanOrEqualTo(before + 1e-6 + 1);
            } else if (t[i] > k + 0.5) {
                assertThat(now).as("convex at %.2f s", t[i]).isGreaterThanOrEqualTo(before - 1);
            }
        }
        // never more than 1.5x per RTT (the §4.2 target clamp)
        for (int i = 1; i < rounds; i++) {
            assertThat(w[i]).isLessThanOrEqualTo(1.5 * w[i - 1] + 1);
        }
    }

    @Test
    void renoFriendlyRegionDominatesWhenRttTimesWindowIsSmall() {
        // 1 ms RTT, W_max = 20 segments: K = cbrt(6 / 0.4) = 2.47 s = 2466 RTTs, far slower than
        // Reno's one segment per RTT, so W_est (RFC 9438 §4.3) drives the window.
        clock.rttNanos = 1 * MS;
        clock.slowStartTo(20);
        clock.lossAndRecovery();
        assertThat(cubic.cwnd()).isEqualTo(14 * SMSS);
        clock.round();
        long epoch = cubic.epochStartNanos();
        int at20 = -1;
        double[] w = new double[301];
        for (int i = 1; i <= 300; i++) {
            w[i] = clock.round() / (double) SMSS;
            if (at20 < 0 && w[i] >= 20) {
                at20 = i;
            }
        }
        // alpha_cubic = 3 * 0.3 / 1.7 = 0.529 segments per RTT up to cwnd_prior = 20 (about 11
        // RTTs), then alpha = 1: one segment per RTT, like Reno.
        assertThat(at20).isBetween(9, 14);
        assertThat(w[300] - w[200]).isCloseTo(100.0, within(2.0));
        double t = (clock.nowNanos - epoch) / SECOND;
        assertThat(cubic.wCubic(t)).isLessThan(20.0);
        assertThat(w[300]).isGreaterThan(250.0);
        assertThat(cubic.wEstSegments()).isCloseTo(cubic.cwnd() / (double) SMSS, within(1.0));
    }

    @Test
    void fastConvergenceLowersWMaxWhenLossComesBeforeTheOldMaximum() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        while (cubic.cwnd() < 800 * SMSS) {
            clock.round();
        }
        int before = cubic.cwnd();
        clock.lossAndRecovery();
        // RFC 9438 §4.7: W_max = cwnd * (1 + beta) / 2 = 0.85 * cwnd, not cwnd (nor the old 1000)
        double wMax = before * 0.85 / SMSS;
        assertThat(cubic.wMaxSegments()).isCloseTo(wMax, within(1e-6));
        clock.round();
        double cwndEpoch = Math.round(before * 0.7) / (double) SMSS;
        assertThat(cubic.kSeconds()).isCloseTo(Math.cbrt((wMax - cwndEpoch) / 0.4), within(1e-6));
        // the plateau is at the lowered W_max
        long epoch = cubic.epochStartNanos();
        while (clock.nowNanos - epoch < cubic.kSeconds() * SECOND) {
            clock.round();
        }
        assertThat(cubic.cwnd() / (double) SMSS).isCloseTo(wMax, within(3.0));
        assertThat(cubic.cwnd()).isLessThan(before);
    }

    @Test
    void lossAboveTheOldMaximumRaisesWMax() {
        clock.slowStartTo(100);
        clock.lossAndRecovery(); // W_max 100
        while (cubic.cwnd() < 120 * SMSS) {
            clock.round();
        }
        int before = cubic.cwnd();
        clock.lossAndRecovery();
        assertThat(cubic.wMaxSegments()).isCloseTo(before / (double) SMSS, within(1e-9));
    }

    @Test
    void timeoutUsesBetaForSsthreshAndStartsTheNextCurveWithKZero() {
        clock.slowStartTo(100);
        cubic.onRetransmitTimeout(100 * SMSS, clock.nowNanos);
        // RFC 9438 §4.8: cwnd as Reno (1 SMSS), ssthresh with beta_cubic
        assertThat(cubic.cwnd()).isEqualTo(SMSS);
        assertThat(cubic.ssthresh()).isEqualTo(70 * SMSS);
        while (cubic.inSlowStart()) {
            clock.advance(1_000);
            cubic.onAck(SMSS, cubic.cwnd(), RTT, clock.nowNanos);
        }
        // L = 1*SMSS after a timeout (RFC 3465 §2.3), capped at ssthresh
        assertThat(cubic.cwnd()).isEqualTo(70 * SMSS);
        clock.round();
        // first congestion avoidance after the timeout: K = 0, W_max = cwnd at its start
        assertThat(cubic.kSeconds()).isZero();
        assertThat(cubic.wMaxSegments()).isEqualTo(70.0);
        long epoch = cubic.epochStartNanos();
        double previous = cubic.cwnd();
        for (int i = 0; i < 60; i++) {
            double now = clock.round();
            assertThat(now).isGreaterThanOrEqualTo(previous);
            previous = now;
        }
        double t = (clock.nowNanos - epoch) / SECOND;
        assertThat(cubic.cwnd() / (double) SMSS).isGreaterThanOrEqualTo(0.4 * t * t * t + 70 - 2);
    }

    @Test
    void shortIdleIsLeftOutOfTheCurveTime() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        for (int i = 0; i < 20; i++) {
            clock.round();
        }
        long epoch = cubic.epochStartNanos();
        int cwnd = cubic.cwnd();
        // RFC 5681 §4.1 does not apply (idle <= RTO); RFC 9438 §5.8: t excludes the idle time
        cubic.onIdleRestart(150 * MS, 200 * MS);
        clock.advance(150 * MS);
        assertThat(cubic.cwnd()).isEqualTo(cwnd);
        assertThat(cubic.epochStartNanos()).isEqualTo(epoch + 150 * MS);
    }

    @Test
    void idleLongerThanTheRtoRestartsFromTheInitialWindowAndSlowStarts() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        clock.round();
        cubic.onIdleRestart(3_000 * MS, 200 * MS);
        // RFC 5681 §4.1: cwnd = min(IW, cwnd); ssthresh keeps the memory of the path
        assertThat(cubic.cwnd()).isEqualTo(10 * SMSS);
        assertThat(cubic.ssthresh()).isEqualTo(700 * SMSS);
        assertThat(cubic.inSlowStart()).isTrue();
        assertThat(clock.round()).isEqualTo(20 * SMSS);
    }

    @Test
    void applicationLimitedTimeIsLeftOutOfTheCurveTime() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        for (int i = 0; i < 10; i++) {
            clock.round();
        }
        long epoch = cubic.epochStartNanos();
        int cwnd = cubic.cwnd();
        long last = clock.nowNanos - RTT / cubic.cwnd() * SMSS; // roughly the last full ACK
        // 5 s during which the application keeps only 10 segments in flight (RFC 9438 §5.8)
        for (int i = 1; i <= 50; i++) {
            clock.advance(RTT);
            cubic.onAck(SMSS, 10 * SMSS, RTT, clock.nowNanos);
        }
        assertThat(cubic.cwnd()).isEqualTo(cwnd);
        assertThat(cubic.epochStartNanos() - epoch).isCloseTo(clock.nowNanos - last, within(RTT / 100));
    }

    @Test
    void smssChangeStartsANewEpochInTheNewUnits() {
        clock.slowStartTo(1000);
        clock.lossAndRecovery();
        clock.round();
        int cwnd = cubic.cwnd();
        cubic.smss(1000);
        assertThat(cubic.cwnd()).isEqualTo(cwnd);
        clock.round();
        // the byte window is kept; W_max (1000 * 1460 bytes) is now 1460 segments of 1000 bytes
        assertThat(cubic.wMaxSegments()).isCloseTo(1460.0, within(1e-9));
        assertThat(cubic.cwnd()).isGreaterThanOrEqualTo(cwnd);
    }

    private static double growthPerSecond(double[] w, double[] t, double at) {
        int from = indexAt(t, at - 0.5);
        int to = indexAt(t, at + 0.5);
        return (w[to] - w[from]) / (t[to] - t[from]);
    }

    private static int indexAt(double[] t, double seconds) {
        int best = 0;
        for (int i = 0; i < t.length; i++) {
            if (Math.abs(t[i] - seconds) < Math.abs(t[best] - seconds)) {
                best = i;
            }
        }
        return best;
    }
}
