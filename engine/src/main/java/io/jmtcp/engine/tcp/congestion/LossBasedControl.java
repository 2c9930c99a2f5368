package io.jmtcp.engine.tcp.congestion;

/**
 * What NewReno and CUBIC share: the initial window (RFC 6928), slow start with appropriate byte
 * counting (RFC 5681 §3.1, RFC 3465), the loss window after a timeout, the restart window after
 * idle (RFC 5681 §4.1), the window-validation gate (RFC 7661) and the bookkeeping of recovery and
 * repeated timeouts. Subclasses supply congestion avoidance and the multiplicative decrease.
 * Engine-thread only; allocates nothing.
 */
abstract class LossBasedControl implements CongestionControl {

    int smss;
    int cwnd;
    int ssthresh;
    /** Between {@link #onCongestionEvent} and {@link #onRecoveryExit} (or a timeout). */
    boolean inRecovery;
    /**
     * A timeout happened and no new data was acknowledged since: a further timeout is a repeated
     * expiry for the same segment and must not lower ssthresh again (RFC 5681 §3.1, eq. 4).
     */
    boolean timeoutWithoutProgress;
    /**
     * Slow start after a timeout: RFC 3465 §2.3 limits the increase per ACK to L = 1*SMSS there,
     * since an ACK may then cover data the receiver had long held out of order.
     */
    boolean slowStartAfterTimeout;

    @Override
    public void init(int smss) {
        requirePositive(smss);
        this.smss = smss;
        // RFC 6928 §2 initial window; RFC 5681 §3.1: initial ssthresh "arbitrarily high".
        cwnd = CongestionControl.initialWindow(smss);
        ssthresh = INFINITE_SSTHRESH;
        inRecovery = false;
        timeoutWithoutProgress = false;
        slowStartAfterTimeout = false;
        reset();
    }

    @Override
    public final int cwnd() {
        return cwnd;
    }

    @Override
    public final int ssthresh() {
        return ssthresh;
    }

    @Override
    public final int smss() {
        return smss;
    }

    @Override
    public final boolean inSlowStart() {
        // RFC 5681 §3.1: slow start while cwnd < ssthresh; at equality either may be used, we
        // choose congestion avoidance (so a window set to ssthresh after a loss stays there).
        return cwnd < ssthresh;
    }

    @Override
    public final void onAck(int bytesAcked, int flightSizeBeforeAck, long srttNanos, long nowNanos) {
        if (bytesAcked <= 0) {
            return;
        }
        timeoutWithoutProgress = false;
        // RFC 7661 §4.3: the window is "validated" (and may grow) only while at least half of it
        // is in use; RFC 9438 §5.8 asks the same of CUBIC. An application-limited sender would
        // otherwise grow a window the network never confirmed.
        if (2L * flightSizeBeforeAck < cwnd) {
            applicationLimited(nowNanos);
            return;
        }
        if (cwnd < ssthresh) {
            slowStart(bytesAcked);
            slowStartAck(nowNanos);
        } else {
            slowStartAfterTimeout = false;
            congestionAvoidance(bytesAcked, srttNanos, nowNanos);
        }
    }

    /**
     * RFC 5681 §3.1 eq. 2 with appropriate byte counting (RFC 3465 §2.2): cwnd grows by the bytes
     * acknowledged, at most L per ACK, where L = 2*SMSS (the largest RFC 3465 §2.3 allows) or
     * 1*SMSS in slow start after a timeout (RFC 3465 §2.3). cwnd does not overshoot ssthresh.
     */
    private void slowStart(int bytesAcked) {
        int limit = slowStartAfterTimeout ? smss : 2 * smss;
        long grown = (long) cwnd + Math.min(bytesAcked, limit);
        cwnd = (int) Math.min(Math.min(grown, ssthresh), MAX_WINDOW);
    }

    @Override
    public final void onCongestionEvent(int flightSize, long nowNanos) {
        multiplicativeDecrease(flightSize, nowNanos);
        // RFC 5681 §3.2 step 4 would set cwnd = ssthresh + 3*SMSS and inflate it per duplicate
        // ACK; the sender counts the pipe instead (RFC 6675 §5, RFC 6582), so cwnd = ssthresh.
        cwnd = ssthresh;
        inRecovery = true;
        slowStartAfterTimeout = false;
    }

