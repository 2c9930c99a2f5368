package io.jmtcp.engine.tcp;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.SocketError;
import io.jmtcp.engine.ip.Ipv4Layer;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.SeqNum;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;

/**
 * What a connection sends and when: segment building with options (RFC 9293 3.1, RFC 7323,
 * RFC 2018), the receive window we advertise with receiver-side silly-window avoidance, the
 * send policy (flow and congestion windows, Nagle and sender-side SWS avoidance from RFC 1122
 * 4.2.3.4, limited transmit RFC 3042, SACK-based recovery RFC 6675, NewReno RFC 6582), and the
 * timeouts (RFC 6298 retransmission, RFC 9293 3.8.6.1 zero-window probes).
 *
 * <p>Payload bytes are copied once, from the send ring into the device frame. Owned by the
 * engine thread; allocates nothing.
 */
final class TcpOutput {

    private static final int IP_TCP_HEADERS = Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.MIN_HEADER_LENGTH;
    /** Window scale we offer: room for the largest ring a connection may get (4 MiB → 7). */
    private final int windowShift;

    private final TcpLayer layer;
    private final Ipv4Layer ip;
    private final Counters counters;
    private final TcpSegment seg = new TcpSegment();
    private final TcpOptions opts = new TcpOptions();

    TcpOutput(TcpLayer layer) {
        this.layer = layer;
        this.ip = layer.ip;
        this.counters = layer.counters;
        this.windowShift = windowShiftFor(layer.slab.maxSlice());
    }

    // =========================================================== sizes

    /** MSS we announce: the route's MTU less the IPv4 and TCP headers (RFC 9293 3.7.1). */
    int mssToAdvertise() {
        return ip.mtu() - IP_TCP_HEADERS;
    }

    /** Smallest shift that lets a 16-bit window cover {@code bytes} (RFC 7323 2.3, at most 14). */
    static int windowShiftFor(int bytes) {
        int shift = 0;
        while (shift < 14 && (65535L << shift) < bytes) {
            shift++;
        }
        return shift;
    }

    /** The shift we offer in SYNs. */
    int offeredWindowShift() {
        return windowShift;
    }

    /** Effective send MSS: the peer's MSS and our MTU, less the timestamp option (RFC 9293 3.7.1). */
    void initSendMss(Tcb t) {
        int mss = Math.min(t.peerMss, mssToAdvertise());
        if (t.timestamps) {
            mss -= 12;
        }
        t.smss = Math.max(mss, 64);
        if (t.cc != null) {
            t.cc.smss(t.smss);
        }
    }

    /**
     * Free bytes in the receive ring; before it exists (it is made when the first payload byte
     * arrives) the size it will have, or 0 while ring memory is exhausted.
     */
    int receiveWindow(Tcb t) {
        ByteRing r = t.receiveRing;
        if (r == null) {
            return t.rcvStarved ? 0 : t.receiveCapacity;
        }
        return (int) Math.min(Integer.MAX_VALUE, r.writeLimit() - r.writePosition());
    }

    /** RCV.WND as last advertised: what the sequence-number test accepts. */
    int currentReceiveWindow(Tcb t) {
        int w = t.rcvAdvertisedEdge - t.rcvNxt;
        return w < 0 ? 0 : w;
    }

    /**
     * Whether the window can open enough to be worth a window update now (RFC 1122 4.2.3.3: by at
     * least min(half the buffer, one MSS); we wait for two MSS, as Linux does, to halve the ACKs).
     */
    /**
     * Half the window growth that makes an update worth sending, as the application side's
     * check wants it (it asks for twice this): min(MSS, buffer / 4), so that the two sides agree
     * on {@link #windowUpdateWorthwhile}'s min(2 MSS, buffer / 2) even when the buffer holds
     * fewer than four segments (64 KiB MSS on the loopback with a 128 KiB buffer).
     */
    static int windowUpdateStep(Tcb t) {
        return Math.min(t.rcvMss, t.receiveCapacity / 4);
    }

