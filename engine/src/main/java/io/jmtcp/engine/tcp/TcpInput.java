package io.jmtcp.engine.tcp;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.SocketError;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.SeqNum;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;

/**
 * Segment arrival, step by step as RFC 9293 section 3.10.7 orders it: CLOSED (3.10.7.1),
 * LISTEN (3.10.7.2), SYN-SENT (3.10.7.3) and the other states (3.10.7.4), with the hardening
 * of RFC 5961 (RST, SYN and ACK validation), PAWS (RFC 7323 5), SACK (RFC 2018, RFC 6675) and
 * loss detection (RFC 5681 3.2, RFC 6582, RFC 3042).
 *
 * <p>Owned by the engine thread.
 */
final class TcpInput {

    /** RFC 7323 5.5: a TS.Recent older than 24 days is not trusted for PAWS. */
    private static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    private final TcpLayer layer;
    private final TcpOutput out;
    private final Counters counters;

    TcpInput(TcpLayer layer) {
        this.layer = layer;
        this.out = layer.output;
        this.counters = layer.counters;
    }

    // =========================================================== 3.10.7.1 CLOSED

    /**
     * No TCB and no listener: answer with RST unless the segment is one (RFC 9293 3.10.7.1) —
     * or, with an exception path, hand it to the host's stack: the port may be one of its own
     * sockets (a connection it opened from its ephemeral range, a server jmtcp does not run),
     * and if not, the host answers with the RST itself.
     */
    void closed(TcpSegment seg, Ipv4Packet ip, long now) {
        io.jmtcp.engine.ip.ExceptionPath exception = layer.ip.exceptionPath();
        if (exception.enabled()) {
            exception.handIp(Counter.EXCEPTION_TCP_NO_SOCKET, ip);
            return;
        }
        counters.increment(Counter.RX_DROP_TCP_NO_SOCKET);
        if (seg.has(TcpSegment.RST)) {
            return;
        }
        out.resetFor(seg, ip);
    }

    // =========================================================== 3.10.7.2 LISTEN

    void listen(Listener l, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now) {
        listen(l, seg, opts, ip, now, false, 0);
    }

    /**
     * LISTEN; when the SYN replaces a connection in TIME-WAIT ({@code afterTimeWait}), the ISS is
     * at least {@code issFloor} ({@link TimeWait#issFloor}). A SYN answered with a cookie (full
     * backlog) keeps the cookie's ISS: the cookie is the ISS.
     */
    private void listen(Listener l, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now,
            boolean afterTimeWait, int issFloor) {
        int flags = seg.flags();
        // first: check for an RST
        if ((flags & TcpSegment.RST) != 0) {
            return;
        }
        // second: check for an ACK — possibly the last step of a SYN-cookie handshake (RFC 4987 3.6)
        if ((flags & TcpSegment.ACK) != 0) {
            if ((flags & TcpSegment.SYN) == 0 && layer.synCookiesEnabled && cookieAck(l, seg, opts, ip, now)) {
                return;
            }
            counters.increment(Counter.RX_DROP_TCP_NO_SOCKET);
            out.resetFor(seg, ip);
            return;
        }
        // third: check for a SYN
        if ((flags & TcpSegment.SYN) == 0) {
            counters.increment(Counter.RX_DROP_TCP_LISTEN_NO_SYN);
            return;
        }
        if ((flags & TcpSegment.FIN) != 0) {
            counters.increment(Counter.RX_DROP_TCP_BAD_FLAGS); // SYN+FIN: never legitimate
            return;
        }
        if (l.socket.acceptQueueFull()) {
            // as Linux: with a full accept queue the SYN is dropped; the client retries
            counters.increment(Counter.RX_DROP_TCP_ACCEPT_QUEUE_FULL);
            return;
        }
        if (l.halfOpen >= l.synBacklog) {
            if (!layer.synCookiesEnabled) {
                counters.increment(Counter.RX_DROP_TCP_SYN_BACKLOG_FULL);
                return;
            }
            counters.increment(Counter.TCP_SYN_COOKIES_SENT);
            out.sendCookieSynAck(seg, opts, ip, now);
            return;
        }
        int local = ip.destination();
        int remote = ip.source();
        Tcb t = layer.newTcb(local, seg.destinationPort(), remote, seg.sourcePort());
        t.listener = l;
        l.halfOpen++;
        TcpSocket child = new TcpSocket();
        child.link(layer);
        child.engineState(t);
        child.addresses(local, t.localPort, remote, t.remotePort);
        t.socket = child;
        copyListenerOptions(l.socket, child);
        layer.applyOptions(t);
        t.irs = seg.sequenceNumber();
        t.rcvNxt = t.irs + 1;
        t.iss = layer.isn.isn(local, t.localPort, remote, t.remotePort, now);
        if (afterTimeWait) {
            t.iss = TimeWait.iss(t.iss, issFloor);
        }
        t.sndUna = t.iss;
        t.sndNxt = t.iss;
        t.sndMax = t.iss;
        t.receiveCapacity = layer.receiveBufferSize(t);
        negotiate(t, opts, seg, now, true);
        t.sndWnd = seg.window(); // RFC 7323 2.2: the window in a SYN is never scaled
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = t.irs;
        t.sndWl2 = t.iss;
        layer.setState(t, TcpState.SYN_RECEIVED);
        counters.increment(Counter.TCP_PASSIVE_OPENS);
        out.sendSynAck(t, now);
        t.sndNxt = t.iss + 1;
        t.sndMax = t.sndNxt;
        layer.armRetransmit(t, now);
    }

