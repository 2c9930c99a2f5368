package io.jmtcp.engine.tcp;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.tcp.congestion.CongestionControl;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.Ipv4Address;

/**
 * The transmission control block of one connection (RFC 9293 section 3.3.1): its state, the
 * send and receive sequence variables, negotiated options, timers, RTT and congestion state,
 * and the rings shared with the application.
 *
 * <p>Sequence variables are raw 32-bit values compared only through
 * {@link io.jmtcp.engine.wire.SeqNum}. The send ring holds every byte from SND.UNA onward (sent
 * and unacknowledged, then unsent); the byte with sequence number {@code s} sits at ring
 * position {@code sendRing.readPosition() + (s - sndUna)}. The receive ring's write position
 * corresponds to RCV.NXT.
 *
 * <p>Owned by one engine thread; no other thread reads it.
 */
final class Tcb {

    /** Index in the engine's TCB table, used by timers. */
    final int id;

    TcpState state = TcpState.CLOSED;
    TcpSocket socket;
    /** The listener of a passive open until the application accepts it. */
    Listener listener;

    int localIp;
    int localPort;
    int remoteIp;
    int remotePort;

    // ---- send sequence space (RFC 9293 3.3.1)
    int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent (SND.NXT may be pulled back by a retransmission timeout). */
    int sndMax;
    /** Send window in bytes, already scaled. */
    int sndWnd;
    int sndWl1;
    int sndWl2;
    /** Largest window the peer ever offered (RFC 1122 4.2.3.4 sender SWS avoidance). */
    int maxSndWnd;
    /** Our FIN is queued (application shut the output down or closed). */
    boolean finQueued;
    /** Our FIN has been sent; its sequence number. */
    boolean finSent;
    int finSeq;

    // ---- receive sequence space
    int irs;
    int rcvNxt;
    /** Right edge of the window we last advertised (RCV.NXT + RCV.WND then); never moves left (RFC 9293 3.8.6.2.2). */
    int rcvAdvertisedEdge;
    boolean finReceived;

    // ---- options
    int peerMss = 536;
    /** Effective send MSS: payload bytes per segment (peer MSS, path MTU and options considered). */
    int smss = 536;
    /** MSS we advertised, our guess at the peer's full segment size. */
    int rcvMss = 536;
    boolean windowScaling;
    int sndWindowShift;
    int rcvWindowShift;
    boolean timestamps;
    int tsRecent;
    long tsRecentAt;
    int lastAckSent;
    boolean sackPermitted;
    /** Timestamp offset added to our clock (RFC 7323 5.4: per-connection random offset). */
    int tsOffset;

    // ---- rings: made lazily (the receive ring at the first payload byte, the send ring by the
    // application's first write) and given back when idle, so an idle connection holds none
    ByteRing sendRing;
    ByteRing receiveRing;
    /** The receive ring's size, or before it exists the size it will have (the window offered). */
    int receiveCapacity;
    /** No ring memory for the receive ring: a zero window is advertised until some comes back. */
    boolean rcvStarved;
    /** The application's write found no ring memory: it is told when some comes back. */
    boolean sndStarved;
    boolean inStarvedList;
    Tcb nextStarved;
    /** SO_RCVBUF was raised beyond the receive ring: its new size, applied when the ring is next empty; 0 = none. */
    int rcvGrowTo;

    // ---- timers: one slot each for retransmission (RTO / SYN / persist), delayed ACK, and
    // the long one (keepalive, FIN-WAIT-2, TIME-WAIT)
    long rtxTimer = Timers.NONE;
    int rtxKind;
    /** When the retransmission timer is due; may lie after {@link #rtxScheduled} (moved lazily). */
    long rtxDeadline;
    /** The deadline {@link #rtxTimer} sits at in the wheel. */
    long rtxScheduled;
    long delackTimer = Timers.NONE;
    long longTimer = Timers.NONE;
    int longKind;
    /** Consecutive retransmissions (or probes) of the same data without progress. */
    int retries;
    int keepaliveProbes;

    // ---- RTT (RFC 6298) and congestion
    RttEstimator rtt;
    CongestionControl cc;
    /** Karn sampling without timestamps: the sequence being timed and when it was sent. */
    boolean rttTiming;
    int rttSeq;
    long rttSentAt;
    long lastSendAt;
    long lastReceiveAt;

    // ---- loss recovery (RFC 5681, 6582, 6675, 3042)
    int dupAcks;
    boolean inRecovery;
    /** RecoveryPoint ("recover" of RFC 6582) holds a value from an earlier recovery or timeout. */
    boolean recoveryValid;
    int recoveryPoint;
    /** NewReno's window inflation during recovery without SACK (RFC 6582 3.2 steps 2-4). */
    int recoveryInflation;
    int highRxt;
    int rescueRxt;
    SackScoreboard scoreboard;
    ReceiveRanges outOfOrder;
    int outOfOrderBytes;
    /** A FIN arrived beyond a hole; it counts once RCV.NXT reaches {@link #oooFinSeq}. */
    boolean oooFin;
    int oooFinSeq;

    // ---- acknowledgement state (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3)
    boolean ackNow;
    int unackedSegments;
    int quickAcks;

    // ---- application settings, copied from the socket
    boolean noDelay;
    boolean keepAlive;
    long keepIdleNanos;
    long keepIntervalNanos;
    int keepCount;
    int typeOfService;
    boolean quickAckMode;
    /** The application closed the socket: nobody reads any more (an orphan, in Linux's words). */
    boolean orphan;

    // ---- engine lists
    Tcb nextOutput;
    boolean inOutputList;
    Tcb nextEvent;
    boolean eventPending;

    Tcb(int id) {
        this.id = id;
    }

    /** The byte count in flight: sent and not acknowledged (SYN and FIN count one each). */
    int flightSize() {
        return sndMax - sndUna;
    }

    @Override
    public String toString() {
        return state + " " + Ipv4Address.format(localIp) + ":" + localPort + " -> " + Ipv4Address.format(remoteIp) + ":" + remotePort;
    }

    /**
     * {@link #toString()} plus the sequence variables, windows, timers and recovery state relative
     * to ISS/IRS, for diagnosing a stalled connection (soak-test watchdogs, JMX).
     */
    String describe() {
        return this + " sndUna=+" + (sndUna - iss) + " sndNxt=+" + (sndNxt - iss) + " sndMax=+" + (sndMax - iss)
                + " sndWnd=" + sndWnd + " cwnd=" + (cc == null ? -1 : cc.cwnd())
                + " rcvNxt=+" + (rcvNxt - irs) + " rcvWnd=" + (rcvAdvertisedEdge - rcvNxt)
                + " unsent=" + (sendRing == null ? -1 : sendRing.readableBytes() - (sndNxt - sndUna))
                + " rcvQueued=" + (receiveRing == null ? -1 : receiveRing.readableBytes())
                + " ooo=" + outOfOrderBytes + " fin[queued=" + finQueued + " sent=" + finSent + " rcvd=" + finReceived
                + " ooo=" + oooFin + "] rtx=" + (rtxTimer == Timers.NONE ? "none" : rtxKind == 0 ? "rto" : "persist")
                + " rto=" + (rtt == null ? -1 : rtt.rto() / 1_000_000) + "ms retries=" + retries
                + " dupAcks=" + dupAcks + " recovery=" + inRecovery + " orphan=" + orphan;
    }
}