    boolean windowUpdateWorthwhile(Tcb t) {
        int newEdge = t.rcvNxt + Math.min(receiveWindow(t), 65535 << t.rcvWindowShift);
        int gain = newEdge - t.rcvAdvertisedEdge;
        return gain >= Math.min(t.receiveCapacity / 2, 2 * t.rcvMss);
    }

    /**
     * The window field of a segment other than a SYN: the right edge moves right only in steps
     * of at least min(half the buffer, one MSS) (RFC 1122 4.2.3.3, receiver SWS avoidance) and
     * never moves left (RFC 9293 3.8.6.2.2).
     */
    private int advertise(Tcb t) {
        int free = Math.min(receiveWindow(t), 65535 << t.rcvWindowShift);
        int newEdge = t.rcvNxt + free;
        int edge = t.rcvAdvertisedEdge;
        int threshold = Math.min(t.receiveCapacity / 2, t.rcvMss);
        if (SeqNum.lt(edge, t.rcvNxt) || (SeqNum.gt(newEdge, edge) && newEdge - edge >= threshold)) {
            edge = newEdge;
        }
        if (t.rcvStarved) {
            // no ring memory for what was offered: shrink to a zero window rather than drop
            // every segment the peer sends into it (RFC 9293 3.8.6.2.1 discourages shrinking but
            // allows it; the peer must cope, and its persist timer probes until we reopen)
            edge = t.rcvNxt;
            t.rcvAdvertisedEdge = edge;
        }
        int window = edge - t.rcvNxt;
        if (window < 0) {
            window = 0;
        }
        int field = window >>> t.rcvWindowShift;
        if (field > 65535) {
            field = 65535;
        }
        // scaling rounds down; the acceptance test keeps the larger edge so nothing promised is refused
        int scaledEdge = t.rcvNxt + (field << t.rcvWindowShift);
        t.rcvAdvertisedEdge = SeqNum.max(edge, scaledEdge);
        if (t.socket != null) {
            t.socket.advertised(field << t.rcvWindowShift, windowUpdateStep(t));
        }
        return field;
    }

    private int tsNow(Tcb t, long now) {
        // RFC 7323 5.4: a millisecond clock with a per-connection offset
        return (int) (now / 1_000_000L) + t.tsOffset;
    }

    // =========================================================== segment emission

    /**
     * Builds and sends one segment of {@code t}: {@code len} payload bytes (trimmed to fit a
     * frame) starting at {@code seq}, taken from the send ring.
     *
     * @return the payload bytes sent, or -1 if no frame was available
     */
    private int emit(Tcb t, int seq, int len, int flags, long now) {
        int h = ip.begin();
        if (h < 0) {
            return -1;
        }
        ByteBuffer b = ip.buffer(h);
        int off = ip.payloadOffset(h);
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean ack = (flags & TcpSegment.ACK) != 0;
        opts.clear();
        if (syn) {
            boolean active = !ack;
            opts.mss(t.rcvMss);
            if (active || t.windowScaling) {
                opts.windowScale(t.rcvWindowShift);
            }
            if (active || t.sackPermitted) {
                opts.sackPermitted(true);
            }
            if (active || t.timestamps) {
                opts.timestamps(tsNow(t, now), ack ? t.tsRecent : 0);
            }
        } else {
            if (t.timestamps) {
                opts.timestamps(tsNow(t, now), t.tsRecent);
            }
            if (ack && t.sackPermitted && t.outOfOrder != null
                    && (!t.outOfOrder.isEmpty() || t.outOfOrder.hasPendingDuplicate())) {
                t.outOfOrder.fillSackBlocks(opts, t.timestamps ? 3 : 4);
            }
        }
        int header = TcpSegment.MIN_HEADER_LENGTH + opts.encodedLength();
        int room = ip.maxPayload(h) - header;
        if (len > room) {
            len = room;
        }
        int window;
        if (syn) {
            // RFC 7323 2.2: the window of a SYN is never scaled
            window = Math.min(receiveWindow(t), 65535);
            t.rcvAdvertisedEdge = t.rcvNxt + window;
        } else {
            window = advertise(t);
        }
        seg.wrap(b, off, header + len);
        seg.sourcePort(t.localPort)
                .destinationPort(t.remotePort)
                .sequenceNumber(seq)
                .acknowledgmentNumber(ack ? t.rcvNxt : 0)
                .headerLength(header)
                .flags(flags)
                .window(window)
                .checksum(0)
                .urgentPointer(0);
        if (header > TcpSegment.MIN_HEADER_LENGTH) {
            opts.write(b, off + TcpSegment.MIN_HEADER_LENGTH);
        }
        if (len > 0) {
            ByteRing ring = t.sendRing;
            ring.peek(ring.readPosition() + (seq - t.sndUna), b, off + header, len);
        }
        checksum(t.localIp, t.remoteIp);
        if (!ip.send(h, t.localIp, t.remoteIp, Ipv4Packet.PROTOCOL_TCP, header + len, t.typeOfService, true)) {
            return -1;
        }
        if (ack) {
            t.lastAckSent = t.rcvNxt;
            t.ackNow = false;
            t.unackedSegments = 0;
            layer.cancelDelayedAck(t);
        }
        t.lastSendAt = now;
        counters.increment(Counter.TCP_TX_SEGMENTS);
        counters.add(Counter.TCP_BYTES_SENT, len);
        return len;
    }

