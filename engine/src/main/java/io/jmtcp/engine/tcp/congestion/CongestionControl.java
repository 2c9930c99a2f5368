package io.jmtcp.engine.tcp.congestion;

/**
 * A congestion control algorithm as the TCP sender sees it: it holds the congestion window (cwnd)
 * and the slow-start threshold (ssthresh), both in bytes, and adjusts them when the sender reports
 * acknowledgements and congestion signals. The sender may have at most {@link #cwnd()} bytes in
 * flight outside loss recovery; during recovery it uses its own RFC 6675 pipe or RFC 6582
 * accounting against {@link #cwnd()}, so implementations never inflate the window for duplicate
 * ACKs. Karn's rule, the RTO and the choice of what to retransmit are not this type's business.
 *
 * <p>Instances are created by {@link CongestionControls#create(String)}, then {@link #init(int)}
 * is called once the connection's SMSS is known. One instance per connection, used only by the
 * engine thread that owns the connection; no method allocates.
 */
public interface CongestionControl {

    /**
     * The largest congestion window any implementation reaches: 2<sup>30</sup> bytes, the largest
     * receive window TCP can advertise (RFC 7323 §2.3), so a larger cwnd could never be used.
     */
    int MAX_WINDOW = 1 << 30;

    /** ssthresh before the first congestion signal: "arbitrarily high" (RFC 5681 §3.1). */
    int INFINITE_SSTHRESH = Integer.MAX_VALUE;

    /**
     * The initial window of RFC 6928 §2: {@code min(10*SMSS, max(2*SMSS, 14600))} bytes — 10
     * segments for a 1460-byte SMSS, fewer when segments are large.
     */
    static int initialWindow(int smss) {
        return (int) Math.min(10L * smss, Math.max(2L * smss, 14_600L));
    }

    /** The name {@link CongestionControls#create(String)} knows this algorithm by. */
    String name();

    /**
     * Starts (or restarts) the algorithm for a connection whose sender maximum segment size is
     * {@code smss} bytes: cwnd = the RFC 6928 initial window, ssthresh = {@link #INFINITE_SSTHRESH}
     * (RFC 5681 §3.1), all history forgotten.
     *
     * @throws IllegalArgumentException if {@code smss} is not positive
     */
    void init(int smss);

    /** The congestion window in bytes. */
    int cwnd();

    /** The slow-start threshold in bytes; {@link #INFINITE_SSTHRESH} before any congestion signal. */
    int ssthresh();

    /**
     * New data was cumulatively acknowledged while NOT in loss recovery (the sender keeps the
     * window during recovery and reports its end with {@link #onRecoveryExit(long)}). Below
     * ssthresh the window grows by slow start, otherwise by congestion avoidance.
     *
     * @param bytesAcked bytes newly acknowledged by this ACK (SND.UNA advance); ignored if not positive
     * @param flightSizeBeforeAck bytes that were in flight just before this ACK arrived; the window
     *     only grows when the sender actually used it (at least half of cwnd, RFC 7661 §4.3; RFC
     *     9438 §5.8), so an application-limited flow does not build up an untested window
     * @param srttNanos the smoothed RTT (0 if not yet measured); CUBIC uses it for its target
     * @param nowNanos the engine clock
     */
    void onAck(int bytesAcked, int flightSizeBeforeAck, long srttNanos, long nowNanos);

    /**
     * Loss detected by three duplicate ACKs or by the SACK scoreboard (RFC 6675): the sender
     * enters fast recovery. Sets ssthresh from the flight size and cwnd = ssthresh. Call once per
     * recovery episode, not for further losses within it (RFC 6582 §3.2, RFC 6675 §5).
     *
     * @param flightSize bytes outstanding when the loss was detected (RFC 5681 FlightSize)
     */
    void onCongestionEvent(int flightSize, long nowNanos);

    /**
     * The retransmission timer expired: ssthresh from the flight size (for the first expiry of a
     * segment only: RFC 5681 §3.1 says eq. 4 applies when the segment "has not yet been resent by
     * way of the retransmission timer", so repeated expiries without an ACK of new data in between
     * keep ssthresh) and cwnd = 1 SMSS, the loss window. Ends any fast recovery in progress.
     *
     * @param flightSize bytes outstanding when the timer expired
     */
    void onRetransmitTimeout(int flightSize, long nowNanos);

    /**
     * A full ACK ended fast recovery (RFC 6582 §3.2 step 3): cwnd = ssthresh, "deflating" the
     * window. Ignored when not in fast recovery (e.g. a timeout ended it). The sender should avoid
     * sending the whole window as one burst (RFC 6582 §3.2 step 3 recommends measures).
     */
    void onRecoveryExit(long nowNanos);

    /**
     * The sender is about to transmit after {@code idleNanos} without sending. RFC 5681 §4.1: if
     * that exceeds the RTO, cwnd = min(initial window, cwnd) (the restart window).
     */
    void onIdleRestart(long idleNanos, long rtoNanos);

    /**
     * The sender MSS changed (path MTU discovery). Windows stay in bytes — a Packet Too Big is no
     * congestion signal (RFC 1191 §6.4) — but cwnd is kept at least one segment and the
     * algorithm's per-segment arithmetic follows the new size.
     *
     * @throws IllegalArgumentException if {@code smss} is not positive
     */
    void smss(int smss);

    /** The current SMSS in bytes. */
    int smss();

    /** Whether cwnd is below ssthresh (RFC 5681 §3.1: slow start). */
    boolean inSlowStart();
}
