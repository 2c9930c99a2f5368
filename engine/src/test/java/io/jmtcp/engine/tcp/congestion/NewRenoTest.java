package io.jmtcp.engine.tcp.congestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NewRenoTest {

    private static final int SMSS = 1460;
    private static final long RTT = 50_000_000L; // 50 ms
    private static final long RTO = 250_000_000L;

    private final NewReno reno = new NewReno();
    private final AckClock clock = new AckClock(reno, 1_000_000_000L, RTT);

    NewRenoTest() {
        reno.init(SMSS);
    }

    @ParameterizedTest(name = "SMSS {0} -> IW {1}")
    @CsvSource({"536, 5360", "1460, 14600", "9000, 18000", "1, 10", "65495, 130990"})
    void initialWindowFollowsRfc6928(int smss, int expected) {
        // RFC 6928 §2: min(10*SMSS, max(2*SMSS, 14600))
        assertThat(CongestionControl.initialWindow(smss)).isEqualTo(expected);
        NewReno fresh = new NewReno();
        fresh.init(smss);
        assertThat(fresh.cwnd()).isEqualTo(expected);
        assertThat(fresh.ssthresh()).isEqualTo(CongestionControl.INFINITE_SSTHRESH);
        assertThat(fresh.inSlowStart()).isTrue();
        assertThat(fresh.name()).isEqualTo("newreno");
    }

    @Test
    void slowStartDoublesEveryRoundTrip() {
        // RFC 5681 §3.1: +min(N, SMSS) per ACK, one ACK per segment: 10 -> 20 -> 40 -> 80 segments
        assertThat(clock.round()).isEqualTo(20 * SMSS);
        assertThat(clock.round()).isEqualTo(40 * SMSS);
        assertThat(clock.round()).isEqualTo(80 * SMSS);
    }

    @Test
    void slowStartWithDelayedAcksStillDoublesThanksToByteCounting() {
        // RFC 3465 §2.2/2.3: an ACK for 2 segments earns 2*SMSS (L = 2*SMSS), so halving the
        // number of ACKs does not halve the growth.
        assertThat(clock.round(2)).isEqualTo(20 * SMSS);
        assertThat(clock.round(2)).isEqualTo(40 * SMSS);
    }

    @Test
    void slowStartCreditsAtMostTwoSegmentsPerStretchAck() {
        // RFC 3465 §2.3: L = 2*SMSS; one ACK for 4 segments grows cwnd by 2 segments only.
        reno.onAck(4 * SMSS, reno.cwnd(), RTT, 1);
        assertThat(reno.cwnd()).isEqualTo(12 * SMSS);
        // 10 segments ACKed 4 at a time: ACKs of 4, 4, 2 segments -> +2, +2, +2 segments
        NewReno other = new NewReno();
        other.init(SMSS);
        assertThat(new AckClock(other, 0, RTT).round(4)).isEqualTo(16 * SMSS);
    }

    @Test
    void slowStartStopsAtSsthresh() {
        enterAvoidanceAt(20); // ssthresh = cwnd = 20 segments
        reno.onRetransmitTimeout(40 * SMSS, clock.nowNanos); // ssthresh 20 segments, cwnd 1
        for (int i = 0; i < 100; i++) {
            reno.onAck(SMSS, reno.cwnd(), RTT, clock.nowNanos + i);
        }
        // 1 -> 20 segments takes 19 ACKs of slow start (capped at ssthresh); the other 81 are
        // congestion avoidance: 20 + 21 + 22 of them earn 3 segments, 18 remain counted.
        assertThat(reno.ssthresh()).isEqualTo(20 * SMSS);
        assertThat(reno.cwnd()).isEqualTo(23 * SMSS);
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRoundTrip() {
        enterAvoidanceAt(20);
        assertThat(reno.inSlowStart()).isFalse();
        for (int r = 1; r <= 30; r++) {
            assertThat(clock.round()).as("round %d", r).isEqualTo((20 + r) * SMSS);
        }
        // With delayed ACKs the byte count is the same: still one segment per RTT.
        for (int r = 1; r <= 10; r++) {
            assertThat(clock.round(2)).as("delayed-ACK round %d", r).isEqualTo((50 + r) * SMSS);
        }
    }

    @Test
    void lossHalvesTheFlightSize() {
        clock.slowStartTo(64);
        reno.onCongestionEvent(64 * SMSS, clock.nowNanos);
        // RFC 5681 §3.1 eq. 4: ssthresh = max(FlightSize/2, 2*SMSS); cwnd = ssthresh (no inflation)
        assertThat(reno.ssthresh()).isEqualTo(32 * SMSS);
        assertThat(reno.cwnd()).isEqualTo(32 * SMSS);
        reno.onRecoveryExit(clock.nowNanos + RTT);
        assertThat(reno.cwnd()).isEqualTo(32 * SMSS);
        // The halving is of the flight size, not cwnd: an application-limited flight of 10
        // segments gives ssthresh 5 segments ...
        reno.onCongestionEvent(10 * SMSS, clock.nowNanos);
        assertThat(reno.ssthresh()).isEqualTo(5 * SMSS);
        // ... and never below 2*SMSS.
        reno.onCongestionEvent(SMSS, clock.nowNanos);
        assertThat(reno.ssthresh()).isEqualTo(2 * SMSS);
        assertThat(reno.cwnd()).isEqualTo(2 * SMSS);
    }

    @Test
    void timeoutSetsTheLossWindowAndHalvesTheFlightSize() {
        clock.slowStartTo(40);
        reno.onRetransmitTimeout(40 * SMSS, clock.nowNanos);
        // RFC 5681 §3.1: ssthresh per eq. 4, cwnd = LW = 1 SMSS
        assertThat(reno.cwnd()).isEqualTo(SMSS);
        assertThat(reno.ssthresh()).isEqualTo(20 * SMSS);
        assertThat(reno.inSlowStart()).isTrue();
    }

    @Test
    void repeatedTimeoutsWithoutProgressKeepSsthresh() {
        clock.slowStartTo(40);
        reno.onRetransmitTimeout(40 * SMSS, clock.nowNanos);
        // the retransmission is lost too: only one segment is outstanding now, but RFC 5681 eq. 4
        // applies only to a segment not yet resent by the timer
        reno.onRetransmitTimeout(SMSS, clock.nowNanos + RTO);
        assertThat(reno.ssthresh()).isEqualTo(20 * SMSS);
        assertThat(reno.cwnd()).isEqualTo(SMSS);
        // after an ACK of new data a timeout is a new loss again
        reno.onAck(SMSS, SMSS, RTT, clock.nowNanos + 2 * RTO);
        reno.onRetransmitTimeout(4 * SMSS, clock.nowNanos + 3 * RTO);
        assertThat(reno.ssthresh()).isEqualTo(2 * SMSS);
    }

    @Test
    void slowStartAfterTimeoutCreditsOneSegmentPerAck() {
        clock.slowStartTo(40);
        reno.onRetransmitTimeout(40 * SMSS, clock.nowNanos);
        // RFC 3465 §2.3: L = 1*SMSS in slow start after an RTO: an ACK for 3 segments earns one
        reno.onAck(3 * SMSS, 40 * SMSS, RTT, clock.nowNanos + 1);
        assertThat(reno.cwnd()).isEqualTo(2 * SMSS);
        // after a fast retransmit the usual L = 2*SMSS applies again
        reno.onCongestionEvent(40 * SMSS, clock.nowNanos + 2);
        reno.onRecoveryExit(clock.nowNanos + 3);
        reno.onIdleRestart(RTO + 1, RTO); // cwnd = min(IW, cwnd) = 10 < ssthresh 20: slow start
        reno.onAck(3 * SMSS, reno.cwnd(), RTT, clock.nowNanos + 4);
        assertThat(reno.cwnd()).isEqualTo(12 * SMSS);
    }

    @Test
    void recoveryExitSetsCwndToSsthreshOnlyInRecovery() {
        clock.slowStartTo(40);
        reno.onCongestionEvent(40 * SMSS, clock.nowNanos);
        reno.onRetransmitTimeout(20 * SMSS, clock.nowNanos + RTO); // the timeout ends recovery
        reno.onRecoveryExit(clock.nowNanos + RTO + 1);
        // RFC 6582 §3.2: deflation applies to a fast recovery that ended by a full ACK, not here
        assertThat(reno.cwnd()).isEqualTo(SMSS);
    }

    @Test
    void idleLongerThanTheRtoRestartsFromTheInitialWindow() {
        clock.slowStartTo(60);
        reno.onIdleRestart(RTO, RTO); // not longer than the RTO: untouched
        assertThat(reno.cwnd()).isEqualTo(60 * SMSS);
        reno.onIdleRestart(RTO + 1, RTO); // RFC 5681 §4.1: RW = min(IW, cwnd)
        assertThat(reno.cwnd()).isEqualTo(10 * SMSS);
        assertThat(reno.ssthresh()).isEqualTo(CongestionControl.INFINITE_SSTHRESH);

        reno.onRetransmitTimeout(10 * SMSS, clock.nowNanos); // cwnd 1 segment
        reno.onIdleRestart(10 * RTO, RTO);
        assertThat(reno.cwnd()).as("a window below IW is not raised").isEqualTo(SMSS);
    }

    @Test
    void applicationLimitedAcksDoNotGrowTheWindow() {
        // RFC 7661 §4.3: only a window at least half used may grow
        reno.onAck(SMSS, 4 * SMSS, RTT, 1);
        assertThat(reno.cwnd()).isEqualTo(10 * SMSS);
        reno.onAck(SMSS, 5 * SMSS, RTT, 2);
        assertThat(reno.cwnd()).isEqualTo(11 * SMSS);
        reno.onAck(0, 11 * SMSS, RTT, 3);
        assertThat(reno.cwnd()).as("no new data, no growth").isEqualTo(11 * SMSS);
    }

    @Test
    void smallerSmssKeepsTheByteWindow() {
        clock.slowStartTo(40);
        reno.onCongestionEvent(40 * SMSS, clock.nowNanos);
        reno.onRecoveryExit(clock.nowNanos);
        reno.smss(1200);
        assertThat(reno.smss()).isEqualTo(1200);
        assertThat(reno.cwnd()).isEqualTo(20 * SMSS);
        assertThat(reno.ssthresh()).isEqualTo(20 * SMSS);
        // congestion avoidance now adds 1200 bytes per window of bytes acknowledged
        reno.onAck(20 * SMSS, 20 * SMSS, RTT, clock.nowNanos + 1);
        assertThat(reno.cwnd()).isEqualTo(20 * SMSS + 1200);
        // a larger SMSS than cwnd raises cwnd to one segment
        reno.onRetransmitTimeout(4 * 1200, clock.nowNanos + 2);
        reno.smss(9000);
        assertThat(reno.cwnd()).isEqualTo(9000);
        assertThat(reno.ssthresh()).isEqualTo(18_000);
        assertThatThrownBy(() -> reno.smss(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void initForgetsEverything() {
        clock.slowStartTo(40);
        reno.onRetransmitTimeout(40 * SMSS, clock.nowNanos);
        reno.init(SMSS);
        assertThat(reno.cwnd()).isEqualTo(10 * SMSS);
        assertThat(reno.ssthresh()).isEqualTo(CongestionControl.INFINITE_SSTHRESH);
        reno.onAck(2 * SMSS, 10 * SMSS, RTT, clock.nowNanos + 1);
        assertThat(reno.cwnd()).as("L = 2*SMSS again").isEqualTo(12 * SMSS);
    }

    @Test
    void windowNeverExceedsTheLargestAdvertisableWindow() {
        for (int i = 0; i < 1_000_000 && reno.cwnd() < CongestionControl.MAX_WINDOW; i++) {
            reno.onAck(2 * SMSS, reno.cwnd(), RTT, i);
        }
        assertThat(reno.cwnd()).isEqualTo(CongestionControl.MAX_WINDOW);
        reno.onAck(Integer.MAX_VALUE, Integer.MAX_VALUE, RTT, 0);
        assertThat(reno.cwnd()).isEqualTo(CongestionControl.MAX_WINDOW);
        reno.onCongestionEvent(Integer.MAX_VALUE, 0);
        reno.onRecoveryExit(0);
        for (int i = 0; i < 10; i++) {
            reno.onAck(Integer.MAX_VALUE, Integer.MAX_VALUE, RTT, 0);
        }
        assertThat(reno.cwnd()).isBetween(CongestionControl.MAX_WINDOW / 2, CongestionControl.MAX_WINDOW);
    }

    /** Slow start to {@code 2 * segments}, a loss, recovery: cwnd = ssthresh = segments. */
    private void enterAvoidanceAt(int segments) {
        clock.slowStartTo(2 * segments);
        clock.lossAndRecovery();
        assertThat(reno.cwnd()).isEqualTo(segments * SMSS);
        assertThat(reno.ssthresh()).isEqualTo(segments * SMSS);
    }
}
