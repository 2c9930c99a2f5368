package io.jmtcp.engine.tcp;

/**
 * Round-trip time estimation and the retransmission timeout of RFC 6298: smoothed RTT (SRTT),
 * RTT variation (RTTVAR), the RTO derived from them, and the exponential back-off applied while
 * the retransmission timer keeps expiring.
 *
 * <p><b>Karn's rule is the caller's job</b> (RFC 6298 §3): {@link #sample} must not be fed an RTT
 * measured from a segment that was retransmitted, because its ACK cannot be attributed to one
 * transmission — unless the measurement comes from the TCP timestamps option (RFC 7323 §4), whose
 * echoed value identifies the transmission. Likewise the caller applies RFC 6298 (5.7) (an RTO of
 * at least 3 s once data flows after a SYN or SYN-ACK was retransmitted) and decides when a
 * connection gives up.
 *
 * <p>Deviation from RFC 6298 (2.4), as Linux does: the lower bound of the RTO is configurable
 * (200 ms by default, {@link #DEFAULT_MIN_RTO_NANOS}) rather than 1 s.
 *
 * <p>All times are nanoseconds. Not thread-safe: one instance per connection, owned by the engine
 * thread that owns the connection. Allocates nothing.
 */
public final class RttEstimator {

    /** RFC 6298 (2.1): the RTO before any RTT has been measured. */
    public static final long DEFAULT_INITIAL_RTO_NANOS = 1_000_000_000L;
    /** The lower bound of the RTO; Linux's TCP_RTO_MIN (RFC 6298 (2.4) asks for 1 s). */
    public static final long DEFAULT_MIN_RTO_NANOS = 200_000_000L;
    /** The upper bound of the RTO; Linux's TCP_RTO_MAX (RFC 6298 (2.5): at least 60 s). */
    public static final long DEFAULT_MAX_RTO_NANOS = 120_000_000_000L;
    /** The clock granularity G of RFC 6298 §2: the RTO exceeds SRTT by at least this much. */
    public static final long CLOCK_GRANULARITY_NANOS = 1_000_000L;

    /** RFC 6298 §2: K = 4. */
    private static final int K = 4;
    /**
     * Samples are capped here purely so that {@code 7 * srtt} cannot overflow a long (about 18
     * years); any real RTT is far below.
     */
    private static final long MAX_SAMPLE_NANOS = Long.MAX_VALUE >> 4;

    private final long minRto;
    private final long maxRto;

    private long srtt;
    private long rttvar;
    private boolean hasSample;
    /** The RTO computed from SRTT and RTTVAR (or the initial RTO), before back-off. */
    private long baseRto;
    /** {@link #baseRto} doubled once per {@link #backoff()}, capped at {@link #maxRto}. */
    private long rto;
    private int backoffs;

    /**
     * @param initialRtoNanos the RTO before the first sample (RFC 6298 (2.1): 1 s); clamped to
     *     [{@code minRtoNanos}, {@code maxRtoNanos}]
     * @param minRtoNanos the lower bound of every computed RTO (Linux: 200 ms)
     * @param maxRtoNanos the upper bound of every RTO, also of a backed-off one (RFC 6298 (2.5))
     * @throws IllegalArgumentException if a bound is not positive or {@code max < min}
     */
    public RttEstimator(long initialRtoNanos, long minRtoNanos, long maxRtoNanos) {
        if (minRtoNanos <= 0 || maxRtoNanos < minRtoNanos || initialRtoNanos <= 0) {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= max and initial > 0: initial="
                    + initialRtoNanos + "ns, min=" + minRtoNanos + "ns, max=" + maxRtoNanos + "ns");
        }
        this.minRto = minRtoNanos;
        this.maxRto = maxRtoNanos;
        this.baseRto = clamp(initialRtoNanos);
        this.rto = baseRto;
    }

    /** An estimator with Linux's bounds: initial 1 s, minimum 200 ms, maximum 120 s. */
    public static RttEstimator withDefaults() {
        return new RttEstimator(DEFAULT_INITIAL_RTO_NANOS, DEFAULT_MIN_RTO_NANOS, DEFAULT_MAX_RTO_NANOS);
    }

    /**
     * Takes one RTT measurement and recomputes the RTO; a negative value (a clock that went
     * backwards) is ignored. The measurement also discards any back-off: RFC 6298 §5 notes that a
     * new measurement "may result in 'collapsing' RTO back down after it has been subsequently
     * backed off". The caller must respect Karn's rule (see the class comment).
     */
    public void sample(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        long r = Math.min(rttNanos, MAX_SAMPLE_NANOS);
        if (!hasSample) {
            // RFC 6298 (2.2): the first measurement R: SRTT <- R, RTTVAR <- R/2.
            srtt = r;
            rttvar = r / 2;
            hasSample = true;
        } else {
            // RFC 6298 (2.3), with alpha = 1/8 and beta = 1/4; RTTVAR first, from the old SRTT:
            //   RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|
            //   SRTT   <- (1 - alpha) * SRTT + alpha * R'
            long delta = Math.abs(srtt - r);
            rttvar = (3 * rttvar + delta) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        // RFC 6298 (2.2)/(2.3): RTO <- SRTT + max(G, K*RTTVAR); (2.4)/(2.5): bounded.
        baseRto = clamp(srtt + Math.max(CLOCK_GRANULARITY_NANOS, K * rttvar));
        rto = baseRto;
        backoffs = 0;
    }

    /** The current RTO including back-off, in nanoseconds; the initial RTO before any sample. */
    public long rto() {
        return rto;
    }

    /** The smoothed RTT (SRTT), or 0 before the first sample. */
    public long srtt() {
        return srtt;
    }

    /** The RTT variation (RTTVAR), or 0 before the first sample. */
    public long rttvar() {
        return rttvar;
    }

    /** Whether at least one RTT has been measured. */
    public boolean hasSample() {
        return hasSample;
    }

    /**
     * The retransmission timer expired: RFC 6298 (5.5) doubles the RTO ("back off the timer"),
     * bounded by the maximum of (2.5).
     */
    public void backoff() {
        rto = rto > maxRto / 2 ? maxRto : rto * 2;
        if (backoffs != Integer.MAX_VALUE) {
            backoffs++;
        }
    }

    /** How many times the RTO was doubled since the last sample or {@link #resetBackoff()}. */
    public int backoffs() {
        return backoffs;
    }

    /** Returns the RTO to the value computed from SRTT and RTTVAR (or the initial RTO). */
    public void resetBackoff() {
        rto = baseRto;
        backoffs = 0;
    }

    private long clamp(long value) {
        return Math.min(maxRto, Math.max(minRto, value));
    }
}