    private static void copyListenerOptions(TcpSocket from, TcpSocket to) {
        // options set on a listening socket are inherited by accepted sockets, as on Linux
        to.receiveBufferSize(from.receiveBufferSize());
        to.sendBufferSize(from.sendBufferSize());
        to.lingerSeconds(from.lingerSeconds());
        if (from.noDelay()) {
            to.noDelay(true);
        }
        if (from.keepAlive()) {
            to.keepAlive(true);
        }
        to.takeRequests();
    }

    /** The final ACK of a handshake whose SYN-ACK carried a cookie: rebuild the TCB (RFC 4987 3.6). */
    private boolean cookieAck(Listener l, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now) {
        int clientIsn = seg.sequenceNumber() - 1;
        int iss = seg.acknowledgmentNumber() - 1;
        int mss = layer.cookies.check(ip.source(), seg.sourcePort(), ip.destination(), seg.destinationPort(),
                clientIsn, iss, now);
        if (mss < 0) {
            counters.increment(Counter.RX_DROP_TCP_SYN_COOKIE_BAD);
            return false;
        }
        if (l.socket.acceptQueueFull()) {
            counters.increment(Counter.RX_DROP_TCP_ACCEPT_QUEUE_FULL);
            return true;
        }
        counters.increment(Counter.TCP_SYN_COOKIES_OK);
        int local = ip.destination();
        int remote = ip.source();
        Tcb t = layer.newTcb(local, seg.destinationPort(), remote, seg.sourcePort());
        TcpSocket child = new TcpSocket();
        child.link(layer);
        child.engineState(t);
        child.addresses(local, t.localPort, remote, t.remotePort);
        t.socket = child;
        copyListenerOptions(l.socket, child);
        layer.applyOptions(t);
        t.irs = clientIsn;
        t.rcvNxt = clientIsn + 1;
        t.iss = iss;
        t.sndUna = iss + 1;
        t.sndNxt = iss + 1;
        t.sndMax = iss + 1;
        t.receiveCapacity = layer.receiveBufferSize(t);
        t.peerMss = mss;
        // window scale and SACK came back in the echoed timestamp (Linux's cookie_init_timestamp)
        if (opts.hasTimestamps()) {
            int ws = SynCookies.decodeWindowScale(opts.tsEcr());
            t.timestamps = true;
            t.tsRecent = opts.tsVal();
            t.tsRecentAt = now;
            t.sackPermitted = SynCookies.decodeSackPermitted(opts.tsEcr());
            if (ws >= 0) {
                t.windowScaling = true;
                t.sndWindowShift = ws;
                t.rcvWindowShift = out.windowShiftFor(t.receiveCapacity);
            }
        }
        t.rcvMss = out.mssToAdvertise();
        out.initSendMss(t);
        t.sndWnd = seg.window() << t.sndWindowShift;
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = seg.sequenceNumber();
        t.sndWl2 = seg.acknowledgmentNumber();
        t.rcvAdvertisedEdge = t.rcvNxt + out.receiveWindow(t);
        // the cookie SYN-ACK acknowledged RCV.NXT: RFC 7323 4.3 updates TS.Recent against it
        t.lastAckSent = t.rcvNxt;
        t.listener = l;
        counters.increment(Counter.TCP_PASSIVE_OPENS);
        if (!establish(t, now)) {
            return true;
        }
        // the ACK may carry data already
        processText(t, seg, ip, now);
        return true;
    }

    // =========================================================== 3.10.7.3 SYN-SENT and 3.10.7.4

