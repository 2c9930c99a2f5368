package io.jmtcp.engine.tcp.congestion;

/**
 * Drives a {@link CongestionControl} the way a window-limited sender on a path with a fixed RTT
 * would: each round trip the sender has {@code floor(cwnd / SMSS)} full segments in flight and
 * their ACKs come back spread evenly over the next RTT, each one finding the window full again.
 * Simulated time only; allocates nothing.
 */
final class AckClock {

    private final CongestionControl cc;
    long nowNanos;
    long rttNanos;

    AckClock(CongestionControl cc, long startNanos, long rttNanos) {
        this.cc = cc;
        this.nowNanos = startNanos;
        this.rttNanos = rttNanos;
    }

    /** One round trip with one ACK per segment; returns cwnd at its end. */
    int round() {
        return round(1);
    }

    /**
     * One round trip in which every ACK covers {@code segmentsPerAck} segments (2: delayed ACKs,
     * more: stretch ACKs); returns cwnd at its end.
     */
    int round(int segmentsPerAck) {
        int smss = cc.smss();
        int segments = Math.max(1, cc.cwnd() / smss);
        int acks = (segments + segmentsPerAck - 1) / segmentsPerAck;
        long start = nowNanos;
        for (int i = 0; i < acks; i++) {
            int covered = Math.min(segmentsPerAck, segments - i * segmentsPerAck);
            long at = start + rttNanos * (i + 1) / acks;
            cc.onAck(covered * smss, cc.cwnd(), rttNanos, at);
        }
        nowNanos = start + rttNanos;
        return cc.cwnd();
    }

    /** Grows the window by slow start (one-segment ACKs, no loss) to exactly {@code segments}. */
    void slowStartTo(int segments) {
        int smss = cc.smss();
        while (cc.cwnd() < segments * smss) {
            nowNanos += 1_000;
            cc.onAck(smss, cc.cwnd(), rttNanos, nowNanos);
        }
        if (cc.cwnd() != segments * smss) {
            throw new IllegalStateException("overshot: " + cc.cwnd());
        }
    }

    /**
     * A loss detected with the whole window in flight; recovery takes one RTT and ends with a
     * full ACK.
     */
    void lossAndRecovery() {
        cc.onCongestionEvent(cc.cwnd(), nowNanos);
        nowNanos += rttNanos;
        cc.onRecoveryExit(nowNanos);
    }

    void advance(long nanos) {
        nowNanos += nanos;
    }
}