    /**
     * The TCP checksum, or only its pseudo-header part when the device completes it on transmit
     * (the in-stack loopback: its frames never leave the process, as Linux's loopback marks
     * its packets CHECKSUM_PARTIAL and skips the sum on both sides).
     */
    private void checksum(int source, int destination) {
        if (ip.txChecksumOffload()) {
            seg.offloadChecksum(source, destination);
        } else {
            seg.computeChecksum(source, destination);
        }
    }

    /** Sends a SYN (active open, or its retransmission). */
    void sendSyn(Tcb t, long now) {
        t.rcvWindowShift = windowShift;
        if (t.retries == 0) {
            t.rttTiming = true;
            t.rttSentAt = now;
        }
        emit(t, t.iss, 0, TcpSegment.SYN, now);
    }

    /** Sends SYN,ACK (passive open or simultaneous open, or its retransmission). */
    void sendSynAck(Tcb t, long now) {
        if (!t.windowScaling) {
            t.rcvWindowShift = 0;
        } else {
            t.rcvWindowShift = windowShift;
        }
        if (t.retries == 0) {
            t.rttTiming = true;
            t.rttSentAt = now;
        }
        emit(t, t.iss, 0, TcpSegment.SYN | TcpSegment.ACK, now);
    }

    /**
     * Sends a pure ACK (<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>), with SND.MAX for SND.NXT as BSD
     * does: after a timeout pulled SND.NXT back, SND.NXT may lie below the peer's RCV.NXT, and
     * the peer drops such an ACK as unacceptable (RFC 9293 3.10.7.4) without looking at its
     * acknowledgement; two ends both in that state would never learn what the other received.
     */
    void sendAck(Tcb t, long now) {
        emit(t, t.sndMax, 0, TcpSegment.ACK, now);
    }

    /** ACK for an unacceptable segment (RFC 9293 3.10.7.4 first step) or a PAWS failure. */
    void ackOutOfWindow(Tcb t, long now) {
        counters.increment(Counter.TCP_ACKS_FOR_UNACCEPTABLE);
        sendAck(t, now);
    }

    /** A keepalive probe: one sequence number below SND.UNA, no data (as Linux; RFC 1122 4.2.3.6). */
    void sendKeepaliveProbe(Tcb t, long now) {
        emit(t, t.sndUna - 1, 0, TcpSegment.ACK, now);
    }

    /** Aborts: <SEQ=SND.NXT><CTL=RST,ACK> (RFC 9293 3.10.5). */
    void sendReset(Tcb t, long now) {
        counters.increment(Counter.TCP_TX_RESETS);
        int flags = t.state == TcpState.SYN_SENT ? TcpSegment.RST : TcpSegment.RST | TcpSegment.ACK;
        emit(t, t.sndMax, 0, flags, now); // SND.MAX: what the peer expects (see sendAck)
    }