    @Override
    public final void onRetransmitTimeout(int flightSize, long nowNanos) {
        if (!timeoutWithoutProgress) {
            // RFC 5681 §3.1 eq. 4 (NewReno) / RFC 9438 §4.8 (CUBIC uses beta_cubic): only when
            // the segment "has not yet been resent by way of the retransmission timer".
            timeoutDecrease(flightSize, nowNanos);
        }
        // RFC 5681 §3.1: "the loss window, LW, which equals 1 full-sized segment".
        cwnd = smss;
        inRecovery = false; // RFC 6582 §3.2 step 5 / RFC 6675 §5.1: a timeout ends recovery
        timeoutWithoutProgress = true;
        slowStartAfterTimeout = true;
    }

    @Override
    public final void onRecoveryExit(long nowNanos) {
        if (!inRecovery) {
            return;
        }
        inRecovery = false;
        // RFC 6582 §3.2 step 3, option (2): "Set cwnd to ... ssthresh" (deflate the window).
        cwnd = ssthresh;
        recoveryExited(nowNanos);
    }

    @Override
    public final void onIdleRestart(long idleNanos, long rtoNanos) {
        if (idleNanos > rtoNanos) {
            // RFC 5681 §4.1: restart window RW = min(IW, cwnd) after an idle period > RTO.
            int restartWindow = Math.min(CongestionControl.initialWindow(smss), cwnd);
            cwnd = restartWindow;
        }
        idleRestarted(idleNanos, rtoNanos);
    }

    @Override
    public final void smss(int smss) {
        requirePositive(smss);
        if (smss == this.smss) {
            return;
        }
        this.smss = smss;
        // Windows are byte counts of what the path accepted; only the floors follow the new size.
        cwnd = Math.max(cwnd, smss);
        if (ssthresh != INFINITE_SSTHRESH) {
            ssthresh = Math.max(ssthresh, 2 * smss);
        }
        smssChanged();
    }

    /**
     * RFC 5681 §3.1 eq. 4 lower bound, shared by both algorithms: ssthresh is never below
     * 2*SMSS. {@code fraction} is the multiplicative-decrease factor (1/2 or beta_cubic).
     */
    final int ssthreshFor(int flightSize, double fraction) {
        // Rounded to the nearest byte, so that e.g. 0.7 * 1,460,000 is 1,022,000 and not one less.
        long reduced = Math.round(Math.max(0, flightSize) * fraction);
        return (int) Math.min(MAX_WINDOW, Math.max(reduced, 2L * smss));
    }

    static void requirePositive(int smss) {
        if (smss <= 0) {
            throw new IllegalArgumentException("SMSS must be positive: " + smss);
        }
    }

    /** Clears the algorithm's own state; called by {@link #init(int)}. */
    abstract void reset();

    /** Sets ssthresh (and the algorithm's memory of the loss) on entering fast recovery. */
    abstract void multiplicativeDecrease(int flightSize, long nowNanos);

    /** Sets ssthresh (and the algorithm's memory of the loss) on a first retransmission timeout. */
    abstract void timeoutDecrease(int flightSize, long nowNanos);

    /** Grows cwnd for an ACK in congestion avoidance (cwnd >= ssthresh). */
    abstract void congestionAvoidance(int bytesAcked, long srttNanos, long nowNanos);

    /** An ACK that grew cwnd by slow start. */
    void slowStartAck(long nowNanos) {
    }

    /** An ACK that did not grow cwnd because the window was not in use. */
    void applicationLimited(long nowNanos) {
    }

    /** Fast recovery ended with cwnd = ssthresh. */
    void recoveryExited(long nowNanos) {
    }

    /** After {@link #onIdleRestart} applied the restart window. */
    void idleRestarted(long idleNanos, long rtoNanos) {
    }

    /** After {@link #smss(int)} changed the SMSS. */
    void smssChanged() {
    }
}
