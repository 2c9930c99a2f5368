package io.jmtcp.engine.tcp.congestion;

/**
 * CUBIC (RFC 9438), the default congestion control: after a loss the window follows
 * W_cubic(t) = C*(t-K)<sup>3</sup> + W_max (§4.2) — concave up to the window of the last loss,
 * a plateau there, convex beyond — never slower than the Reno-friendly estimate W_est (§4.3);
 * the multiplicative decrease is beta_cubic = 0.7 (§4.6), with fast convergence (§4.7) and the
 * timeout rules of §4.8. Selected by the name {@value #NAME}.
 *
 * <p>Slow start is RFC 5681's with appropriate byte counting (§4.10 allows it); HyStart++
 * (RFC 9406) is not implemented, so slow start ends only with a loss or at ssthresh. Spurious
 * congestion events (§4.9) are not undone. The cubic arithmetic runs in segments (as the RFC
 * writes it) and seconds, in doubles; the window the sender sees is bytes.
 *
 * <p>One instance per connection, owned by the connection's engine thread; allocation-free.
 */
public final class Cubic extends LossBasedControl {

    /** The name {@link CongestionControls#create(String)} knows this algorithm by. */
    public static final String NAME = "cubic";

    /** RFC 9438 §4.1.1: C = 0.4 (segments / second<sup>3</sup>). */
    static final double C = 0.4;
    /** RFC 9438 §4.1.1: beta_cubic = 0.7, the multiplicative decrease factor. */
    static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta), Reno-friendly additive increase. */
    static final double ALPHA = 3.0 * (1.0 - BETA) / (1.0 + BETA);

    private static final double NANOS_PER_SECOND = 1e9;

    /** Whether the current congestion-avoidance stage (epoch) has begun (§4.2, t = 0). */
    private boolean epochActive;
    /** Engine time at which t = 0; moved forward by application-limited periods (§5.8). */
    private long epochStartNanos;
    /** Engine time of the last ACK in congestion avoidance, to measure app-limited gaps. */
    private long lastAckNanos;
    /** W_max in bytes: the window just before the last reduction (§4.6, §4.7). 0: none yet. */
    private double wMaxBytes;
    /** cwnd_prior in bytes: cwnd when ssthresh was last set (§4.3, §4.6). */
    private double cwndPriorBytes;
    /** The first congestion-avoidance stage after a timeout uses K = 0 (§4.8). */
    private boolean firstAvoidanceAfterTimeout;

    // Per-epoch values, in segments of the SMSS at the epoch's start.
    /** W_max of this epoch, segments. */
    private double wMax;
    /** K of this epoch, seconds (§4.2 eq. 2). */
    private double k;
    /** W_est, segments (§4.3). */
    private double wEst;
    /** alpha_cubic in use: {@link #ALPHA} until W_est reaches cwnd_prior, then 1 (§4.3). */
    private double alpha;
    /** cwnd_prior of this epoch, segments. */
    private double cwndPrior;
    /** Fractional bytes of increase not yet added to the integer cwnd. */
    private double increaseCarry;

    /** Call {@link #init(int)} before use. */
    public Cubic() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    void reset() {
        epochActive = false;
        wMaxBytes = 0;
        cwndPriorBytes = 0;
        firstAvoidanceAfterTimeout = false;
        increaseCarry = 0;
    }

    /** W_cubic(t) of RFC 9438 §4.2 eq. 1, in segments, for this epoch; t in seconds. */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    @Override
    void congestionAvoidance(int bytesAcked, long srttNanos, long nowNanos) {
        if (!epochActive) {
            startEpoch(nowNanos);
        }
        lastAckNanos = nowNanos;
        double segment = smss;
        double cwndSegments = (cwnd + increaseCarry) / segment;
        double ackedSegments = bytesAcked / segment;
        // §4.2: t is the time since the epoch began; the target looks one RTT ahead.
        double t = (nowNanos - epochStartNanos) / NANOS_PER_SECOND;
        double rtt = Math.max(0L, srttNanos) / NANOS_PER_SECOND;

        // §4.3: W_est grows as AIMD(alpha_cubic, beta_cubic) would, per segment acknowledged ...
        wEst += alpha * ackedSegments / cwndSegments;
        // ... with alpha_cubic = 1 once W_est has reached cwnd_prior, to grow as fast as Reno.
        if (wEst >= cwndPrior) {
            alpha = 1.0;
        }
        if (wCubic(t) < wEst) {
            // §4.3: Reno-friendly region, "cwnd SHOULD be set to W_est". Never shrink cwnd here.
            setCwndSegments(Math.max(wEst, cwndSegments));
            return;
        }
        // §4.2 target, clamped to [cwnd, 1.5*cwnd]; §4.4 (concave) and §4.5 (convex): cwnd grows
        // by (target - cwnd) / cwnd per acknowledged segment, i.e. to the target in one RTT.
        double target = wCubic(t + rtt);
        if (target < cwndSegments) {
            target = cwndSegments;
        } else if (target > 1.5 * cwndSegments) {
            target = 1.5 * cwndSegments;
        }
        addBytes((target - cwndSegments) / cwndSegments * ackedSegments * segment);
    }

    /** §4.2: a new congestion-avoidance stage begins at this ACK. */
    private void startEpoch(long nowNanos) {
        epochActive = true;
        epochStartNanos = nowNanos;
        lastAckNanos = nowNanos;
        increaseCarry = 0;
        double segment = smss;
        double cwndEpoch = cwnd / segment;
        if (firstAvoidanceAfterTimeout || wMaxBytes / segment <= cwndEpoch) {
            // §4.8: after a timeout, K = 0 and W_max = the window at the start of this stage.
            // The same when the window already exceeds W_max (e.g. no loss seen yet): the curve
            // starts on its plateau, eq. 2 would need the cube root of a negative number.
            wMax = cwndEpoch;
            wMaxBytes = cwnd;
            k = 0;
        } else {
            wMax = wMaxBytes / segment;
            // §4.2 eq. 2: K = cbrt((W_max - cwnd_epoch) / C); right after a loss cwnd_epoch =
            // beta*W_max, giving cbrt(W_max * (1 - beta) / C).
            k = Math.cbrt((wMax - cwndEpoch) / C);
        }
        firstAvoidanceAfterTimeout = false;
        // §4.3 (and §4.8): W_est starts at cwnd_epoch.
        wEst = cwndEpoch;
        cwndPrior = cwndPriorBytes / segment;
        alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
    }

    private void setCwndSegments(double segments) {
        double bytes = segments * smss;
        if (bytes >= MAX_WINDOW) {
            cwnd = MAX_WINDOW;
            increaseCarry = 0;
            return;
        }
        cwnd = (int) bytes;
        increaseCarry = bytes - cwnd;
    }

    private void addBytes(double bytes) {
        double total = increaseCarry + bytes;
        long whole = (long) total;
        long grown = cwnd + whole;
        if (grown >= MAX_WINDOW) {
            cwnd = MAX_WINDOW;
            increaseCarry = 0;
            return;
        }
        cwnd = (int) grown;
        increaseCarry = total - whole;
    }

    /**
     * §4.6: ssthresh = flight_size * beta_cubic (at least 2 segments); §4.7 fast convergence:
     * a loss before the window regained the previous W_max lowers W_max further, to
     * cwnd * (1 + beta_cubic) / 2, to release bandwidth to newer flows.
     */
    @Override
    void multiplicativeDecrease(int flightSize, long nowNanos) {
        // §4.6 cwnd_prior, §4.7 W_max: both from cwnd just before the reduction.
        cwndPriorBytes = cwnd;
        if (cwnd < wMaxBytes) {
            wMaxBytes = cwnd * (1.0 + BETA) / 2.0;
        } else {
            wMaxBytes = cwnd;
        }
        ssthresh = ssthreshFor(flightSize, BETA);
        epochActive = false;
        firstAvoidanceAfterTimeout = false;
        increaseCarry = 0;
    }

    /**
     * §4.8: on a timeout CUBIC reduces cwnd as Reno does (the caller sets the loss window) but
     * sets ssthresh with beta_cubic; the following congestion-avoidance stage starts with K = 0.
     */
    @Override
    void timeoutDecrease(int flightSize, long nowNanos) {
        cwndPriorBytes = cwnd;
        wMaxBytes = cwnd;
        ssthresh = ssthreshFor(flightSize, BETA);
        firstAvoidanceAfterTimeout = true;
        epochActive = false;
        increaseCarry = 0;
    }

    @Override
    void slowStartAck(long nowNanos) {
        // Slow start ends the epoch; congestion avoidance after it is a new stage (§4.2).
        epochActive = false;
        increaseCarry = 0;
    }

    /**
     * §5.8: t must not include application-limited periods, or W_cubic(t) would be far ahead
     * when the flow uses its window again; the epoch start moves forward by the gap.
     */
    @Override
    void applicationLimited(long nowNanos) {
        if (epochActive) {
            long gap = nowNanos - lastAckNanos;
            if (gap > 0) {
                epochStartNanos += gap;
            }
            lastAckNanos = nowNanos;
        }
    }

    @Override
    void recoveryExited(long nowNanos) {
        epochActive = false; // the stage after recovery starts at its first ACK (§4.2)
        increaseCarry = 0;
    }

    @Override
    void idleRestarted(long idleNanos, long rtoNanos) {
        if (cwnd < ssthresh) {
            // The restart window put us back in slow start: a new stage follows it.
            epochActive = false;
            increaseCarry = 0;
        } else if (epochActive && idleNanos > 0) {
            // §5.8: an idle period is application-limited time, excluded from t.
            epochStartNanos += idleNanos;
            lastAckNanos += idleNanos;
        }
    }

    @Override
    void smssChanged() {
        // The epoch's values are in segments of the old size: start a new stage at the next ACK.
        epochActive = false;
        increaseCarry = 0;
    }

    /** W_max of the current epoch in segments (tests). */
    double wMaxSegments() {
        return epochActive ? wMax : wMaxBytes / smss;
    }

    /** K of the current epoch in seconds, or NaN outside congestion avoidance (tests). */
    double kSeconds() {
        return epochActive ? k : Double.NaN;
    }

    /** W_est of the current epoch in segments, or NaN outside congestion avoidance (tests). */
    double wEstSegments() {
        return epochActive ? wEst : Double.NaN;
    }

    /** Engine time at which the current epoch's t = 0 (tests). */
    long epochStartNanos() {
        return epochStartNanos;
    }
}