    /**
     * A reset for a segment that has no connection (RFC 9293 3.10.7.1): with the ACK bit,
     * <SEQ=SEG.ACK><CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
     */
    void resetFor(TcpSegment in, Ipv4Packet packet) {
        int h = ip.begin();
        if (h < 0) {
            return;
        }
        int seq;
        int ackNo;
        int flags;
        if (in.has(TcpSegment.ACK)) {
            seq = in.acknowledgmentNumber();
            ackNo = 0;
            flags = TcpSegment.RST;
        } else {
            int segLen = in.payloadLength() + (in.has(TcpSegment.SYN) ? 1 : 0) + (in.has(TcpSegment.FIN) ? 1 : 0);
            seq = 0;
            ackNo = in.sequenceNumber() + segLen;
            flags = TcpSegment.RST | TcpSegment.ACK;
        }
        int srcPort = in.destinationPort();
        int dstPort = in.sourcePort();
        int src = packet.destination();
        int dst = packet.source();
        ByteBuffer b = ip.buffer(h);
        int off = ip.payloadOffset(h);
        seg.wrap(b, off, TcpSegment.MIN_HEADER_LENGTH);
        seg.sourcePort(srcPort)
                .destinationPort(dstPort)
                .sequenceNumber(seq)
                .acknowledgmentNumber(ackNo)
                .headerLength(TcpSegment.MIN_HEADER_LENGTH)
                .flags(flags)
                .window(0)
                .checksum(0)
                .urgentPointer(0);
        checksum(src, dst);
        if (ip.send(h, src, dst, Ipv4Packet.PROTOCOL_TCP, TcpSegment.MIN_HEADER_LENGTH, 0, true)) {
            counters.increment(Counter.TCP_TX_RESETS);
        }
    }

    /**
     * A SYN-ACK whose ISS is a SYN cookie (RFC 4987 3.6): no state is kept; window scale and
     * SACK-permitted ride in the low bits of our timestamp, so they need the peer's timestamps.
     */
    void sendCookieSynAck(TcpSegment in, TcpOptions inOpts, Ipv4Packet packet, long now) {
        int h = ip.begin();
        if (h < 0) {
            return;
        }
        int local = packet.destination();
        int remote = packet.source();
        int localPort = in.destinationPort();
        int remotePort = in.sourcePort();
        int clientMss = inOpts.mss() > 0 ? inOpts.mss() : 536;
        int iss = layer.cookies.issFor(remote, remotePort, local, localPort, in.sequenceNumber(), clientMss, now);
        opts.clear();
        opts.mss(mssToAdvertise());
        if (inOpts.hasTimestamps()) {
            int ws = inOpts.windowScale();
            if (ws >= 0) {
                opts.windowScale(windowShift);
            }
            if (inOpts.sackPermitted()) {
                opts.sackPermitted(true);
            }
            int offset = layer.isn.isn(remote, remotePort, local, localPort, 0);
            int tsval = SynCookies.encodeTimestamp((int) (now / 1_000_000L) + offset, ws >= 0 ? windowShift : -1,
                    inOpts.sackPermitted());
            opts.timestamps(tsval, inOpts.tsVal());
        }
        int header = TcpSegment.MIN_HEADER_LENGTH + opts.encodedLength();
        ByteBuffer b = ip.buffer(h);
        int off = ip.payloadOffset(h);
        seg.wrap(b, off, header);
        seg.sourcePort(localPort)
                .destinationPort(remotePort)
                .sequenceNumber(iss)
                .acknowledgmentNumber(in.sequenceNumber() + 1)
                .headerLength(header)
                .flags(TcpSegment.SYN | TcpSegment.ACK)
                .window(Math.min(layer.defaultRcvBuf, 65535))
                .checksum(0)
                .urgentPointer(0);
        if (header > TcpSegment.MIN_HEADER_LENGTH) {
            opts.write(b, off + TcpSegment.MIN_HEADER_LENGTH);
        }
        checksum(local, remote);
        if (ip.send(h, local, remote, Ipv4Packet.PROTOCOL_TCP, header, 0, true)) {
            counters.increment(Counter.TCP_TX_SEGMENTS);
        }
    }

    // =========================================================== send policy

