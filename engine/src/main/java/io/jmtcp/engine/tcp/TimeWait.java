package io.jmtcp.engine.tcp;

import io.jmtcp.engine.wire.SeqNum;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;

/**
 * The rules under which a 4-tuple still in TIME-WAIT may carry a new incarnation of its
 * connection before 2 MSL have passed, one method per rule, each citing where it comes from:
 * the active side's reuse ({@link #activeReuseAllowed}, RFC 7323 Appendix B as Linux's
 * {@code tcp_tw_reuse} applies it), the passive side's reopen on a new SYN
 * ({@link #passiveReopenAllowed}, RFC 6191 section 2 and the note in RFC 9293 3.10.7.4), and
 * the initial send sequence number of the new incarnation ({@link #issFloor}, RFC 9293 3.4.1).
 *
 * <p>TIME-WAIT exists so that old duplicates of the previous incarnation die before a new one
 * can mistake them for its own (RFC 9293 3.4.1, RFC 1337). With timestamps on both incarnations
 * PAWS (RFC 7323 5) rejects those duplicates instead, as long as every timestamp of the new
 * incarnation is newer than every timestamp of the old one; and the new ISN beyond the old
 * SND.NXT keeps the old incarnation's sequence numbers outside the new one's window.
 *
 * <p>Stateless and allocation-free; called on the engine thread.
 */
final class TimeWait {

    /** {@code jmtcp.tcp.tw-reuse} values, as Linux's {@code net.ipv4.tcp_tw_reuse}. */
    static final int REUSE_NEVER = 0;
    static final int REUSE_ALWAYS = 1;
    static final int REUSE_LOOPBACK = 2;

    /**
     * How long after the last timestamp received on the old incarnation an active open may take
     * its 4-tuple over: RFC 7323 5.4 lets a timestamp clock tick as slowly as once a second, so
     * after one second the peer's clock has moved on and everything it sends on the new
     * incarnation carries a newer timestamp than its old duplicates (Linux: at least one second,
     * {@code tcp_twsk_unique}).
     */
    static final long REUSE_AFTER_NANOS = 1_000_000_000L;

    /**
     * The gap Linux leaves between the old incarnation's SND.NXT and the new ISS
     * ({@code tw_snd_nxt + 65535 + 2}): a full unscaled window beyond anything the old one sent.
     */
    static final int ISS_GAP = 65535 + 2;

    private TimeWait() {
    }

    /**
     * Whether a connect may take over {@code tw}, a connection in TIME-WAIT on the 4-tuple it
     * wants (RFC 7323 Appendix B.2 and section 5: with timestamps, PAWS protects the new
     * incarnation from the old one's duplicates, so TIME-WAIT need not run out; Linux's
     * {@code tcp_tw_reuse}): only when the policy allows it for this destination, timestamps were
     * in use on the old incarnation, and its last timestamp arrived at least
     * {@link #REUSE_AFTER_NANOS} ago. Without timestamps nothing tells old duplicates from new
     * segments, and TIME-WAIT must run its full course (RFC 9293 3.4.1).
     *
     * @param policyAllows {@code jmtcp.tcp.tw-reuse} allows reuse towards this destination
     */
    static boolean activeReuseAllowed(Tcb tw, boolean policyAllows, long now) {
        return policyAllows && tw.state == TcpState.TIME_WAIT && tw.timestamps
                && now - tw.tsRecentAt >= REUSE_AFTER_NANOS;
    }

    /**
     * Whether {@code policy} allows TIME-WAIT reuse towards {@code remoteIp}: {@link #REUSE_LOOPBACK}
     * means 127.0.0.0/8 and the stack's own addresses ({@code local}: the connection never leaves
     * the host, so no middlebox can strip the timestamps or hold old duplicates for long).
     */
    static boolean policyAllows(int policy, int remoteIp, boolean local) {
        switch (policy) {
            case REUSE_ALWAYS:
                return true;
            case REUSE_LOOPBACK:
                return (remoteIp >>> 24) == 127 || local;
            default:
                return false;
        }
    }

    /**
     * Whether a SYN (no ACK, no RST) arriving for {@code tw}, a connection in TIME-WAIT, opens a
     * new incarnation (RFC 6191 section 2; RFC 9293 3.10.7.4, fourth step, TIME-WAIT note). The
     * new incarnation uses timestamps when the SYN carries them, since jmtcp always answers a
     * SYN's timestamps with its own. The SYN is honoured when
     * <ul>
     * <li>the old incarnation used timestamps and the SYN has them: its TSval is newer than
     * TS.Recent, or equal to it with a sequence number beyond RCV.NXT;</li>
     * <li>the old incarnation did not use timestamps and the SYN has them: always (PAWS protects
     * the new incarnation from here on);</li>
     * <li>the SYN has no timestamps: its sequence number is beyond RCV.NXT (the RFC 9293 rule of
     * old, also RFC 1122 4.2.2.13).</li>
     * </ul>
     * Otherwise the SYN is no new incarnation; the caller goes on with the ordinary TIME-WAIT
     * processing.
     */
    static boolean passiveReopenAllowed(Tcb tw, TcpSegment seg, TcpOptions opts) {
        int seq = seg.sequenceNumber();
        if (opts.hasTimestamps()) {
            if (!tw.timestamps) {
                return true;
            }
            int tsVal = opts.tsVal();
            return SeqNum.gt(tsVal, tw.tsRecent) || (tsVal == tw.tsRecent && SeqNum.gt(seq, tw.rcvNxt));
        }
        return SeqNum.gt(seq, tw.rcvNxt);
    }

    /**
     * The least ISS the new incarnation of {@code tw}'s 4-tuple may use: beyond every sequence
     * number the old incarnation sent, by a full window (RFC 9293 3.4.1: a new incarnation must
     * not use sequence numbers that may still be present in the network from the old one;
     * {@link #ISS_GAP} as Linux). The RFC 6528 clock-driven ISN normally already lies beyond it;
     * {@link #iss} takes whichever is later.
     */
    static int issFloor(Tcb tw) {
        return tw.sndMax + ISS_GAP;
    }

    /** {@code candidate} (the RFC 6528 ISN) if it is at or beyond {@code floor}, else {@code floor}. */
    static int iss(int candidate, int floor) {
        return SeqNum.ge(candidate, floor) ? candidate : floor;
    }
}
