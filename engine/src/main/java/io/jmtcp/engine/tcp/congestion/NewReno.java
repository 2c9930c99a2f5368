package io.jmtcp.engine.tcp.congestion;

/**
 * The standard TCP congestion control of RFC 5681 with appropriate byte counting (RFC 3465), as
 * the window side of NewReno (RFC 6582; the partial-ACK logic lives in the sender): slow start
 * below ssthresh, +1 SMSS per round trip in congestion avoidance counted in acknowledged bytes,
 * ssthresh = max(FlightSize/2, 2*SMSS) on loss. Selected by the name {@value #NAME}.
 *
 * <p>One instance per connection, owned by the connection's engine thread; allocation-free.
 */
public final class NewReno extends LossBasedControl {

    /** The name {@link CongestionControls#create(String)} knows this algorithm by. */
    public static final String NAME = "newreno";

    /**
     * Bytes acknowledged in congestion avoidance since cwnd last grew (RFC 3465 §2.1
     * "bytes_acked").
     */
    private int bytesAckedInAvoidance;

    /** Call {@link #init(int)} before use. */
    public NewReno() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    void reset() {
        bytesAckedInAvoidance = 0;
    }

    /**
     * RFC 5681 §3.1: "the RECOMMENDED way to increase cwnd during congestion avoidance is to
     * count the number of bytes that have been acknowledged ... When the number of bytes
     * acknowledged reaches cwnd, then cwnd can be incremented by up to SMSS bytes" (RFC 3465 §2.1).
     */
    @Override
    void congestionAvoidance(int bytesAcked, long srttNanos, long nowNanos) {
        long counted = (long) bytesAckedInAvoidance + bytesAcked;
        if (counted >= cwnd) {
            counted -= cwnd;
            cwnd = (int) Math.min((long) cwnd + smss, MAX_WINDOW);
            // One increase per window: a stretch ACK larger than a window still earns one SMSS,
            // so the remainder is kept below cwnd (RFC 3465 §2.1 subtracts cwnd once).
            counted = Math.min(counted, cwnd - 1L);
        }
        bytesAckedInAvoidance = (int) counted;
    }

    /** RFC 5681 §3.1 eq. 4: ssthresh = max(FlightSize / 2, 2*SMSS). */
    @Override
    void multiplicativeDecrease(int flightSize, long nowNanos) {
        ssthresh = ssthreshFor(flightSize, 0.5);
        bytesAckedInAvoidance = 0;
    }

    /** RFC 5681 §3.1 eq. 4, the same reduction as for fast retransmit. */
    @Override
    void timeoutDecrease(int flightSize, long nowNanos) {
        ssthresh = ssthreshFor(flightSize, 0.5);
        bytesAckedInAvoidance = 0;
    }

    @Override
    void recoveryExited(long nowNanos) {
        bytesAckedInAvoidance = 0;
    }

    @Override
    void smssChanged() {
        bytesAckedInAvoidance = 0;
    }
}