    /** Sends what the connection may send now, then an ACK if one is owed and none went out. */
    void output(Tcb t, long now) {
        switch (t.state) {
            case ESTABLISHED:
            case CLOSE_WAIT:
            case FIN_WAIT_1:
            case CLOSING:
            case LAST_ACK:
                sendData(t, now);
                break;
            default:
                break;
        }
        if (t.ackNow && t.state != TcpState.CLOSED && t.state != TcpState.SYN_SENT) {
            sendAck(t, now);
        }
    }

    /** Data bytes between SND.UNA and SND.NXT (the FIN's sequence number is not data). */
    private static int dataInFlight(Tcb t) {
        int n = t.sndNxt - t.sndUna;
        if (t.finSent && SeqNum.gt(t.sndNxt, t.finSeq)) {
            n--;
        }
        return n;
    }

    private void sendData(Tcb t, long now) {
        ByteRing ring = t.sendRing;
        if (t.cc == null) {
            if (ring == null && !t.finQueued) {
                return; // nothing was ever written: no congestion state yet (an idle connection's saving)
            }
            layer.startCongestionControl(t);
        }
        // no send ring yet: the application has not written (a FIN may still be queued)
        int unsent = ring == null ? 0 : ring.readableBytes() - dataInFlight(t);
        if (t.inRecovery && t.sackPermitted && t.scoreboard != null) {
            unsent = sackRecovery(t, unsent, now);
        } else {
            int cwnd = t.cc.cwnd() + t.recoveryInflation;
            if (!t.inRecovery && t.dupAcks > 0 && t.dupAcks < SackScoreboard.DUP_THRESH) {
                cwnd += t.dupAcks * t.smss; // RFC 3042: two segments beyond cwnd on the first dupacks
            }
            int window = Math.min(t.sndWnd, cwnd);
            while (unsent > 0) {
                int inFlight = t.sndNxt - t.sndUna;
                int usable = window - inFlight;
                int len = Math.min(unsent, t.smss);
                if (usable < len) {
                    // RFC 1122 4.2.3.4 sender SWS avoidance: a window-limited partial segment only
                    // when it is at least half the largest window the peer ever offered
                    if (usable <= 0 || usable < t.maxSndWnd / 2) {
                        break;
                    }
                    len = usable;
                }
                // (not for bytes already sent once, which go again after a timeout or a path
                // MTU drop: holding their tail would stall the repair for a round trip)
                if (len < t.smss && !t.noDelay && inFlight > 0 && !(t.finQueued && len == unsent)
                        && !SeqNum.lt(t.sndNxt, t.sndMax)) {
                    break; // Nagle (RFC 896, RFC 1122 4.2.3.4): one small segment in flight at a time
                }
                int flags = TcpSegment.ACK | (len == unsent ? TcpSegment.PSH : 0);
                int n = sendNew(t, len, flags, now);
                if (n <= 0) {
                    break;
                }
                unsent -= n;
            }
        }
        if (t.finQueued && unsent == 0 && (!t.finSent || t.sndNxt == t.finSeq)) {
            sendFin(t, now);
        }
        if (unsent > 0 && t.sndNxt == t.sndUna && t.sndWnd < Math.min(unsent, t.smss)
                && (t.rtxTimer == Timers.NONE)) {
            layer.armPersist(t, now); // RFC 9293 3.8.6.1: probe the zero (or useless) window
        }
    }

    /** Sends {@code len} bytes at SND.NXT (new data, or data again after a timeout). */
    private int sendNew(Tcb t, int len, int flags, long now) {
        boolean retransmission = SeqNum.lt(t.sndNxt, t.sndMax);
        int n = emit(t, t.sndNxt, len, flags, now);
        if (n <= 0) {
            return n;
        }
        if (retransmission) {
            counters.increment(Counter.TCP_RETRANSMITS);
        } else if (!t.rttTiming) {
            t.rttTiming = true;
            t.rttSeq = t.sndNxt;
            t.rttSentAt = now;
        }
        t.sndNxt += n;
        if (SeqNum.gt(t.sndNxt, t.sndMax)) {
            t.sndMax = t.sndNxt;
        }
        if (t.rtxTimer == Timers.NONE || t.rtxKind == TcpLayer.RTX_PERSIST) {
            layer.armRetransmit(t, now);
        }
        return n;
    }

