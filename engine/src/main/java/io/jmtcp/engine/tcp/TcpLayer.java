package io.jmtcp.engine.tcp;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.EngineLink;
import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.RingSlab;
import io.jmtcp.engine.api.SocketError;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.ip.Ipv4Layer;
import io.jmtcp.engine.ip.ProtocolHandler;
import io.jmtcp.engine.shard.PortAllocator;
import io.jmtcp.engine.shard.RssTable;
import io.jmtcp.engine.shard.Toeplitz;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.tcp.congestion.CongestionControls;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import org.agrona.collections.Int2ObjectHashMap;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * TCP for one engine: the connection table and listeners, segment dispatch, the application's
 * requests, timers, the output list and per-flow event aggregation. Segment arrival itself
 * (RFC 9293 3.10.7) is {@link TcpInput}; what and when to send is {@link TcpOutput}.
 *
 * <p>Threading: everything is owned by the engine thread except {@link #post}, which any
 * application thread calls to hand a socket with pending requests to the engine.
 */
public final class TcpLayer implements ProtocolHandler, EngineLink {

    /** Timer kinds (see {@link Timers}); the index is the TCB id. */
    public static final int TIMER_RETRANSMIT = 3;
    public static final int TIMER_DELAYED_ACK = 4;
    public static final int TIMER_LONG = 5;

    static final int RTX_RETRANSMIT = 0;
    static final int RTX_PERSIST = 1;
    static final int LONG_KEEPALIVE = 0;
    static final int LONG_FIN_WAIT_2 = 1;
    static final int LONG_TIME_WAIT = 2;

    /** How long a connection must be idle, both rings empty, before its rings return to the slab. */
    static final long RING_IDLE_NANOS = 1_000_000_000L;

    /** Hands an IP packet to the engine that owns its flow (DESIGN.md 3.3). */
    @FunctionalInterface
    public interface Forwarder {
        /** @return false if the sibling's queue was full (counted by the caller) */
        boolean forward(int engine, ByteBuffer buffer, int offset, int length);
    }

    final int engineId;
    final Ipv4Layer ip;
    final Timers timers;
    final Counters counters;
    final IsnGenerator isn;
    final SynCookies cookies;
    final RingSlab slab;
    final TcpInput input;
    final TcpOutput output;

    // settings
    final String defaultCongestion;
    final long minRto;
    final long maxRto;
    final long initialRto;
    final int synRetries;
    final int retries;
    final long delayedAckNanos;
    final long timeWaitNanos;
    /** {@code jmtcp.tcp.tw-reuse}: when a connect may take over a 4-tuple in TIME-WAIT ({@link TimeWait}). */
    final int twReuse;
    final long finTimeoutNanos;
    final int defaultRcvBuf;
    final int defaultSndBuf;
    /** Default buffers for a peer that is this stack (jmtcp.tcp.loopback-buffer); 0 = the general defaults. */
    final int loopbackBuf;
    final int synBacklog;
    final boolean synCookiesEnabled;
    final int challengeAckLimit;
    final int oooLimit;

    private final ConnectionTable<Tcb> table = new ConnectionTable<>(1024);
    private final Int2ObjectHashMap<Listener> listeners = new Int2ObjectHashMap<>();
    private Tcb[] tcbs = new Tcb[256];
    private int[] freeIds = new int[256];
    private int freeCount;
    private int nextId;

    // multicore
    private final int engines;
    private final Toeplitz toeplitz;
    private final RssTable rss;
    private final PortAllocator ports;
    private final IntPredicate portReserved;
    private Forwarder forwarder = (e, b, o, l) -> false;

    // application requests: sockets with pending request bits
    private final MpscAtomicArrayQueue<TcpSocket> requests = new MpscAtomicArrayQueue<>(1 << 16);
    private final AtomicBoolean requestsOverflowed = new AtomicBoolean();
    private final MessagePassingQueue.Consumer<TcpSocket> requestHandler = this::handleRequests;
    private Runnable wakeEngine = () -> { };

    // per-cycle lists (intrusive)
    private Tcb outputHead;
    private Tcb outputTail;
    private Tcb eventHead;
    private Tcb eventTail;
    private final ReadinessSink[] sinks = new ReadinessSink[16];
    private int sinkCount;
    private final List<ReadinessSink> extraSinks = new ArrayList<>();

    // RFC 5961 7: challenge ACK rate limit, per engine
    private long challengeWindowStart;
    private int challengeAcksInWindow;
    int oooBytes;
    private long now;

    // ring memory (issue 3 item 6): connections waiting for the slab, retried when slices come back
    private Tcb starvedHead;
    private long starvedFreeCount;
    /** Rings of connections idle this long with both rings empty go back to the slab. */
    final long ringIdleNanos;
    private long nextIdleSweep;

    private final TcpSegment segment = new TcpSegment();
    private final TcpOptions options = new TcpOptions();

    /**
     * @param engines number of engines of the stack (flows are owned by RSS hash when above 1)
     * @param portReserved ports bound by listeners or explicit binds, which ephemeral choice avoids
     */
    public TcpLayer(int engineId, int engines, JmtcpConfig config, Ipv4Layer ip, Timers timers, Counters counters,
            IsnGenerator isn, SynCookies cookies, Toeplitz toeplitz, RssTable rss, IntPredicate portReserved) {
        this.engineId = engineId;
        this.engines = engines;
        this.ip = ip;
        this.timers = timers;
        this.counters = counters;
        this.isn = isn;
        this.cookies = cookies;
        this.toeplitz = toeplitz;
        this.rss = rss;
        this.portReserved = portReserved;
        String[] range = config.get(JmtcpConfig.TCP_PORTS).split("-");
        this.ports = new PortAllocator(toeplitz, rss, engineId, Integer.parseInt(range[0].trim()),
                Integer.parseInt(range[1].trim()));
        this.slab = new RingSlab(config.get(JmtcpConfig.MEMORY_MAX));
        this.defaultCongestion = config.get(JmtcpConfig.TCP_CONGESTION);
        this.minRto = config.get(JmtcpConfig.TCP_MIN_RTO);
        this.maxRto = config.get(JmtcpConfig.TCP_MAX_RTO);
        this.initialRto = config.get(JmtcpConfig.TCP_INITIAL_RTO);
        this.synRetries = config.get(JmtcpConfig.TCP_SYN_RETRIES);
        this.retries = config.get(JmtcpConfig.TCP_RETRIES);
        this.delayedAckNanos = config.get(JmtcpConfig.TCP_DELAYED_ACK);
        this.timeWaitNanos = config.get(JmtcpConfig.TCP_TIME_WAIT);
        this.twReuse = config.get(JmtcpConfig.TCP_TW_REUSE);
        this.finTimeoutNanos = config.get(JmtcpConfig.TCP_FIN_TIMEOUT);
        this.defaultRcvBuf = config.get(JmtcpConfig.TCP_RCVBUF);
        this.defaultSndBuf = config.get(JmtcpConfig.TCP_SNDBUF);
        this.loopbackBuf = config.get(JmtcpConfig.TCP_LOOPBACK_BUFFER);
        this.synBacklog = config.get(JmtcpConfig.TCP_SYN_BACKLOG);
        this.synCookiesEnabled = config.get(JmtcpConfig.TCP_SYN_COOKIES);
        this.challengeAckLimit = config.get(JmtcpConfig.TCP_CHALLENGE_ACK_LIMIT);
        this.oooLimit = config.get(JmtcpConfig.TCP_OOO_MAX);
        this.ringIdleNanos = RING_IDLE_NANOS;
        this.output = new TcpOutput(this);
        this.input = new TcpInput(this);
        ip.register(Ipv4Packet.PROTOCOL_TCP, this);
    }

    /** How an engine's sleeping thread is woken after {@link #post}. */
    public void wakeup(Runnable wakeEngine) {
        this.wakeEngine = wakeEngine;
    }

    /** Where packets of flows another engine owns go. */
    public void forwarder(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    // ================================================================= input

    @Override
    public void input(Ipv4Packet packet, boolean broadcast, long now) {
        this.now = now;
        if (broadcast) {
            counters.increment(Counter.RX_DROP_TCP_BROADCAST); // RFC 9293 3.9.1: TCP is unicast
            return;
        }
        TcpSegment seg = segment.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (!seg.checkLength()) {
            counters.increment(Counter.RX_DROP_TCP_TRUNCATED);
            return;
        }
        int src = packet.source();
        int dst = packet.destination();
        if (engines > 1) {
            int owner = rss.queueFor(toeplitz.hash(src, dst, seg.sourcePort(), seg.destinationPort()));
            if (owner != engineId) {
                if (forwarder.forward(owner, packet.buffer(), packet.offset(), packet.length())) {
                    counters.increment(Counter.TCP_FORWARDED);
                } else {
                    counters.increment(Counter.RX_DROP_TCP_FORWARD_FULL);
                }
                return;
            }
        }
        if (!ip.rxChecksumVerified() && !seg.verifyChecksum(src, dst)) {
            counters.increment(Counter.RX_DROP_TCP_BAD_CHECKSUM);
            return;
        }
        options.clear();
        if (seg.optionsLength() > 0 && !options.parse(seg.buffer(), seg.optionsOffset(), seg.optionsLength())) {
            counters.increment(Counter.RX_DROP_TCP_BAD_OPTIONS);
            return;
        }
        counters.increment(Counter.TCP_RX_SEGMENTS);
        Tcb tcb = table.get(dst, seg.destinationPort(), src, seg.sourcePort());
        if (tcb != null) {
            input.segmentArrives(tcb, seg, options, packet, now);
            return;
        }
        Listener listener = listeners.get(seg.destinationPort());
        if (listener != null && listener.accepts(dst) && !listener.closed) {
            input.listen(listener, seg, options, packet, now);
            return;
        }
        input.closed(seg, packet, now);
    }

    // ================================================================= ICMP errors

    /**
     * An ICMP error quoting one of our segments (RFC 1122 4.2.3.9, RFC 5927 hardening): path MTU
     * for "fragmentation needed" (RFC 1191), a failed connect for unreachables in SYN-SENT.
     */
    public void icmpError(int type, int code, int nextHopMtu, Ipv4Packet quoted, long now) {
        if (quoted.protocol() != Ipv4Packet.PROTOCOL_TCP || quoted.length() < quoted.headerLength() + 8) {
            return;
        }
        ByteBuffer b = quoted.buffer();
        int off = quoted.offset() + quoted.headerLength();
        int srcPort = b.getShort(off) & 0xffff;
        int dstPort = b.getShort(off + 2) & 0xffff;
        int seq = b.getInt(off + 4);
        Tcb t = table.get(quoted.source(), srcPort, quoted.destination(), dstPort);
        if (t == null) {
            return;
        }
        // RFC 5927 4.1: the quoted sequence number must be one we have sent and not had acknowledged
        if (!io.jmtcp.engine.wire.SeqNum.between(t.sndUna, seq, t.sndMax + 1)) {
            counters.increment(Counter.TCP_ICMP_IGNORED);
            return;
        }
        if (type == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE && code == Icmpv4Packet.CODE_FRAGMENTATION_NEEDED) {
            output.pathMtu(t, nextHopMtu, now);
            return;
        }
        if (type == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE && t.state == TcpState.SYN_SENT) {
            // RFC 1122 4.2.3.9: hard errors (protocol/port unreachable) abort a connect;
            // host/net unreachable too, as Linux reports them when no connection exists yet
            SocketError why = code == Icmpv4Packet.CODE_PORT_UNREACHABLE || code == Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE
                    ? SocketError.CONNECTION_REFUSED : SocketError.NO_ROUTE_TO_HOST;
            fail(t, why, "ICMP " + type + "/" + code + " from " + Ipv4Address.format(quoted.destination()));
        }
    }

    /** Receives ICMP errors from the engine's ICMP (installed by the engine). */
    public Icmp.Listener icmpErrors() {
        return new Icmp.Listener() {
            @Override
            public void onError(int type, int code, int nextHopMtu, Ipv4Packet quoted, long now) {
                icmpError(type, code, nextHopMtu, quoted, now);
            }
        };
    }

    /** ARP gave up on a neighbour: connects to it fail with "No route to host". */
    public void neighbourUnreachable(int neighbourIp) {
        table.forEach(t -> {
            if (t.state == TcpState.SYN_SENT && (t.remoteIp == neighbourIp)) {
                fail(t, SocketError.NO_ROUTE_TO_HOST, Ipv4Address.format(neighbourIp) + " did not answer ARP");
            }
        });
    }

    // ================================================================= application

    @Override
    public boolean post(TcpSocket socket) {
        if (!requests.offer(socket)) {
            requestsOverflowed.set(true);
        }
        wakeEngine.run();
        return true;
    }

    /** Duty-cycle step 4: the requests applications posted. Engine thread. */
    public int drainRequests(long now) {
        this.now = now;
        int n = requests.drain(requestHandler, 4096);
        if (starvedHead != null && slab.freeCount() != starvedFreeCount) {
            n += retryStarved();
        }
        if (now - nextIdleSweep >= 0) {
            nextIdleSweep = now + ringIdleNanos / 2;
            releaseIdleRings(now);
        }
        if (requestsOverflowed.get() && requests.isEmpty()) {
            // the queue was full once: look at every socket, so no request is ever lost
            requestsOverflowed.set(false);
            for (int i = 0; i < nextId; i++) {
                Tcb t = tcbs[i];
                if (t != null && t.socket != null) {
                    handleRequests(t.socket);
                }
            }
        }
        return n;
    }

    private void handleRequests(TcpSocket socket) {
        Object state = socket.engineState();
        int req = socket.takeRequests();
        if (!(state instanceof Tcb) || req == 0) {
            return;
        }
        Tcb t = (Tcb) state;
        if (t.sendRing == null) {
            // the application's first write made the send ring; take it before a close or
            // shutdown request below queues the FIN behind its bytes
            t.sendRing = socket.sendRing();
        }
        if ((req & TcpSocket.REQ_OPTIONS) != 0) {
            applyOptions(t);
        }
        if ((req & TcpSocket.REQ_ABORT) != 0) {
            abort(t);
            return;
        }
        if ((req & TcpSocket.REQ_CLOSE) != 0) {
            close(t);
            return;
        }
        if ((req & TcpSocket.REQ_SHUTDOWN_OUTPUT) != 0) {
            shutdownOutput(t);
        }
        if ((req & TcpSocket.REQ_SEND) != 0 && t.sendRing == null) {
            // a write found the slab exhausted: count it, and report writable once memory is back
            if (socket.sendStarved() && t.state.isSynchronized()) {
                counters.increment(Counter.TCP_NO_MEMORY);
                t.sndStarved = true;
                starve(t);
            }
        }
        if ((req & (TcpSocket.REQ_SEND | TcpSocket.REQ_WINDOW)) != 0) {
            if ((req & TcpSocket.REQ_WINDOW) != 0 && t.state.isSynchronized() && output.windowUpdateWorthwhile(t)) {
                t.ackNow = true;
            }
            scheduleOutput(t);
        }
    }

    void applyOptions(Tcb t) {
        TcpSocket s = t.socket;
        boolean wasNoDelay = t.noDelay;
        t.noDelay = s.noDelay();
        t.typeOfService = s.typeOfService();
        t.quickAckMode = s.quickAck();
        t.keepIdleNanos = s.keepIdleSeconds() * 1_000_000_000L;
        t.keepIntervalNanos = s.keepIntervalSeconds() * 1_000_000_000L;
        t.keepCount = s.keepCount();
        boolean keep = s.keepAlive();
        if (keep != t.keepAlive) {
            t.keepAlive = keep;
            if (t.state.isSynchronized()) {
                armKeepalive(t, now);
            }
        }
        String cc = s.congestionControl();
        if (cc != null && t.cc != null && !cc.equalsIgnoreCase(t.cc.name())) {
            // a new algorithm starts from the initial window, as Linux does on setsockopt
            t.cc = CongestionControls.create(cc);
            t.cc.init(t.smss);
        }
        if (t.noDelay && !wasNoDelay) {
            scheduleOutput(t);
        }
        if (t.receiveRing == null && t.state != TcpState.CLOSED) {
            // SO_RCVBUF raised before the receive ring exists: the ring will be that big, so the
            // window may open to it now (never shrunk: the ring is at least what was offered)
            t.receiveCapacity = Math.max(t.receiveCapacity, receiveBufferSize(t));
        } else if (t.receiveRing != null && receiveBufferSize(t) > t.receiveRing.capacity()) {
            t.rcvGrowTo = receiveBufferSize(t); // grown the next time data finds the ring empty
        }
    }

    /**
     * Makes the connection's congestion control when it first has something to send (RFC 5681
     * 3.1 / RFC 6928: it starts from the initial window; nothing before that depends on it).
     */
    void startCongestionControl(Tcb t) {
        String name = t.socket != null ? t.socket.congestionControl() : null;
        t.cc = CongestionControls.create(name != null ? name : defaultCongestion);
        t.cc.init(t.smss);
    }

    /**
     * Opens a connection from {@code socket} to {@code remoteIp:remotePort}: chooses a local
     * port whose RSS hash maps back to this engine, sends SYN. Engine thread (an engine command).
     *
     * <p>An ephemeral port need only make the 4-tuple unique (RFC 9293 3.3.1; RFC 6056 2.2), so
     * the same port serves many destinations at once. A 4-tuple in TIME-WAIT is taken over when
     * {@link TimeWait#activeReuseAllowed} says so, for an ephemeral and an explicit port alike
     * (as Linux's {@code __inet_check_established}); the new incarnation's ISS then lies beyond
     * the old one's ({@link TimeWait#issFloor}).
     */
    public void connect(TcpSocket socket, int localIp, int localPort, int remoteIp, int remotePort, long now) {
        this.now = now;
        boolean reuse = TimeWait.policyAllows(twReuse, remoteIp, ip.route().isLocal(remoteIp));
        int port = localPort;
        if (port == 0) {
            port = ports.allocate(localIp, remoteIp, remotePort, p -> portReserved.test(p)
                    || !usableTuple(table.get(localIp, p, remoteIp, remotePort), reuse, now));
            if (port < 0) {
                socket.fail(SocketError.PORTS_EXHAUSTED, "to " + Ipv4Address.format(remoteIp) + ":" + remotePort);
                socket.signal();
                notifySink(socket);
                return;
            }
        } else if (!usableTuple(table.get(localIp, port, remoteIp, remotePort), reuse, now)) {
            socket.fail(SocketError.ADDRESS_IN_USE, Ipv4Address.format(localIp) + ":" + port);
            socket.signal();
            notifySink(socket);
            return;
        }
        Tcb old = table.get(localIp, port, remoteIp, remotePort);
        boolean tookOver = old != null;
        int issFloor = 0;
        if (tookOver) {
            // RFC 7323 Appendix B: the TIME-WAIT incarnation gives way to the new one
            issFloor = TimeWait.issFloor(old);
            counters.increment(Counter.TCP_TIME_WAIT_REUSED);
            destroy(old);
        }
        Tcb t = newTcb(localIp, port, remoteIp, remotePort);
        t.socket = socket;
        socket.engineState(t);
        socket.addresses(localIp, port, remoteIp, remotePort);
        socket.setState(TcpSocket.CONNECTING);
        applyOptions(t);
        t.iss = isn.isn(localIp, port, remoteIp, remotePort, now);
        if (tookOver) {
            t.iss = TimeWait.iss(t.iss, issFloor);
        }
        t.sndUna = t.iss;
        t.sndNxt = t.iss;
        t.sndMax = t.iss;
        t.rcvMss = output.mssToAdvertise();
        t.rcvWindowShift = output.windowShiftFor(receiveBufferSize(t));
        t.receiveCapacity = receiveBufferSize(t);
        setState(t, TcpState.SYN_SENT);
        counters.increment(Counter.TCP_ACTIVE_OPENS);
        output.sendSyn(t, now);
        t.sndNxt = t.iss + 1;
        t.sndMax = t.sndNxt;
        armRetransmit(t, now);
    }

    /** Whether a connect may use a 4-tuple that holds {@code existing} (null: free). */
    private static boolean usableTuple(Tcb existing, boolean reuse, long now) {
        return existing == null || TimeWait.activeReuseAllowed(existing, reuse, now);
    }

    /** Starts listening on this engine. Engine thread (an engine command sent to every engine). */
    public void listen(TcpSocket socket, int localIp, int localPort) {
        Listener l = new Listener(socket, localIp, localPort, synBacklog);
        listeners.put(localPort, l);
        socket.setState(TcpSocket.LISTENING);
    }

    /** Stops listening; half-open connections of the listener are reset. Engine thread. */
    public void unlisten(int localPort, TcpSocket socket) {
        Listener l = listeners.get(localPort);
        if (l == null || l.socket != socket) {
            return;
        }
        l.closed = true;
        listeners.remove(localPort);
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t != null && t.listener == l) {
                output.sendReset(t, now);
                destroy(t);
            }
        }
    }

    private void shutdownOutput(Tcb t) {
        t.socket.setState(TcpSocket.OUTPUT_SHUT);
        if (t.finQueued) {
            return;
        }
        t.finQueued = true;
        if (t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED) {
            return; // RFC 9293 3.10.4: queue the FIN until the connection is established
        }
        scheduleOutput(t);
    }

    private void close(Tcb t) {
        t.orphan = true;
        t.socket.setState(TcpSocket.OUTPUT_SHUT);
        if (t.state == TcpState.SYN_SENT) {
            destroy(t); // RFC 9293 3.10.4: delete the TCB
            return;
        }
        ByteRing rx = t.receiveRing;
        if (rx != null && rx.readableBytes() > 0 && t.state.isSynchronized()) {
            // RFC 2525 2.17 / RFC 9293 3.10.4: data the application never read is lost, so the
            // peer must learn it: reset instead of a FIN, as Linux does
            counters.increment(Counter.TCP_RESETS_UNREAD_DATA);
            // what the application wrote before closing goes out first, as far as the windows
            // allow: on Linux write() has already sent it when close() resets the connection
            output.output(t, now);
            abort(t);
            return;
        }
        if (t.state == TcpState.TIME_WAIT || t.state == TcpState.CLOSED) {
            releaseRingsIfDone(t);
            return;
        }
        if (!t.finQueued) {
            t.finQueued = true;
            scheduleOutput(t);
        }
        if (t.state == TcpState.FIN_WAIT_2) {
            armLong(t, LONG_FIN_WAIT_2, now + finTimeoutNanos);
        }
    }

    private void abort(Tcb t) {
        t.orphan = true;
        if (t.state.isSynchronized() || t.state == TcpState.SYN_RECEIVED) {
            output.sendReset(t, now); // RFC 9293 3.10.5
        }
        t.socket.setState(TcpSocket.OUTPUT_SHUT | TcpSocket.FINISHED);
        destroy(t);
    }

    // ================================================================= TCB life cycle

    Tcb newTcb(int localIp, int localPort, int remoteIp, int remotePort) {
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else {
            id = nextId++;
            if (id == tcbs.length) {
                tcbs = java.util.Arrays.copyOf(tcbs, id * 2);
                freeIds = java.util.Arrays.copyOf(freeIds, id * 2);
            }
        }
        Tcb t = new Tcb(id);
        tcbs[id] = t;
        t.localIp = localIp;
        t.localPort = localPort;
        t.remoteIp = remoteIp;
        t.remotePort = remotePort;
        t.rtt = new RttEstimator(initialRto, minRto, maxRto);
        t.tsOffset = isn.isn(remoteIp, remotePort, localIp, localPort, 0);
        t.lastReceiveAt = now;
        table.put(localIp, localPort, remoteIp, remotePort, t);
        counters.increment(Counter.TCP_CONNECTIONS_CREATED);
        return t;
    }

    /** Moves a TCB to a new state, counting the transition. */
    void setState(Tcb t, TcpState next) {
        if (t.state == TcpState.SYN_RECEIVED && t.listener != null && next != TcpState.SYN_RECEIVED) {
            t.listener.halfOpen--;
        }
        t.state = next;
        counters.increment(Counter.TCP_STATE_TRANSITIONS);
    }

    /** Fails the connection: the application sees {@code why}; the TCB is deleted. */
    void fail(Tcb t, SocketError why, String detail) {
        if (t.socket != null) {
            t.socket.fail(why, detail);
            t.socket.setState(TcpSocket.FINISHED);
        }
        if (why == SocketError.TIMED_OUT) {
            counters.increment(Counter.TCP_TIMEOUTS);
        }
        destroy(t);
    }

    /** Deletes a TCB (RFC 9293 "delete the TCB"): timers, table, lists; rings once the app is done. */
    void destroy(Tcb t) {
        if (t.state == TcpState.CLOSED && tcbs[t.id] != t) {
            return;
        }
        setState(t, TcpState.CLOSED);
        t.rtxTimer = timers.cancel(t.rtxTimer);
        t.delackTimer = timers.cancel(t.delackTimer);
        t.longTimer = timers.cancel(t.longTimer);
        table.remove(t.localIp, t.localPort, t.remoteIp, t.remotePort);
        if (t.outOfOrder != null) {
            oooBytes -= t.outOfOrderBytes;
            t.outOfOrderBytes = 0;
        }
        if (t.socket != null) {
            t.socket.setState(TcpSocket.FINISHED);
            if (t.listener != null && !t.orphan) {
                // never accepted: nobody will close it, so it is ours to release
                t.orphan = true;
            }
            markEvent(t);
        }
        releaseRingsIfDone(t);
        tcbs[t.id] = null;
        freeIds[freeCount++] = t.id;
        counters.increment(Counter.TCP_CONNECTIONS_CLOSED);
    }

    /** Returns both rings to the slab once the connection is over and the application closed. */
    private void releaseRingsIfDone(Tcb t) {
        if (!t.orphan || (t.state != TcpState.CLOSED && t.state != TcpState.TIME_WAIT)) {
            return;
        }
        unstarve(t);
        t.receiveRing = null;
        t.sendRing = null;
        if (t.socket != null) {
            t.socket.releaseRings(); // the send ring may be the app's to release, if a write is inside
        }
    }

    /**
     * The receive ring for the first payload byte (RFC 9293 3.10.7.4 seventh step), made now:
     * as large as the window offered so far, or SO_RCVBUF if that was raised since. When the slab
     * is exhausted the caller drops the data; the connection then advertises a zero window until
     * memory comes back ({@link #retryStarved}), and the drop is counted (TCP_NO_MEMORY).
     *
     * @return the ring, or null when ring memory is exhausted
     */
    ByteRing receiveRingFor(Tcb t) {
        ByteRing current = t.receiveRing;
        if (current != null) {
            return t.rcvGrowTo == 0 ? current : grow(t, current);
        }
        if (!t.rcvStarved || slab.freeCount() != starvedFreeCount) {
            int capacity = Math.max(t.receiveCapacity, receiveBufferSize(t));
            ByteRing ring = slab.tryNewRing(capacity);
            if (ring != null) {
                t.receiveRing = ring;
                t.receiveCapacity = ring.capacity();
                t.socket.attachReceiveRing(ring);
                if (t.rcvStarved) {
                    t.rcvStarved = false;
                    if (!t.sndStarved) {
                        unstarve(t);
                    }
                }
                return ring;
            }
        }
        counters.increment(Counter.TCP_NO_MEMORY);
        if (!t.rcvStarved) {
            t.rcvStarved = true;
            starve(t);
        }
        return null;
    }

    /**
     * SO_RCVBUF was raised after the receive ring was made: when the ring is empty (the
     * application has consumed every byte, nothing waits out of order) it is replaced by one of
     * the new size, with nothing to copy; the stale ring the application may still hold reports
     * nothing to read. Until then, and when the slab cannot give the bigger ring, the old one
     * stays. The window then opens by the difference with the next ACK.
     */
    private ByteRing grow(Tcb t, ByteRing current) {
        if (current.writableBytes() != current.capacity() || t.outOfOrderBytes != 0 || t.oooFin) {
            return current;
        }
        int size = t.rcvGrowTo;
        t.rcvGrowTo = 0;
        ByteRing bigger = slab.tryNewRing(size);
        if (bigger == null) {
            counters.increment(Counter.TCP_NO_MEMORY);
            return current;
        }
        t.receiveRing = bigger;
        t.receiveCapacity = bigger.capacity();
        t.socket.attachReceiveRing(bigger);
        current.releaseProducer();
        current.releaseConsumer();
        return bigger;
    }

    /** Puts a TCB on the list of connections waiting for ring memory. */
    private void starve(Tcb t) {
        if (t.inStarvedList) {
            return;
        }
        t.inStarvedList = true;
        t.nextStarved = starvedHead;
        starvedHead = t;
        starvedFreeCount = slab.freeCount();
    }

    private void unstarve(Tcb t) {
        t.rcvStarved = false;
        t.sndStarved = false;
        if (!t.inStarvedList) {
            return;
        }
        t.inStarvedList = false;
        if (starvedHead == t) {
            starvedHead = t.nextStarved;
        } else {
            for (Tcb p = starvedHead; p != null; p = p.nextStarved) {
                if (p.nextStarved == t) {
                    p.nextStarved = t.nextStarved;
                    break;
                }
            }
        }
        t.nextStarved = null;
    }

    /**
     * Slices came back to the slab since a connection found it exhausted: a starved receiver
     * gets its ring and opens its window again with a window update (RFC 9293 3.8.6.2.2); a
     * starved writer is told it may write (its next write retries the allocation).
     */
    private int retryStarved() {
        starvedFreeCount = slab.freeCount();
        int n = 0;
        Tcb prev = null;
        for (Tcb t = starvedHead; t != null; ) {
            Tcb next = t.nextStarved;
            if (t.rcvStarved && t.receiveRing == null) {
                int capacity = Math.max(t.receiveCapacity, receiveBufferSize(t));
                ByteRing ring = slab.tryNewRing(capacity);
                if (ring != null) {
                    t.receiveRing = ring;
                    t.receiveCapacity = ring.capacity();
                    t.socket.attachReceiveRing(ring);
                    t.rcvStarved = false;
                    t.ackNow = true; // the window update that reopens the zero window
                    scheduleOutput(t);
                    n++;
                }
            } else {
                t.rcvStarved = false;
            }
            if (t.sndStarved) {
                t.sndStarved = false;
                t.socket.clearSendStarved();
                markEvent(t); // writable again: the next write retries the allocation
                n++;
            }
            if (!t.rcvStarved) {
                t.inStarvedList = false;
                t.nextStarved = null;
                if (prev == null) {
                    starvedHead = next;
                } else {
                    prev.nextStarved = next;
                }
            } else {
                prev = t;
            }
            t = next;
        }
        return n;
    }

    /**
     * Gives the rings of connections idle for {@link #ringIdleNanos} back to the slab when both
     * are empty, so that a connection that was busy once costs no ring memory while it rests.
     * The receive ring is the engine's to release: empty means the application has consumed
     * every byte (its read position is published after its copy), and the stale ring it may still
     * hold reports nothing to read, so no byte is lost or seen twice. The send ring goes only
     * through the socket's send gate, never under a writer. Engine thread, at most twice per
     * idle period; a TCB without rings costs one test.
     */
    private void releaseIdleRings(long now) {
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t == null || (t.receiveRing == null && t.sendRing == null) || t.socket == null
                    || now - t.lastReceiveAt < ringIdleNanos || now - t.lastSendAt < ringIdleNanos) {
                continue;
            }
            ByteRing rx = t.receiveRing;
            if (rx != null && rx.writableBytes() == rx.capacity() && t.outOfOrderBytes == 0 && !t.oooFin) {
                t.socket.attachReceiveRing(null);
                t.receiveRing = null;
                rx.releaseProducer();
                rx.releaseConsumer();
            }
            ByteRing tx = t.sendRing;
            if (tx != null && t.sndUna == t.sndMax && tx.readableBytes() == 0 && t.socket.releaseIdleSendRing()) {
                t.sendRing = null;
            }
        }
    }

    /** The receive buffer a socket without SO_RCVBUF gets: larger when the peer is this stack. */
    int defaultRcvBuf(Tcb t) {
        return loopbackBuf > 0 && ip.route().isLocal(t.remoteIp) ? loopbackBuf : defaultRcvBuf;
    }

    /** The send buffer a socket without SO_SNDBUF gets: larger when the peer is this stack. */
    int defaultSndBuf(Tcb t) {
        return loopbackBuf > 0 && ip.route().isLocal(t.remoteIp) ? loopbackBuf : defaultSndBuf;
    }

    int receiveBufferSize(Tcb t) {
        int want = t.socket != null && t.socket.receiveBufferSize() > 0 ? t.socket.receiveBufferSize() : defaultRcvBuf(t);
        return RingSlab.sliceSizeFor(Math.min(Math.max(want, 4096), slab.maxSlice()));
    }


    // ================================================================= timers

    /** Dispatches a TCP timer. Engine thread. */
    public void onTimer(int kind, int id, long now) {
        this.now = now;
        Tcb t = id < tcbs.length ? tcbs[id] : null;
        if (t == null) {
            return;
        }
        switch (kind) {
            case TIMER_RETRANSMIT:
                t.rtxTimer = Timers.NONE;
                if (t.rtxKind == RTX_RETRANSMIT && t.rtxDeadline - now > 0) {
                    // restarted by ACKs since it was scheduled (see armRetransmit): not due yet
                    t.rtxScheduled = t.rtxDeadline;
                    t.rtxTimer = timers.schedule(TIMER_RETRANSMIT, t.id, t.rtxDeadline);
                    break;
                }
                if (t.rtxKind == RTX_PERSIST) {
                    output.persistTimeout(t, now);
                } else {
                    output.retransmitTimeout(t, now);
                }
                break;
            case TIMER_DELAYED_ACK:
                t.delackTimer = Timers.NONE;
                if (t.unackedSegments > 0 || t.ackNow) {
                    counters.increment(Counter.TCP_DELAYED_ACKS);
                    t.ackNow = true;
                    scheduleOutput(t);
                }
                break;
            case TIMER_LONG:
                t.longTimer = Timers.NONE;
                longTimeout(t, now);
                break;
            default:
                break;
        }
    }

    private void longTimeout(Tcb t, long now) {
        switch (t.longKind) {
            case LONG_TIME_WAIT:
            case LONG_FIN_WAIT_2:
                destroy(t);
                return;
            case LONG_KEEPALIVE:
            default:
                if (!t.keepAlive || !t.state.isSynchronized()) {
                    return;
                }
                long idle = now - t.lastReceiveAt;
                if (idle < t.keepIdleNanos && t.keepaliveProbes == 0) {
                    armLong(t, LONG_KEEPALIVE, t.lastReceiveAt + t.keepIdleNanos);
                    return;
                }
                // RFC 1122 4.2.3.6: probe; give up after keepCount unanswered probes
                if (t.keepaliveProbes >= t.keepCount) {
                    fail(t, SocketError.TIMED_OUT, "no answer to " + t.keepCount + " keepalive probes");
                    return;
                }
                t.keepaliveProbes++;
                counters.increment(Counter.TCP_KEEPALIVE_PROBES);
                output.sendKeepaliveProbe(t, now);
                armLong(t, LONG_KEEPALIVE, now + t.keepIntervalNanos);
        }
    }

    /**
     * (Re)starts the retransmission timer at now + RTO. RFC 6298 5.3 restarts it on every ACK of
     * new data; a bulk sender gets one per two segments, and a cancel plus a schedule each time
     * made the timer wheel a tenth of the engine's profile. So, as Linux does, a restart that only
     * moves the deadline later just records it: the wheel entry fires at the old deadline and is
     * scheduled again for the rest ({@link #onTimer}). Moving it earlier reschedules at once.
     */
    void armRetransmit(Tcb t, long now) {
        long deadline = now + t.rtt.rto();
        t.rtxDeadline = deadline;
        if (t.rtxTimer != Timers.NONE && t.rtxKind == RTX_RETRANSMIT && deadline - t.rtxScheduled >= 0) {
            return;
        }
        t.rtxTimer = timers.cancel(t.rtxTimer);
        t.rtxKind = RTX_RETRANSMIT;
        t.rtxScheduled = deadline;
        t.rtxTimer = timers.schedule(TIMER_RETRANSMIT, t.id, deadline);
    }

    void armPersist(Tcb t, long now) {
        t.rtxTimer = timers.cancel(t.rtxTimer);
        t.rtxKind = RTX_PERSIST;
        // RFC 9293 3.8.6.1: probe after the RTO, backing off exponentially
        t.rtxTimer = timers.schedule(TIMER_RETRANSMIT, t.id, now + Math.max(t.rtt.rto(), minRto));
    }

    void cancelRetransmit(Tcb t) {
        t.rtxTimer = timers.cancel(t.rtxTimer);
    }

    void armDelayedAck(Tcb t, long now) {
        if (t.delackTimer == Timers.NONE) {
            t.delackTimer = timers.schedule(TIMER_DELAYED_ACK, t.id, now + delayedAckNanos);
        }
    }

    void cancelDelayedAck(Tcb t) {
        t.delackTimer = timers.cancel(t.delackTimer);
    }

    void armLong(Tcb t, int kind, long deadline) {
        t.longTimer = timers.cancel(t.longTimer);
        t.longKind = kind;
        t.longTimer = timers.schedule(TIMER_LONG, t.id, deadline);
    }

    void armKeepalive(Tcb t, long now) {
        if (t.keepAlive && t.state.isSynchronized() && t.state != TcpState.TIME_WAIT) {
            t.keepaliveProbes = 0;
            armLong(t, LONG_KEEPALIVE, now + t.keepIdleNanos);
        } else if (t.longKind == LONG_KEEPALIVE) {
            t.longTimer = timers.cancel(t.longTimer);
        }
    }

    void enterTimeWait(Tcb t, long now) {
        setState(t, TcpState.TIME_WAIT);
        cancelRetransmit(t);
        cancelDelayedAck(t);
        if (t.socket != null) {
            t.socket.setState(TcpSocket.FINISHED);
            markEvent(t);
        }
        releaseRingsIfDone(t);
        if (timeWaitNanos == 0) {
            // the ACK of the peer's FIN is only scheduled (output list); it must leave before
            // the TCB is deleted, or the peer stays in LAST-ACK retransmitting its FIN
            if (t.ackNow) {
                output.sendAck(t, now);
            }
            destroy(t);
            return;
        }
        armLong(t, LONG_TIME_WAIT, now + timeWaitNanos);
    }

    // ================================================================= RFC 5961 rate limit

    /** Whether one more challenge ACK may go out now (RFC 5961 7, per engine and second). */
    boolean challengeAckAllowed(long now) {
        if (now - challengeWindowStart >= 1_000_000_000L) {
            challengeWindowStart = now;
            challengeAcksInWindow = 0;
        }
        if (challengeAcksInWindow >= challengeAckLimit) {
            counters.increment(Counter.TCP_CHALLENGE_ACKS_RATE_LIMITED);
            return false;
        }
        challengeAcksInWindow++;
        counters.increment(Counter.TCP_CHALLENGE_ACKS);
        return true;
    }

    // ================================================================= output and events

    /** Puts a TCB on the output list (once); its segments leave in step 5 of the duty cycle. */
    void scheduleOutput(Tcb t) {
        if (t.inOutputList) {
            return;
        }
        t.inOutputList = true;
        t.nextOutput = null;
        if (outputTail == null) {
            outputHead = t;
        } else {
            outputTail.nextOutput = t;
        }
        outputTail = t;
    }

    /** Duty-cycle step 5: every TCB that may have something to send. Engine thread. */
    public int flushOutput(long now) {
        this.now = now;
        int n = 0;
        while (outputHead != null) {
            Tcb t = outputHead;
            outputHead = t.nextOutput;
            if (outputHead == null) {
                outputTail = null;
            }
            t.inOutputList = false;
            t.nextOutput = null;
            if (tcbs[t.id] == t) {
                output.output(t, now);
                n++;
            }
        }
        return n;
    }

    /** Notes that the application should look at this socket; reported once per cycle. */
    void markEvent(Tcb t) {
        if (t.eventPending || t.socket == null) {
            return;
        }
        t.eventPending = true;
        t.nextEvent = null;
        if (eventTail == null) {
            eventHead = t;
        } else {
            eventTail.nextEvent = t;
        }
        eventTail = t;
    }

    /** Reports an event on a socket that has no TCB (a failed connect). */
    private void notifySink(TcpSocket socket) {
        ReadinessSink sink = socket.sink();
        if (sink != null) {
            sink.offer(socket);
            addSink(sink);
        }
    }

    /**
     * Duty-cycle step 7: flushes aggregated events — each changed socket's waiters are woken and
     * its sink offered the socket once; each sink is signalled once. Engine thread.
     */
    public int flushEvents() {
        int n = 0;
        while (eventHead != null) {
            Tcb t = eventHead;
            eventHead = t.nextEvent;
            if (eventHead == null) {
                eventTail = null;
            }
            t.eventPending = false;
            t.nextEvent = null;
            TcpSocket s = t.socket;
            if (s != null) {
                s.signal();
                ReadinessSink sink = s.sink();
                if (sink != null) {
                    sink.offer(s);
                    addSink(sink);
                }
                n++;
            }
        }
        for (int i = 0; i < sinkCount; i++) {
            sinks[i].signal();
            sinks[i] = null;
        }
        sinkCount = 0;
        // indexed, not for-each: no iterator per duty cycle (escape analysis is not a guarantee)
        if (!extraSinks.isEmpty()) {
            for (int i = 0; i < extraSinks.size(); i++) {
                extraSinks.get(i).signal();
            }
            extraSinks.clear();
        }
        return n;
    }

    private void addSink(ReadinessSink sink) {
        for (int i = 0; i < sinkCount; i++) {
            if (sinks[i] == sink) {
                return;
            }
        }
        if (sinkCount < sinks.length) {
            sinks[sinkCount++] = sink;
        } else if (!extraSinks.contains(sink)) {
            extraSinks.add(sink);
        }
    }

    /** Signals a listener's socket that a connection can be accepted. */
    void listenerEvent(Listener l) {
        TcpSocket s = l.socket;
        s.signal();
        notifySink(s);
    }

    // ================================================================= listing

    /** One line per connection ("ESTABLISHED 127.0.0.1:5000 -> 127.0.0.1:40000"), for JMX. Engine thread. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t != null) {
                out.add(t.toString());
            }
        }
        listeners.values().forEach(l -> out.add("LISTEN " + Ipv4Address.format(l.localIp) + ":" + l.localPort));
        return out;
    }

    /**
     * The state, sequence variables, windows and timers of {@code socket}'s connection on this
     * engine, or its socket state when it has no TCB (diagnostics). Engine thread.
     */
    public String describe(TcpSocket socket) {
        Object state = socket.engineState();
        return state instanceof Tcb ? ((Tcb) state).describe() : "no TCB " + socket;
    }

    /** The open listener that takes SYNs for {@code localIp:port} on this engine, or null. */
    Listener listenerFor(int localIp, int port) {
        Listener l = listeners.get(port);
        return l != null && !l.closed && l.accepts(localIp) ? l : null;
    }

    /** Connections in the table (engine thread). */
    public int connections() {
        return table.size();
    }

    Tcb lookup(int localIp, int localPort, int remoteIp, int remotePort) {
        return table.get(localIp, localPort, remoteIp, remotePort);
    }

    // ================================================================= engine stop and process exit

    /**
     * Fails every socket this engine serves that the application still holds — connections,
     * connections waiting in an accept queue, listeners, and sockets whose requests are queued —
     * with {@code why}, wakes their blocked threads, offers them to their readiness sinks and
     * then signals each sink once, so selectors report the keys ready and the next operation
     * throws. The engine is stopping: nothing will move these sockets on again. It runs after an
     * unexpected error, so it reads only the socket table and the listener map and keeps going
     * past a socket it cannot handle. Engine thread (its last act).
     *
     * @return how many sockets it failed
     */
    public int failAll(SocketError why, String detail, Throwable cause) {
        int failed = 0;
        for (int i = 0; i < Math.min(nextId, tcbs.length); i++) {
            Tcb t = tcbs[i];
            if (t != null && t.socket != null && !t.orphan && failOne(t.socket, why, detail, cause)) {
                failed++;
            }
        }
        for (Listener l : listeners.values()) {
            if (failOne(l.socket, why, detail, cause)) {
                failed++;
            }
        }
        for (TcpSocket s = requests.relaxedPoll(); s != null; s = requests.relaxedPoll()) {
            if (!s.is(TcpSocket.FAILED) && failOne(s, why, detail, cause)) {
                failed++;
            }
        }
        for (int i = 0; i < sinkCount; i++) {
            try {
                sinks[i].signal();
            } catch (RuntimeException e) {
                // a broken sink must not keep the others asleep
            }
            sinks[i] = null;
        }
        sinkCount = 0;
        for (int i = 0; i < extraSinks.size(); i++) {
            try {
                extraSinks.get(i).signal();
            } catch (RuntimeException e) {
                // as above
            }
        }
        extraSinks.clear();
        return failed;
    }

    private boolean failOne(TcpSocket s, SocketError why, String detail, Throwable cause) {
        try {
            s.fail(why, detail, cause);
            s.signal();
            notifySink(s);
            return true;
        } catch (RuntimeException e) {
            return false; // a sink that throws: the socket is failed and its waiters woken anyway
        }
    }

    /**
     * Connections the application has not closed yet (accepted or connecting ones, and those
     * waiting in an accept queue). At JVM exit the stack waits for this to reach zero, so the
     * frameworks' own shutdown hooks can finish their work first. Engine thread.
     */
    public int openConnections() {
        int n = 0;
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t != null && t.socket != null && !t.orphan) {
                n++;
            }
        }
        return n;
    }

    /**
     * Closes every connection the application left open, as the kernel does when a process
     * exits: a FIN after the data already written, or a RST where data was never read or
     * SO_LINGER is 0 (RFC 9293 3.10.4, RFC 2525 2.17) — through the ordinary close request,
     * which the next duty cycle carries out. Engine thread.
     *
     * @return how many it closed
     */
    public int closeAll() {
        int n = 0;
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t != null && t.socket != null && !t.orphan) {
                t.socket.close();
                n++;
            }
        }
        return n;
    }

    /**
     * Closed connections whose data or FIN is not yet acknowledged (FIN queued but not sent, or
     * FIN-WAIT-1, CLOSING, LAST-ACK): what still has to leave before the device may close.
     * Engine thread.
     */
    public int closing() {
        int n = 0;
        for (int i = 0; i < nextId; i++) {
            Tcb t = tcbs[i];
            if (t != null && t.orphan && (t.state == TcpState.FIN_WAIT_1 || t.state == TcpState.CLOSING
                    || t.state == TcpState.LAST_ACK || (t.finQueued && !t.state.finSent()
                    && t.state != TcpState.CLOSED))) {
                n++;
            }
        }
        return n;
    }

    long now() {
        return now;
    }
}