    void segmentArrives(Tcb t, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now) {
        t.lastReceiveAt = now;
        t.keepaliveProbes = 0;
        switch (t.state) {
            case SYN_SENT:
                synSent(t, seg, opts, ip, now);
                return;
            case TIME_WAIT:
                if ((seg.flags() & (TcpSegment.SYN | TcpSegment.ACK | TcpSegment.RST | TcpSegment.FIN))
                        == TcpSegment.SYN) {
                    // RFC 9293 3.10.7.4 fourth step note and RFC 6191: a new SYN for a connection in
                    // TIME-WAIT may start a new incarnation when its timestamp (or sequence) is newer
                    Listener l = layer.listenerFor(t.localIp, t.localPort);
                    if (l != null && TimeWait.passiveReopenAllowed(t, seg, opts)) {
                        counters.increment(Counter.TCP_TIME_WAIT_REUSED);
                        int issFloor = TimeWait.issFloor(t);
                        layer.destroy(t);
                        listen(l, seg, opts, ip, now, true, issFloor);
                        return;
                    }
                }
                // not a new incarnation: PAWS, the sequence test or RFC 5961 4.2 answer it with an
                // ACK (RFC 9293 3.10.7.4 rather than RFC 6191's silent drop, as Linux does: a
                // client whose SYN is refused learns from that ACK, resets the TIME-WAIT with
                // <SEQ=SEG.ACK><CTL=RST> and retries)
                otherStates(t, seg, opts, ip, now);
                return;
            default:
                otherStates(t, seg, opts, ip, now);
        }
    }

    private void synSent(Tcb t, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now) {
        int flags = seg.flags();
        boolean ack = (flags & TcpSegment.ACK) != 0;
        int segAck = seg.acknowledgmentNumber();
        // first: check the ACK bit — it must acknowledge our SYN and nothing beyond
        if (ack && (SeqNum.le(segAck, t.iss) || SeqNum.gt(segAck, t.sndMax))) {
            if ((flags & TcpSegment.RST) == 0) {
                out.resetFor(seg, ip);
            }
            counters.increment(Counter.RX_DROP_TCP_BAD_ACK);
            return;
        }
        // second: check the RST bit (RFC 5961 3.2 keeps the acceptable-ACK rule here)
        if ((flags & TcpSegment.RST) != 0) {
            if (ack) {
                counters.increment(Counter.TCP_RX_RESETS);
                layer.fail(t, SocketError.CONNECTION_REFUSED, null);
            }
            return;
        }
        // fourth: check the SYN bit
        if ((flags & TcpSegment.SYN) == 0) {
            counters.increment(Counter.RX_DROP_TCP_BAD_FLAGS);
            return;
        }
        t.irs = seg.sequenceNumber();
        t.rcvNxt = t.irs + 1;
        negotiate(t, opts, seg, now, false);
        t.rcvAdvertisedEdge = t.rcvNxt + out.receiveWindow(t);
        if (ack) {
            t.sndUna = segAck;
            rttSampleForSyn(t, now);
        }
        if (SeqNum.gt(t.sndUna, t.iss)) {
            // our SYN is acknowledged: ESTABLISHED (RFC 7323 2.2: a SYN's window is never scaled)
            t.sndWnd = seg.window();
            t.maxSndWnd = t.sndWnd;
            t.sndWl1 = seg.sequenceNumber();
            t.sndWl2 = segAck;
            layer.cancelRetransmit(t);
            if (!establish(t, now)) {
                return;
            }
            t.ackNow = true;
            layer.scheduleOutput(t);
            if (seg.payloadLength() > 0 || seg.has(TcpSegment.FIN)) {
                // RFC 9293: continue with the sixth step (data and FIN in the SYN-ACK)
                processText(t, seg, ip, now);
            }
            return;
        }
        // simultaneous open (RFC 9293 3.5, figure 8): SYN-RECEIVED, answer with SYN,ACK
        t.sndWnd = seg.window();
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = seg.sequenceNumber();
        t.sndWl2 = t.iss;
        layer.setState(t, TcpState.SYN_RECEIVED);
        out.sendSynAck(t, now);
        layer.armRetransmit(t, now);
    }

    private void rttSampleForSyn(Tcb t, long now) {
        // Karn (RFC 6298 3): only a SYN sent once gives a sample
        if (t.retries == 0 && t.rttTiming) {
            t.rtt.sample(now - t.rttSentAt);
        }
        t.rttTiming = false;
        t.retries = 0;
    }

    /** Options of a SYN or SYN-ACK (RFC 9293 3.7.1, RFC 7323 2 and 3, RFC 2018 2). */
    private void negotiate(Tcb t, TcpOptions opts, TcpSegment seg, long now, boolean passive) {
        t.peerMss = opts.mss() > 0 ? opts.mss() : 536; // RFC 9293 3.7.1: 536 when absent
        if (opts.windowScale() >= 0) {
            t.windowScaling = true;
            t.sndWindowShift = Math.min(opts.windowScale(), 14); // RFC 7323 2.3
            if (passive) {
                t.rcvWindowShift = out.windowShiftFor(t.receiveCapacity);
            }
        } else {
            t.windowScaling = false;
            t.sndWindowShift = 0;
            t.rcvWindowShift = 0;
        }
        t.sackPermitted = opts.sackPermitted();
        if (opts.hasTimestamps()) {
            t.timestamps = true;
            t.tsRecent = opts.tsVal();
            t.tsRecentAt = now;
        } else {
            t.timestamps = false;
        }
        t.rcvMss = out.mssToAdvertise();
        out.initSendMss(t);
    }