    private void sendFin(Tcb t, long now) {
        boolean first = !t.finSent;
        if (emit(t, t.sndNxt, 0, TcpSegment.FIN | TcpSegment.ACK, now) < 0) {
            return;
        }
        if (first) {
            t.finSent = true;
            t.finSeq = t.sndNxt;
            counters.increment(Counter.TCP_FINS_SENT);
            if (t.state == TcpState.ESTABLISHED) {
                layer.setState(t, TcpState.FIN_WAIT_1);
            } else if (t.state == TcpState.CLOSE_WAIT) {
                layer.setState(t, TcpState.LAST_ACK);
            }
        } else {
            counters.increment(Counter.TCP_RETRANSMITS);
        }
        t.sndNxt = t.finSeq + 1;
        if (SeqNum.gt(t.sndNxt, t.sndMax)) {
            t.sndMax = t.sndNxt;
        }
        if (t.rtxTimer == Timers.NONE || t.rtxKind == TcpLayer.RTX_PERSIST) {
            layer.armRetransmit(t, now);
        }
    }

    /**
     * RFC 6675 5, steps (C.1)-(C.5): while cwnd - pipe allows a segment, send what NextSeg
     * chooses. @return unsent bytes left
     */
    private int sackRecovery(Tcb t, int unsent, long now) {
        SackScoreboard sb = t.scoreboard;
        int cwnd = t.cc.cwnd();
        for (int guard = 0; guard < 64; guard++) {
            int pipe = sb.pipe(t.sndUna, t.sndMax, t.highRxt, t.smss);
            if (cwnd - pipe < t.smss) {
                break;
            }
            boolean newAllowed = unsent > 0 && SeqNum.lt(t.sndMax, t.sndUna + t.sndWnd);
            long r = sb.nextSeg(t.sndUna, t.sndMax, t.highRxt, t.rescueRxt, t.smss, newAllowed);
            if (r == SackScoreboard.NONE) {
                break;
            }
            int seq = (int) r;
            int len = sb.nextSegLength();
            if (sb.nextSegIsNew()) {
                len = Math.min(len, Math.min(unsent, t.sndUna + t.sndWnd - t.sndMax));
                if (len <= 0) {
                    break;
                }
                int n = sendNew(t, len, TcpSegment.ACK | (len == unsent ? TcpSegment.PSH : 0), now);
                if (n <= 0) {
                    break;
                }
                unsent -= n;
            } else {
                int n = retransmit(t, seq, len, now);
                if (n < 0) {
                    break;
                }
                if (sb.nextSegIsRescue()) {
                    t.rescueRxt = t.recoveryPoint;
                } else {
                    t.highRxt = seq + Math.max(n, 1);
                }
            }
        }
        return unsent;
    }

    /** Retransmits from {@code seq} up to {@code maxLen} bytes, with the FIN if it is reached. */
    int retransmit(Tcb t, int seq, int maxLen, long now) {
        int dataEnd = t.finSent ? t.finSeq : t.sndMax;
        int len = Math.min(maxLen, dataEnd - seq);
        int flags = TcpSegment.ACK;
        if (t.finSent && seq + Math.max(len, 0) == t.finSeq) {
            flags |= TcpSegment.FIN;
        }
        if (len < 0) {
            len = 0;
        }
        int n = emit(t, seq, len, flags, now);
        if (n >= 0) {
            counters.increment(Counter.TCP_RETRANSMITS);
            if (t.rtxTimer == Timers.NONE) {
                layer.armRetransmit(t, now);
            }
        }
        return n;
    }

    /** Fast retransmit: the first unacknowledged segment (RFC 5681 3.2 step 4, RFC 6675 (4.3)). */
    void retransmitFirst(Tcb t, long now) {
        int n = retransmit(t, t.sndUna, t.smss, now);
        if (n >= 0 && t.sackPermitted) {
            t.highRxt = t.sndUna + Math.max(n, 1);
            t.rescueRxt = t.sndUna - 1;
        }
    }

    // =========================================================== timeouts

