/**
 * Congestion control for the TCP sender: the {@link io.jmtcp.engine.tcp.congestion.CongestionControl}
 * contract, NewReno (RFC 5681 with appropriate byte counting, RFC 3465) and CUBIC (RFC 9438, the
 * default), and {@link io.jmtcp.engine.tcp.congestion.CongestionControls} to choose one by name.
 *
 * <p>Contract: an algorithm owns exactly two numbers the sender obeys, cwnd and ssthresh (bytes),
 * and changes them only when the sender reports an event: new data acknowledged outside loss
 * recovery, entering fast recovery, a retransmission timeout, leaving recovery, restarting after
 * idle, a new SMSS. Everything about which segment to send and how much may be in flight during
 * recovery (RFC 6675 pipe, RFC 6582 partial ACKs, RFC 3042 limited transmit) stays in the sender;
 * the algorithms never inflate the window. Sizes are bytes ({@code int}), times nanoseconds
 * ({@code long}) from the engine's clock.
 *
 * <p>Threading: an instance belongs to one connection and is only touched by the engine thread
 * that owns that connection; nothing here is thread-safe and nothing needs to be. No method
 * allocates, so they may run per ACK on the hot path.
 */
package io.jmtcp.engine.tcp.congestion;