    /**
     * The connection became ESTABLISHED: the application is told. No ring is made yet, nor the
     * congestion control state (an idle connection holds neither): the receive ring comes with
     * the first payload byte, the send ring with the application's first write, from the slab
     * published here, and congestion control with the first data to send.
     */
    private boolean establish(Tcb t, long now) {
        t.socket.ringMemory(layer.slab, layer.defaultSndBuf(t));
        layer.setState(t, TcpState.ESTABLISHED);
        t.quickAcks = 16; // Linux's quick-ACK mode at connection start (TCP_MAX_QUICKACKS)
        t.retries = 0;
        t.socket.clearState(TcpSocket.CONNECTING);
        t.socket.setState(TcpSocket.CONNECTED);
        t.socket.advertised(out.receiveWindow(t), TcpOutput.windowUpdateStep(t));
        layer.armKeepalive(t, now);
        if (t.listener != null) {
            Listener l = t.listener;
            t.listener = null;
            if (!l.socket.offerAccepted(t.socket)) {
                counters.increment(Counter.RX_DROP_TCP_ACCEPT_QUEUE_FULL);
                out.sendReset(t, now);
                t.orphan = true;
                layer.destroy(t);
                return false;
            }
            layer.listenerEvent(l);
        } else {
            layer.markEvent(t);
        }
        if (t.finQueued) {
            layer.scheduleOutput(t);
        }
        return true;
    }

    // =========================================================== 3.10.7.4 other states

    private void otherStates(Tcb t, TcpSegment seg, TcpOptions opts, Ipv4Packet ip, long now) {
        int flags = seg.flags();
        int seq = seg.sequenceNumber();
        int payload = seg.payloadLength();
        int segLen = payload + ((flags & TcpSegment.SYN) != 0 ? 1 : 0) + ((flags & TcpSegment.FIN) != 0 ? 1 : 0);

        // RFC 7323 5.3 PAWS, before the sequence check: an old timestamp means an old duplicate
        if (t.timestamps && opts.hasTimestamps() && (flags & TcpSegment.RST) == 0
                && SeqNum.lt(opts.tsVal(), t.tsRecent) && now - t.tsRecentAt < PAWS_IDLE_NANOS) {
            counters.increment(Counter.RX_DROP_TCP_PAWS);
            out.ackOutOfWindow(t, now);
            return;
        }

        // A retransmitted SYN of the same passive open sits just left of the window (SEG.SEQ = IRS,
        // RCV.NXT = IRS + 1): answer with the SYN-ACK again, as Linux's tcp_check_req does,
        // instead of the ACK the sequence test would send
        if (t.state == TcpState.SYN_RECEIVED && t.listener != null && seq == t.irs
                && (flags & (TcpSegment.SYN | TcpSegment.ACK | TcpSegment.RST | TcpSegment.FIN)) == TcpSegment.SYN) {
            counters.increment(Counter.TCP_SYN_RETRANSMITS_RECEIVED);
            out.sendSynAck(t, now);
            t.rttTiming = false; // Karn: the SYN-ACK went twice
            return;
        }

        // Simultaneous open (RFC 9293 figure 8, line 6): in SYN-RECEIVED after our own SYN, the
        // peer's SYN-ACK repeats its SYN (SEG.SEQ = IRS) and acknowledges ours. It passes the
        // sequence and SYN checks (as in Linux's tcp_validate_incoming) so its ACK completes the
        // handshake in the fifth step.
        boolean simultaneousSynAck = t.state == TcpState.SYN_RECEIVED && t.listener == null && seq == t.irs
                && (flags & (TcpSegment.SYN | TcpSegment.ACK | TcpSegment.RST)) == (TcpSegment.SYN | TcpSegment.ACK);

        // first: check the sequence number (RFC 9293 3.10.7.4, the four acceptability cases)
        int wnd = out.currentReceiveWindow(t);
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? seq == t.rcvNxt : SeqNum.between(t.rcvNxt, seq, t.rcvNxt + wnd);
        } else if (wnd == 0) {
            // RFC 9293: no data is acceptable in a zero window, but the ACK, RST and URG of a
            // segment at RCV.NXT (a zero-window probe) are processed
            acceptable = seq == t.rcvNxt;
        } else {
            acceptable = SeqNum.between(t.rcvNxt, seq, t.rcvNxt + wnd)
                    || SeqNum.between(t.rcvNxt, seq + segLen - 1, t.rcvNxt + wnd);
        }
        // A segment ending exactly at RCV.NXT repeats the last one we took, typically a FIN
        // retransmitted during the peer's recovery: the RFC test refuses it, yet its
        // acknowledgement may be the only one the peer sends (as Linux, which accepts segments
        // ending at or after RCV.WUP, process it; its text is trimmed away below)
        acceptable |= (flags & TcpSegment.RST) == 0 && segLen > 0 && seq + segLen == t.rcvNxt;
        if (!acceptable && !simultaneousSynAck) {
            if ((flags & TcpSegment.RST) == 0) {
                counters.increment(Counter.RX_DROP_TCP_OUT_OF_WINDOW);
                out.ackOutOfWindow(t, now);
                if (t.state == TcpState.TIME_WAIT && (flags & TcpSegment.FIN) != 0) {
                    layer.armLong(t, TcpLayer.LONG_TIME_WAIT, now + layer.timeWaitNanos);
                }
            } else {
                counters.increment(Counter.RX_DROP_TCP_RST_OUT_OF_WINDOW);
            }
            return;
        }