    /** The retransmission timer fired (RFC 6298 5.4-5.7; SYN and SYN-ACK retransmission). */
    void retransmitTimeout(Tcb t, long now) {
        switch (t.state) {
            case SYN_SENT:
                if (++t.retries > layer.synRetries) {
                    layer.fail(t, SocketError.TIMED_OUT, "no answer to " + layer.synRetries + " SYN retransmissions");
                    return;
                }
                counters.increment(Counter.TCP_SYN_RETRANSMITS);
                t.rtt.backoff();
                t.rttTiming = false;
                sendSyn(t, now);
                layer.armRetransmit(t, now);
                return;
            case SYN_RECEIVED:
                if (++t.retries > layer.synRetries) {
                    t.orphan = true;
                    layer.destroy(t);
                    return;
                }
                counters.increment(Counter.TCP_SYN_RETRANSMITS);
                t.rtt.backoff();
                t.rttTiming = false;
                sendSynAck(t, now);
                layer.armRetransmit(t, now);
                return;
            default:
                break;
        }
        if (t.sndUna == t.sndMax) {
            return; // nothing outstanding
        }
        if (++t.retries > layer.retries) {
            layer.fail(t, SocketError.TIMED_OUT, "no acknowledgement after " + layer.retries + " retransmissions");
            return;
        }
        counters.increment(Counter.TCP_RTO_TIMEOUTS);
        if (t.cc != null) {
            t.cc.onRetransmitTimeout(t.flightSize(), now);
        }
        t.inRecovery = false;
        t.recoveryInflation = 0;
        t.dupAcks = 0;
        // RFC 6582 3.2 step 1 after a timeout: recover = highest sequence sent
        t.recoveryValid = true;
        t.recoveryPoint = t.sndMax;
        if (t.scoreboard != null) {
            t.scoreboard.reset(t.sndUna); // RFC 2018 8 / RFC 6675 5.1: forget SACK state
        }
        t.rtt.backoff(); // RFC 6298 5.5
        t.rttTiming = false; // Karn: no sample from retransmitted data
        // go back to SND.UNA; the ACK clock resends the rest in slow start
        t.sndNxt = t.sndUna;
        int n = retransmit(t, t.sndUna, t.smss, now);
        if (n >= 0) {
            t.sndNxt = t.sndUna + n + (t.finSent && t.sndUna + n == t.finSeq ? 1 : 0);
        }
        layer.armRetransmit(t, now); // RFC 6298 5.6
    }

    /** The persist timer fired: probe the window (RFC 9293 3.8.6.1), backing off. */
    void persistTimeout(Tcb t, long now) {
        ByteRing ring = t.sendRing;
        int unsent = ring == null ? 0 : ring.readableBytes() - dataInFlight(t);
        if (unsent <= 0 || t.sndWnd >= Math.min(unsent, t.smss)) {
            t.retries = 0;
            layer.scheduleOutput(t);
            return;
        }
        if (++t.retries > layer.retries) {
            layer.fail(t, SocketError.TIMED_OUT, "the peer's window stayed closed");
            return;
        }
        counters.increment(Counter.TCP_WINDOW_PROBES);
        emit(t, t.sndUna - 1, 0, TcpSegment.ACK, now);
        t.rtt.backoff();
        layer.armPersist(t, now);
    }

    /** ICMP "fragmentation needed" (RFC 1191): lower the MSS and resend what is in flight. */
    void pathMtu(Tcb t, int nextHopMtu, long now) {
        if (nextHopMtu < 68) {
            return;
        }
        int mss = nextHopMtu - IP_TCP_HEADERS - (t.timestamps ? 12 : 0);
        if (mss >= t.smss || mss < 64) {
            return;
        }
        counters.increment(Counter.TCP_PMTU_UPDATES);
        t.smss = mss;
        if (t.cc != null) {
            t.cc.smss(mss);
        }
        // resend from SND.UNA at the new size, without a congestion response (not a loss)
        t.sndNxt = t.sndUna;
        t.rttTiming = false;
        if (t.finSent && SeqNum.le(t.sndUna, t.finSeq)) {
            // the FIN goes again after the data
            t.sndNxt = t.sndUna;
        }
        layer.scheduleOutput(t);
    }
}