        // second: check the RST bit (RFC 5961 3.2: only an exact match resets)
        if ((flags & TcpSegment.RST) != 0) {
            if (seq != t.rcvNxt) {
                if (layer.challengeAckAllowed(now)) {
                    out.sendAck(t, now); // challenge ACK
                }
                return;
            }
            counters.increment(Counter.TCP_RX_RESETS);
            switch (t.state) {
                case SYN_RECEIVED:
                    if (t.listener != null) {
                        t.orphan = true; // passive open: back to LISTEN, i.e. just forget it
                        layer.destroy(t);
                    } else {
                        layer.fail(t, SocketError.CONNECTION_REFUSED, null);
                    }
                    return;
                case CLOSING:
                case LAST_ACK:
                case TIME_WAIT:
                    layer.destroy(t);
                    return;
                default:
                    layer.fail(t, SocketError.CONNECTION_RESET, null);
                    return;
            }
        }

        // fourth: check the SYN bit (RFC 5961 4.2: any SYN here gets a challenge ACK)
        if ((flags & TcpSegment.SYN) != 0 && !simultaneousSynAck) {
            if (layer.challengeAckAllowed(now)) {
                out.sendAck(t, now);
            }
            return;
        }

        // fifth: check the ACK field
        if ((flags & TcpSegment.ACK) == 0) {
            counters.increment(Counter.RX_DROP_TCP_NO_ACK);
            return;
        }
        int ack = seg.acknowledgmentNumber();
        // RFC 9293 3.10.7.4 fifth step, SYN-RECEIVED: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>
        // (RFC 5961 5.2 below is for synchronized states)
        if (t.state == TcpState.SYN_RECEIVED && !SeqNum.between(t.sndUna + 1, ack, t.sndMax + 1)) {
            counters.increment(Counter.RX_DROP_TCP_BAD_ACK);
            out.resetFor(seg, ip);
            return;
        }
        // RFC 5961 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT, else ACK and drop
        if (SeqNum.gt(ack, t.sndMax) || SeqNum.lt(ack, t.sndUna - Math.max(t.maxSndWnd, 1))) {
            counters.increment(Counter.RX_DROP_TCP_BAD_ACK);
            if (layer.challengeAckAllowed(now)) {
                out.sendAck(t, now);
            }
            return;
        }
        // RFC 7323 4.3: remember the timestamp of the segment that (re)starts our window
        if (t.timestamps && opts.hasTimestamps() && SeqNum.le(seq, t.lastAckSent)) {
            t.tsRecent = opts.tsVal();
            t.tsRecentAt = now;
        }
        if (t.state == TcpState.SYN_RECEIVED) {
            // RFC 7323 2.2: the window of a segment with SYN is never scaled
            t.sndWnd = (flags & TcpSegment.SYN) != 0 ? seg.window() : seg.window() << t.sndWindowShift;
            t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
            t.sndWl1 = seq;
            t.sndWl2 = ack;
            rttSampleForSyn(t, now);
            t.sndUna = ack;
            layer.cancelRetransmit(t);
            if (!establish(t, now)) {
                return;
            }
        } else {
            if (!processAck(t, seg, opts, ack, now)) {
                return;
            }
        }
        switch (t.state) {
            case FIN_WAIT_1:
                if (finAcked(t)) {
                    layer.setState(t, TcpState.FIN_WAIT_2);
                    if (t.orphan) {
                        layer.armLong(t, TcpLayer.LONG_FIN_WAIT_2, now + layer.finTimeoutNanos);
                    }
                }
                break;
            case CLOSING:
                if (finAcked(t)) {
                    layer.enterTimeWait(t, now);
                }
                return;
            case LAST_ACK:
                if (finAcked(t)) {
                    layer.destroy(t);
                }
                return;
            case TIME_WAIT:
                if ((flags & TcpSegment.FIN) != 0) {
                    // a retransmitted FIN: acknowledge it and restart the 2 MSL timeout
                    out.sendAck(t, now);
                    layer.armLong(t, TcpLayer.LONG_TIME_WAIT, now + layer.timeWaitNanos);
                }
                return;
            default:
                break;
        }

        // sixth: the URG bit is ignored; urgent data stays in line (RFC 6093 5)
        // seventh and eighth: segment text and FIN
        processText(t, seg, ip, now);
    }

    private static boolean finAcked(Tcb t) {
        return t.finSent && SeqNum.gt(t.sndUna, t.finSeq);
    }

    /**
     * The fifth step for synchronized states: acknowledgement, send window update, loss
     * detection and recovery. @return false if the segment is to be dropped
     */
    private boolean processAck(Tcb t, TcpSegment seg, TcpOptions opts, int ack, long now) {
        int seq = seg.sequenceNumber();
        int window = seg.window() << t.sndWindowShift;
        boolean newlySacked = false;
        if (t.sackPermitted && opts.sackBlockCount() > 0) {
            counters.add(Counter.TCP_SACK_BLOCKS_RECEIVED, opts.sackBlockCount());
            if (t.scoreboard == null) {
                t.scoreboard = new SackScoreboard(32);
                t.scoreboard.reset(t.sndUna);
            }
            t.scoreboard.onAck(t.sndUna, t.sndMax, opts);
            newlySacked = t.scoreboard.newlySackedBytes() > 0;
        }
        if (SeqNum.gt(ack, t.sndUna)) {
            int acked = ack - t.sndUna;
            int flightBefore = t.flightSize();
            newlyAcked(t, ack, acked, now);
            if (t.scoreboard != null) {
                t.scoreboard.onAck(t.sndUna, t.sndMax, opts);
            }
            if (t.inRecovery) {
                recoveryAck(t, acked, now);
            } else if (t.cc != null) {
                t.cc.onAck(acked, flightBefore, t.rtt.srtt(), now);
            }
            t.dupAcks = 0;
        } else if (ack == t.sndUna) {
            // RFC 5681 2: a duplicate ACK carries no data, no SYN/FIN, the same window, and
            // arrives while data is outstanding
            // RFC 6675 2: with SACK, an ACK that SACKs new data is a duplicate too, whatever
            // data it carries or window it advertises: with data flowing both ways nearly every
            // ACK rides on data, and loss would otherwise be found only by the RTO
            boolean duplicate = (seg.payloadLength() == 0 && !seg.has(TcpSegment.FIN) && window == t.sndWnd
                    || newlySacked) && t.flightSize() > 0;
            if (duplicate) {
                duplicateAck(t, now);
            }
        }
        // RFC 9293 3.10.7.4 fifth step: update the send window from the newest segment
        if (SeqNum.lt(t.sndWl1, seq) || (t.sndWl1 == seq && SeqNum.le(t.sndWl2, ack))) {
            boolean opened = window > t.sndWnd;
            t.sndWnd = window;
            t.sndWl1 = seq;
            t.sndWl2 = ack;
            if (window > t.maxSndWnd) {
                t.maxSndWnd = window;
            }
            if (opened) {
                if (t.rtxKind == TcpLayer.RTX_PERSIST && window > 0) {
                    layer.cancelRetransmit(t);
                    t.retries = 0;
                    t.rtt.resetBackoff();
                }
                layer.scheduleOutput(t);
            }
        }
        return true;
    }

    /** SND.UNA advances: free the acknowledged bytes, take an RTT sample, manage the timer. */
    private void newlyAcked(Tcb t, int ack, int acked, long now) {
        int dataAcked = acked;
        if (t.finSent && SeqNum.gt(ack, t.finSeq)) {
            dataAcked--; // the FIN's sequence number carries no data
        }
        if (dataAcked > 0 && t.sendRing != null) {
            t.sendRing.consume(dataAcked);
        }
        // RFC 6298 3 (Karn): time only segments not retransmitted
        if (t.rttTiming && SeqNum.gt(ack, t.rttSeq)) {
            t.rtt.sample(now - t.rttSentAt);
            t.rttTiming = false;
        }
        t.sndUna = ack;
        if (SeqNum.lt(t.sndNxt, ack)) {
            t.sndNxt = ack; // after a timeout rewound SND.NXT
        }
        t.retries = 0;
        t.rtt.resetBackoff();
        // RFC 6298 5.2 and 5.3: stop the timer when all is acknowledged, else restart it
        if (t.sndUna == t.sndMax) {
            if (t.rtxKind == TcpLayer.RTX_RETRANSMIT) {
                layer.cancelRetransmit(t);
            }
        } else {
            layer.armRetransmit(t, now);
        }
        counters.add(Counter.TCP_BYTES_ACKED, acked);
        if (t.sendRing == null || t.socket == null || t.socket.writeSpaceReturned(t.sendRing)) {
            // room in the send ring for a writer that waits for it; others are not woken per ACK
            layer.markEvent(t);
        }
        layer.scheduleOutput(t);
    }

    private void duplicateAck(Tcb t, long now) {
        t.dupAcks++;
        counters.increment(Counter.TCP_DUP_ACKS);
        if (t.inRecovery) {
            if (!t.sackPermitted) {
                t.recoveryInflation += t.smss; // RFC 6582 3.2 step 3 (window inflation)
            }
            layer.scheduleOutput(t);
            return;
        }
        boolean lossDetected = t.dupAcks >= SackScoreboard.DUP_THRESH
                || (t.scoreboard != null && t.scoreboard.isLost(t.sndUna, t.smss));
        if (lossDetected) {
            // RFC 6582 3.2 step 2 / RFC 6675 5 step 4: only once per window of data
            if (!t.sackPermitted && t.recoveryValid && SeqNum.le(t.sndUna - 1, t.recoveryPoint)) {
                return;
            }
            enterRecovery(t, now);
        } else if (t.dupAcks < SackScoreboard.DUP_THRESH) {
            layer.scheduleOutput(t); // RFC 3042 limited transmit
        }
    }

    private void enterRecovery(Tcb t, long now) {
        counters.increment(Counter.TCP_FAST_RETRANSMITS);
        t.inRecovery = true;
        t.recoveryValid = true;
        t.recoveryPoint = t.sndMax;
        t.highRxt = t.sndUna;
        t.rescueRxt = t.sndUna - 1;
        if (t.cc != null) {
            t.cc.onCongestionEvent(t.flightSize(), now);
        }
        t.rttTiming = false;
        if (t.sackPermitted) {
            if (t.scoreboard == null) {
                t.scoreboard = new SackScoreboard(32);
                t.scoreboard.reset(t.sndUna);
            }
        } else {
            // RFC 6582 3.2 step 2: retransmit the first unacknowledged segment, cwnd = ssthresh + 3 SMSS
            t.recoveryInflation = 3 * t.smss;
        }
        out.retransmitFirst(t, now);
        layer.armRetransmit(t, now);
        layer.scheduleOutput(t);
    }

    private void recoveryAck(Tcb t, int acked, long now) {
        if (SeqNum.ge(t.sndUna, t.recoveryPoint)) {
            // full acknowledgement: leave recovery (RFC 6582 3.2 step 5, RFC 6675 5 step 5 end)
            t.inRecovery = false;
            t.recoveryInflation = 0;
            if (t.cc != null) {
                t.cc.onRecoveryExit(now);
            }
            return;
        }
        if (!t.sackPermitted) {
            // RFC 6582 3.2 step 4, partial ACK: retransmit the next hole, deflate by what was acknowledged
            out.retransmitFirst(t, now);
            t.recoveryInflation = Math.max(0, t.recoveryInflation - acked) + (acked >= t.smss ? t.smss : 0);
        }
        layer.scheduleOutput(t);
    }

    /** Seventh and eighth steps: deliver the text, then process a FIN (RFC 9293 3.10.7.4). */
    private void processText(Tcb t, TcpSegment seg, Ipv4Packet ip, long now) {
        int seq = seg.sequenceNumber();
        int len = seg.payloadLength();
        int off = seg.payloadOffset();
        boolean fin = seg.has(TcpSegment.FIN);
        if (seg.has(TcpSegment.SYN)) {
            seq++; // the SYN occupies the first sequence number
        }
        if (len > 0 || fin) {
            if (!t.state.canReceive() && !(t.state == TcpState.SYN_RECEIVED)) {
                // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent FIN; ignore
                if (len > 0 && SeqNum.ge(seq + len, t.rcvNxt)) {
                    counters.increment(Counter.RX_DROP_TCP_DATA_AFTER_FIN);
                }
                if (fin) {
                    // a retransmitted FIN: our ACK of it was lost, acknowledge it again (eighth step)
                    t.ackNow = true;
                    layer.scheduleOutput(t);
                }
                return;
            }
        }
        if (len > 0) {
            // trim what we already have (RFC 9293 3.10.7.4 first step, "trimmed")
            int dup = t.rcvNxt - seq;
            if (dup > 0) {
                if (dup >= len) {
                    t.ackNow = true; // a pure duplicate: acknowledge at once (RFC 5681 4.2)
                    counters.increment(Counter.TCP_DUPLICATE_SEGMENTS);
                    layer.scheduleOutput(t);
                    len = 0;
                } else {
                    off += dup;
                    len -= dup;
                    seq = t.rcvNxt;
                }
            }
        }
        if (len > 0) {
            ByteRing ring = layer.receiveRingFor(t);
            if (ring == null) {
                // no ring memory: drop the data (and a FIN behind it), counted; the ACK carries
                // a zero window until memory comes back, and the peer retransmits
                t.ackNow = true;
                layer.scheduleOutput(t);
                return;
            }
            // trim to the window we offered (RFC 9293: data beyond RCV.WND is dropped)
            int room = (int) Math.min(Integer.MAX_VALUE, ring.writeLimit() - ring.writePosition());
            int ahead = seq - t.rcvNxt;
            if (ahead >= room) {
                len = 0;
                fin = false;
                t.ackNow = true;
                layer.scheduleOutput(t);
                counters.increment(Counter.RX_DROP_TCP_BEYOND_WINDOW);
            } else if (ahead + len > room) {
                len = room - ahead;
                fin = false;
            }
            if (len > 0) {
                if (ahead == 0) {
                    inOrder(t, ring, seg, off, len, now);
                } else {
                    outOfOrder(t, ring, seg, seq, off, len, fin, now);
                    fin = false; // remembered: processed when the hole before it is filled
                }
            }
        }
        if (fin && seq + len == t.rcvNxt) {
            finReceived(t, now);
        } else if (fin) {
            if (SeqNum.gt(seq + len, t.rcvNxt) && !t.oooFin) {
                // a FIN overtook the data before it: keep it for when that data arrives
                // (RFC 9293 3.10.7.4 eighth step) instead of waiting for its retransmission
                t.oooFin = true;
                t.oooFinSeq = seq + len;
            }
            t.ackNow = true;
            layer.scheduleOutput(t);
        }
    }

    private void inOrder(Tcb t, ByteRing ring, TcpSegment seg, int off, int len, long now) {
        int written = ring.write(seg.buffer(), off, len);
        t.rcvNxt += written;
        counters.add(Counter.TCP_BYTES_RECEIVED, written);
        boolean filledHole = false;
        if (t.outOfOrder != null && !t.outOfOrder.isEmpty()) {
            int before = t.outOfOrder.bytesHeld();
            int next = t.outOfOrder.advance(t.rcvNxt);
            if (next != t.rcvNxt) {
                ring.publishTo(ring.writePosition() + (next - t.rcvNxt));
                t.rcvNxt = next;
            }
            int released = before - t.outOfOrder.bytesHeld();
            layer.oooBytes -= released;
            t.outOfOrderBytes -= released;
            filledHole = true;
        }
        if (t.oooFin && t.oooFinSeq == t.rcvNxt) {
            t.oooFin = false;
            finReceived(t, now);
        }
        layer.markEvent(t);
        // RFC 1122 4.2.3.2 / RFC 5681 4.2: ACK at least every second full-sized segment, at once
        // when a hole was filled, and during Linux-style quick-ACK mode; else delay
        t.unackedSegments++;
        // a full-sized segment from a peer that sends timestamps carries 12 bytes less than our MSS
        boolean fullSized = len >= t.rcvMss - (t.timestamps ? TcpOptions.LENGTH_TIMESTAMPS + 2 : 0);
        if (filledHole || t.quickAckMode || t.quickAcks > 0 || (t.unackedSegments >= 2 && fullSized)
                || t.unackedSegments >= 2 && out.windowUpdateWorthwhile(t)) {
            if (t.quickAcks > 0) {
                t.quickAcks--;
            }
            t.ackNow = true;
            layer.scheduleOutput(t);
        } else {
            layer.armDelayedAck(t, now);
        }
    }

    private void outOfOrder(Tcb t, ByteRing ring, TcpSegment seg, int seq, int off, int len, boolean fin, long now) {
        t.ackNow = true; // RFC 5681 4.2: immediate duplicate ACK for out-of-order data
        layer.scheduleOutput(t);
        counters.increment(Counter.TCP_OUT_OF_ORDER_SEGMENTS);
        if (t.outOfOrder == null) {
            t.outOfOrder = new ReceiveRanges(16);
        }
        if (t.outOfOrder.contains(seq, seq + len)) {
            t.outOfOrder.reportDuplicate(seq, seq + len);
            return;
        }
        if (layer.oooBytes + len > layer.oooLimit) {
            counters.increment(Counter.RX_DROP_TCP_OUT_OF_ORDER_LIMIT);
            return;
        }
        int before = t.outOfOrder.bytesHeld();
        if (!t.outOfOrder.add(seq, seq + len)) {
            counters.increment(Counter.RX_DROP_TCP_OUT_OF_ORDER_LIMIT);
            return;
        }
        ring.writeAt(ring.writePosition() + (seq - t.rcvNxt), seg.buffer(), off, len);
        int added = t.outOfOrder.bytesHeld() - before;
        layer.oooBytes += added;
        t.outOfOrderBytes += added;
        if (fin && !t.oooFin) { // not the segment's FIN bit: a FIN trimmed off with data beyond the window is not kept
            t.oooFin = true;
            t.oooFinSeq = seq + len;
        }
    }

    private void finReceived(Tcb t, long now) {
        // eighth step: the FIN occupies one sequence number; signal end of stream
        t.rcvNxt++;
        t.finReceived = true;
        t.ackNow = true;
        layer.scheduleOutput(t);
        t.socket.setState(TcpSocket.INPUT_EOF);
        layer.markEvent(t);
        counters.increment(Counter.TCP_FINS_RECEIVED);
        switch (t.state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                layer.setState(t, TcpState.CLOSE_WAIT);
                break;
            case FIN_WAIT_1:
                if (finAcked(t)) {
                    layer.enterTimeWait(t, now);
                } else {
                    layer.setState(t, TcpState.CLOSING);
                }
                break;
            case FIN_WAIT_2:
                layer.enterTimeWait(t, now);
                break;
            default:
                break;
        }
    }
}
