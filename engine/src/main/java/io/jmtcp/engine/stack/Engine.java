package io.jmtcp.engine.stack;

import io.jmtcp.engine.api.SocketError;
import io.jmtcp.engine.arp.Arp;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.ExceptionSink;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.TxQueue;
import io.jmtcp.engine.ip.ExceptionPath;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.ip.Ipv4Layer;
import io.jmtcp.engine.ip.Route;
import io.jmtcp.engine.shard.RssTable;
import io.jmtcp.engine.shard.Toeplitz;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.tcp.TcpLayer;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.NanoClock;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * One engine: owns one device queue and everything that arrives on it, and runs the duty cycle
 * of DESIGN.md 3.1 as an Agrona {@link Agent}: read the clock once; receive a burst and process
 * each frame; expire timers; drain commands from other threads; transmit; (flush events).
 * {@link #doWork()} returns how much it did so an idle strategy can decide to sleep.
 *
 * <p>Threading: only the thread running {@code doWork} touches the engine's state. Other
 * threads use {@link #submit} (a lock-free MPSC queue plus a device wakeup), the counters,
 * {@link #requestStop} and the stop state.
 *
 * <p>Stopping (CONVENTIONS "Errors": an engine that dies fails every channel it owned with an
 * IOException that says why; nothing hangs). An engine stops for good when anything escapes its
 * duty cycle — an Error, a RuntimeException (a bug), or its device failing (an fd error, a
 * device closed underneath) — or when asked to ({@link #requestStop}: the stack closes, or a
 * sibling engine failed). Its last act, on its own thread, is to fail every socket it serves
 * with {@link SocketError#ENGINE_STOPPED} carrying the cause, wake their blocked threads and
 * signal their selectors; commands still queued are abandoned ({@link EngineCommand#abandon}),
 * later ones refused. A fatal stop then throws {@link AgentTerminationException} so the
 * {@code AgentRunner} ends the thread.
 */
public final class Engine implements Agent {

    /** Told once when an engine stops, on the engine's thread, just before its sockets are failed. */
    @FunctionalInterface
    public interface StopListener {
        /**
         * @param cause what stopped it (for a requested stop, the requester's cause)
         * @param fatal true when the engine itself failed, false when it was asked to stop
         */
        void engineStopped(Engine engine, Throwable cause, boolean fatal);
    }

    /** A stop asked for by another thread, taken at the start of the next duty cycle. */
    private record StopRequest(String detail, Throwable cause) {
    }

    private static final int TIMER_LIMIT = 1024;
    private static final int COMMAND_LIMIT = 256;

    private final int id;
    private final String roleName;
    private final NetDevice device;
    private final int queue;
    private final NanoClock clock;
    private final Counters counters = new Counters();
    private final FrameBatch rx;
    private final TxQueue tx;
    private final Timers timers;
    private final Arp arp;
    private final Ipv4Layer ip;
    private final ExceptionPath exception;
    private final long mac;
    private final long maxSleepNanos;
    private final MpscAtomicArrayQueue<EngineCommand> commands = new MpscAtomicArrayQueue<>(4096);
    private final MessagePassingQueue.Consumer<EngineCommand> runCommand = this::runCommand;
    private final EthernetFrame eth = new EthernetFrame();
    private long now;
    private volatile StopRequest stopRequest;
    private volatile boolean stopped;
    /**
     * Inline mode only (DESIGN.md 3.4): the engine's duty-cycle token, told when an application
     * thread hands the engine work so a waiting thread runs it if nobody holds the token.
     */
    private volatile DutyToken inlineToken;
    private volatile Throwable failure;
    private volatile String stopDetail;
    private StopListener stopListener = (e, cause, fatal) -> { };
    private long txFramesCounted;
    private long txBytesCounted;

    // cross-engine queues (DESIGN.md 3.3): one SPSC ring per ordered pair of engines; a slot
    // holds a kind word then the payload (an ARP packet to learn from, or an IP packet whose
    // flow this engine owns)
    private static final int SIBLING_ARP = 1;
    private static final int SIBLING_IP = 2;
    private static final int SIBLING_FRAGMENT = 3;
    private static final int SIBLING_HEADER = 4;
    private FrameRing[] siblingOutById = new FrameRing[0];
    private Engine[] enginesById = new Engine[0];
    private FrameRing[] siblingIn = new FrameRing[0];
    private final FrameBatch siblingBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);
    private final TcpLayer tcp;
    private final Toeplitz toeplitz;
    private final RssTable rss;
    private final Route route;
    private final Ipv4Packet handOver = new Ipv4Packet();

    public Engine(int id, String stackName, NetDevice device, int queue, JmtcpConfig config, Route route, NanoClock clock,
            EngineShared shared) {
        this.id = id;
        this.roleName = stackName + "-engine-" + id;
        this.device = device;
        this.queue = queue;
        this.clock = clock;
        this.now = clock.nanoTime();
        this.mac = device.macAddress();
        int burst = config.get(JmtcpConfig.BURST);
        this.rx = new FrameBatch(burst);
        this.tx = new TxQueue(device, queue, burst);
        this.maxSleepNanos = config.get(JmtcpConfig.IDLE_MAX_SLEEP);
        this.timers = new Timers(now, this::onTimer);
        int mtu = device.capabilities().mtu();
        this.arp = new Arp(mac, route.address(), config.get(JmtcpConfig.ARP_TIMEOUT), config.get(JmtcpConfig.ARP_RETRY),
                config.get(JmtcpConfig.ARP_ATTEMPTS), config.get(JmtcpConfig.ARP_CACHE_SIZE),
                config.get(JmtcpConfig.ARP_PENDING), device.capabilities().frameCapacity(), tx, counters, timers);
        this.ip = new Ipv4Layer(mac, route, mtu, config.get(JmtcpConfig.IP_TTL),
                device.capabilities().rxChecksumVerified(), device.capabilities().txChecksumOffload(),
                config.get(JmtcpConfig.REASSEMBLY_BUFFERS),
                config.get(JmtcpConfig.REASSEMBLY_TIMEOUT), config.get(JmtcpConfig.ICMP_RATE), tx, arp, counters, timers,
                ThreadLocalRandom.current().nextInt(0x10000));
        ExceptionSink sink = device.exceptionSink(queue);
        this.exception = new ExceptionPath(sink, mac, counters);
        ip.exceptionPath(exception);
        this.toeplitz = shared.toeplitz();
        this.rss = shared.rss();
        this.route = route;
        this.tcp = new TcpLayer(id, shared.engines(), config, ip, timers, counters, shared.isn(), shared.cookies(),
                shared.toeplitz(), shared.rss(), shared.portReserved());
        tcp.wakeup(() -> device.wakeup(queue));
        tcp.forwarder(this::forwardIp);
        ip.icmp().errorListener(tcp.icmpErrors());
        arp.unreachableListener(tcp::neighbourUnreachable);
    }

    /**
     * The duty cycle (DESIGN.md 3.1), or the engine's stop (see the class comment). Engine
     * thread. A stopped engine does nothing and returns 0.
     *
     * @throws AgentTerminationException when the engine stops now: expected for a requested
     *         stop, carrying the cause for a failure
     */
    @Override
    public int doWork() {
        if (stopped) {
            return 0;
        }
        StopRequest request = stopRequest;
        if (request != null) {
            stop(request.detail(), request.cause(), false);
            throw new AgentTerminationException(roleName + " stopped: " + request.detail(), request.cause(), true);
        }
        try {
            return dutyCycle();
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /**
     * The engine cannot continue: stops it and fails its sockets with {@code cause}. Engine
     * thread (also its idle strategy, when the device fails while the engine sleeps on it).
     *
     * @return the exception that ends the agent's thread
     */
    AgentTerminationException fail(Throwable cause) {
        if (!stopped) {
            counters.increment(Counter.ENGINE_FAILURES);
            stop(roleName + " failed: " + cause, cause, true);
        }
        return new AgentTerminationException(roleName + " failed; its sockets were failed with the cause", cause);
    }

    /**
     * Stops the engine now, on the calling thread, which must be the engine's: for stacks whose
     * caller drives the engines ({@link Stack#manual}), and the agent's own stop.
     */
    void stopNow(String detail, Throwable cause) {
        stop(detail, cause, false);
    }

    private void stop(String detail, Throwable cause, boolean fatal) {
        if (stopped) {
            return;
        }
        stopDetail = detail;
        if (fatal) {
            failure = cause;
        }
        stopped = true; // before the queue is drained: a later submit sees it (see submit)
        // the stack learns first, so whoever a failed socket wakes finds Stack.failure() set
        try {
            stopListener.engineStopped(this, cause, fatal);
        } catch (RuntimeException e) {
            if (cause != null && cause != e) {
                cause.addSuppressed(e);
            }
        }
        int failed = 0;
        try {
            failed = tcp.failAll(SocketError.ENGINE_STOPPED, detail, cause);
        } catch (Throwable t) {
            if (cause != null && cause != t) {
                cause.addSuppressed(t); // the state may be broken by the first error: report, go on
            }
        }
        counters.add(Counter.SOCKETS_FAILED_ENGINE_STOPPED, failed);
        for (EngineCommand c = commands.relaxedPoll(); c != null; c = commands.relaxedPoll()) {
            abandon(c, detail, cause);
        }
    }

    private static void abandon(EngineCommand c, String detail, Throwable cause) {
        try {
            c.abandon(detail, cause);
        } catch (RuntimeException ignored) {
            // one command's clean-up must not keep the others' sockets hanging
        }
    }

    private int dutyCycle() {
        long t = clock.nanoTime(); // 1. one clock reading for the whole cycle
        now = t;
        ip.now(t);
        int work = 0;

        // 2. receive a burst and process each frame in place
        // back-pressure: a burst may hand every frame to one sibling, so read only when each
        // cross-engine ring has room for a whole burst; otherwise the frames wait in the device
        int n = siblingsHaveRoom() ? device.rxBurst(queue, rx) : 0;
        if (n > 0) {
            for (int i = 0; i < n; i++) {
                ip.frameChecksumsVerified((rx.flags(i) & FrameBatch.CHECKSUMS_VERIFIED) != 0);
                input(rx.buffer(i), rx.offset(i), rx.length(i));
            }
            ip.frameChecksumsVerified(false);
            exception.noFrame();
            device.rxRelease(queue, rx);
            work += n;
        }

        // 2b. what sibling engines passed on: ARP they received, packets of flows we own
        for (FrameRing ring : siblingIn) {
            int m = ring.borrow(siblingBatch, 0);
            for (int i = 0; i < m; i++) {
                ByteBuffer b = siblingBatch.buffer(i);
                int off = siblingBatch.offset(i);
                int kind = b.getInt(off);
                if (kind == SIBLING_ARP) {
                    arp.learnShared(b, off + SIBLING_HEADER, t);
                } else if (kind == SIBLING_FRAGMENT) {
                    ip.input(b, off + SIBLING_HEADER, siblingBatch.length(i) - SIBLING_HEADER, t);
                } else {
                    ip.inputForwarded(b, off + SIBLING_HEADER, siblingBatch.length(i) - SIBLING_HEADER, t);
                }
            }
            ring.releaseBorrowed();
            siblingBatch.clear();
            work += m;
        }

        // 3. timers
        work += timers.poll(t, TIMER_LIMIT);

        // 4. commands from other threads, then the requests applications posted on sockets
        int c = commands.drain(runCommand, COMMAND_LIMIT);
        if (c > 0) {
            counters.add(Counter.COMMANDS, c);
            work += c;
        }
        work += tcp.drainRequests(t);

        // 5. output of every connection that has something to send (control, data, ACKs)
        work += tcp.flushOutput(t);

        // 6. everything generated in this cycle leaves in one burst
        tx.flush();
        long frames = tx.frames();
        long bytes = tx.bytes();
        counters.add(Counter.TX_FRAMES, frames - txFramesCounted);
        counters.add(Counter.TX_BYTES, bytes - txBytesCounted);
        txFramesCounted = frames;
        txBytesCounted = bytes;

        // 7. per-flow events aggregated over the cycle: one signal per socket and per selector
        tcp.flushEvents();

        counters.increment(Counter.DUTY_CYCLES);
        return work;
    }

    /** Ethernet II input (IEEE 802.3 with 802.1Q tags skipped). Engine thread. */
    void input(ByteBuffer buffer, int offset, int length) {
        counters.increment(Counter.RX_FRAMES);
        counters.add(Counter.RX_BYTES, length);
        eth.wrap(buffer, offset, length);
        if (!eth.checkLength()) {
            counters.increment(Counter.RX_DROP_ETH_TRUNCATED);
            return;
        }
        // the exception path (ip.ExceptionPath) hands what jmtcp does not consume to the host's
        // stack; without one these frames are dropped and counted
        exception.frame(buffer, offset, length);
        long dst = eth.destination();
        if (dst != mac && dst != MacAddress.BROADCAST) {
            // another host's unicast (a promiscuous port), or multicast such as IPv6 neighbour discovery
            if (!exception.enabled()) {
                counters.increment(Counter.RX_DROP_ETH_NOT_FOR_US);
            } else {
                exception.handFrame(Counter.EXCEPTION_OTHER_DESTINATION);
            }
            return;
        }
        int type = eth.etherType();
        int payload = eth.payloadOffset();
        int payloadLength = eth.payloadLength();
        if (type == EthernetFrame.ETHERTYPE_IPV4) {
            if (siblingOutById.length > 1 && handedOver(buffer, payload, payloadLength)) {
                return;
            }
            ip.input(buffer, payload, payloadLength, now);
        } else if (type == EthernetFrame.ETHERTYPE_ARP) {
            // both stacks resolve neighbours and answer for the shared address: the host gets a
            // copy of every ARP packet, taken before ARP input may reuse the frame
            exception.handFrame(Counter.EXCEPTION_ARP);
            arp.input(buffer, payload, payloadLength, now);
        } else if (exception.enabled()) {
            exception.handFrame(Counter.EXCEPTION_ETHERTYPE);
        } else {
            counters.increment(Counter.RX_DROP_ETH_UNKNOWN_TYPE);
        }
    }

    /**
     * Joins this engine to its siblings: {@code outById[e]} carries to engine {@code e} (null for
     * itself), {@code in} are the rings siblings write to this engine. Before the engines run.
     */
    void connectSiblings(Engine[] enginesById, FrameRing[] outById, FrameRing[] in) {
        this.enginesById = enginesById;
        this.siblingOutById = outById;
        this.siblingIn = in;
        if (enginesById.length > 1) {
            arp.sharer(this::shareArp);
        }
    }

    private void shareArp(ByteBuffer buffer, int offset) {
        for (int e = 0; e < siblingOutById.length; e++) {
            if (siblingOutById[e] != null) {
                toSibling(e, SIBLING_ARP, buffer, offset, ArpPacket.LENGTH);
            }
        }
    }

    /**
     * Hands to its owner what the RSS hash of the packet itself cannot place (DESIGN.md 3.3): an
     * IPv4 fragment goes to the engine its address pair hashes to, so every fragment of a datagram
     * meets the others in one reassembly buffer whichever queue the device chose (a NIC hashes
     * fragments by addresses only; a TAP or a bad hash may split them); an ICMP error quoting one
     * of our TCP segments goes to the engine owning that flow, since the outer header names the
     * reporting router, not the flow (RFC 5927 checks then run at the owner). Unfragmented TCP is
     * placed later by {@link TcpLayer#input}; everything else any engine serves. Only fragments
     * and ICMP are looked at here, so the common path costs two byte loads.
     *
     * @return true if the packet was handed over (or dropped and counted for a full queue)
     */
    private boolean handedOver(ByteBuffer b, int off, int len) {
        if (len < Ipv4Packet.MIN_HEADER_LENGTH) {
            return false; // ip.input counts it
        }
        int protocol = b.get(off + 9) & 0xff;
        boolean fragment = (b.getShort(off + 6) & 0x3fff) != 0; // MF set or a fragment offset
        if (!fragment && protocol != Ipv4Packet.PROTOCOL_ICMP) {
            return false;
        }
        int vihl = b.get(off) & 0xff;
        int headerLength = (vihl & 0x0f) << 2;
        int total = b.getShort(off + 2) & 0xffff;
        if ((vihl >>> 4) != 4 || headerLength < Ipv4Packet.MIN_HEADER_LENGTH || total < headerLength || total > len) {
            return false;
        }
        int src = b.getInt(off + 12);
        int dst = b.getInt(off + 16);
        int owner;
        int kind;
        if (fragment) {
            owner = rss.queueFor(toeplitz.hash(src, dst));
            kind = SIBLING_FRAGMENT; // the owner validates and reassembles it (ip.input)
        } else {
            // ICMP error (RFC 792): 8-byte header, then the quoted IP header and 8+ bytes of TCP
            int icmp = off + headerLength;
            int end = off + total;
            if (end - icmp < 8 + Ipv4Packet.MIN_HEADER_LENGTH + 4) {
                return false;
            }
            int icmpType = b.get(icmp) & 0xff;
            if (icmpType != 3 && icmpType != 11 && icmpType != 12) {
                return false; // not an error: echo and the rest are served by any engine
            }
            int quoted = icmp + 8;
            int qvihl = b.get(quoted) & 0xff;
            int qhl = (qvihl & 0x0f) << 2;
            if ((qvihl >>> 4) != 4 || qhl < Ipv4Packet.MIN_HEADER_LENGTH || quoted + qhl + 4 > end
                    || (b.get(quoted + 9) & 0xff) != Ipv4Packet.PROTOCOL_TCP) {
                return false;
            }
            int ports = b.getInt(quoted + qhl);
            // the quote is our segment (source = us); the flow's receive hash has the peer as source
            owner = rss.queueFor(toeplitz.hash(b.getInt(quoted + 16), b.getInt(quoted + 12), ports & 0xffff, ports >>> 16));
            if (owner == id) {
                return false;
            }
            // the owner takes it past IP validation (inputForwarded): validate here
            handOver.wrap(b, off, total);
            if (!handOver.checkLength() || (!device.capabilities().rxChecksumVerified() && !handOver.verifyChecksum())
                    || !route.isLocal(dst)) {
                return false; // ip.input drops and counts it
            }
            kind = SIBLING_IP;
        }
        if (owner == id) {
            return false;
        }
        if (toSibling(owner, kind, b, off, total)) {
            counters.increment(Counter.IP_HANDED_OVER);
        }
        return true;
    }

    private boolean siblingsHaveRoom() {
        for (FrameRing ring : siblingOutById) {
            if (ring != null && ring.freeSlots(rx.maxFrames()) < rx.maxFrames()) {
                counters.increment(Counter.SIBLING_BACK_PRESSURE);
                return false;
            }
        }
        return true;
    }

    /** Hands an IP packet to the engine that owns its flow. */
    private boolean forwardIp(int engine, ByteBuffer buffer, int offset, int length) {
        return engine >= 0 && engine < siblingOutById.length && siblingOutById[engine] != null
                && toSibling(engine, SIBLING_IP, buffer, offset, length);
    }

    private boolean toSibling(int engine, int kind, ByteBuffer buffer, int offset, int length) {
        FrameRing ring = siblingOutById[engine];
        if (length + SIBLING_HEADER > ring.frameCapacity()) {
            counters.increment(Counter.SIBLING_DROP_FULL);
            return false;
        }
        int slot = ring.reserve();
        if (slot < 0) {
            counters.increment(Counter.SIBLING_DROP_FULL);
            return false;
        }
        ByteBuffer m = ring.memory();
        m.putInt(slot, kind);
        m.put(slot + SIBLING_HEADER, buffer, offset, length);
        ring.setLength(slot, length + SIBLING_HEADER);
        ring.publish();
        Engine sibling = enginesById[engine];
        sibling.device.wakeup(sibling.queue);
        return true;
    }

    private void onTimer(int kind, int index, long at) {
        if (kind == Arp.TIMER_KIND) {
            arp.onTimer(index, at);
        } else if (kind == Ipv4Layer.reassemblyTimerKind()) {
            ip.onReassemblyTimer(index, at);
        } else {
            tcp.onTimer(kind, index, at);
        }
    }

    private void runCommand(EngineCommand command) {
        command.execute(this, now);
    }

    /**
     * Hands work to the engine from any thread and wakes it if it sleeps.
     *
     * @return false if the command queue is full or the engine has stopped (the command will
     *         not run; the caller must fail what it was for)
     */
    public boolean submit(EngineCommand command) {
        if (stopped || !commands.offer(command)) {
            return false;
        }
        // the engine sets stopped before it drains the queue for the last time: if it is not set
        // now, that drain (or a duty cycle) is still to come and will see the command
        if (stopped) {
            return false;
        }
        device.wakeup(queue);
        DutyToken t = inlineToken;
        if (t != null) {
            t.workSubmitted();
        }
        return true;
    }

    /** Inline mode: the token to tell about submitted work. Before the engine runs. */
    void inlineToken(DutyToken token) {
        this.inlineToken = token;
    }

    /** Inline mode: the engine's duty-cycle token; null for a dedicated engine. */
    DutyToken inlineToken() {
        return inlineToken;
    }

    /**
     * Asks the engine to stop at its next duty cycle: its sockets fail with
     * {@link SocketError#ENGINE_STOPPED} and {@code detail} (and {@code cause}, if given). Any
     * thread; the first request wins.
     */
    public void requestStop(String detail, Throwable cause) {
        if (stopRequest == null) {
            stopRequest = new StopRequest(detail, cause);
        }
        device.wakeup(queue);
    }

    /** Where the engine reports its stop. Before the engine runs. */
    void stopListener(StopListener listener) {
        this.stopListener = listener;
    }

    /** Whether the engine has stopped (for good). Any thread. */
    public boolean isStopped() {
        return stopped;
    }

    /** Whether a stop is pending or done. Any thread. */
    boolean stopping() {
        return stopped || stopRequest != null;
    }

    /** What made the engine fail, or null if it runs or was stopped on request. Any thread. */
    public Throwable failure() {
        return failure;
    }

    /** The detail its sockets failed with, or null while it runs. Any thread. */
    public String stopDetail() {
        return stopDetail;
    }

    /** How long an idle engine may sleep: until its next timer, at most the configured maximum. */
    long sleepNanos() {
        long now = clock.nanoTime();
        long next = timers.wakeDeadline(now);
        if (next == Long.MAX_VALUE) {
            return maxSleepNanos;
        }
        long until = next - now;
        return Math.max(0, Math.min(until, maxSleepNanos));
    }

    /** Whether commands or a stop are waiting (the idle strategy must not sleep then). */
    boolean hasCommands() {
        return !commands.isEmpty() || stopRequest != null;
    }

    /**
     * The agent's thread ends (its runner was closed): whatever the last duty cycle left, no
     * socket may keep waiting on this engine. Engine thread.
     */
    @Override
    public void onClose() {
        if (!stopped) {
            StopRequest request = stopRequest;
            stop(request != null ? request.detail() : roleName + " closed", request != null ? request.cause() : null,
                    false);
        }
    }

    @Override
    public String roleName() {
        return roleName;
    }

    /** This engine's number within its stack. */
    public int id() {
        return id;
    }

    /** The device queue it owns. */
    public int queue() {
        return queue;
    }

    /** The device. */
    public NetDevice device() {
        return device;
    }

    /** Counters; readable from any thread. */
    public Counters counters() {
        return counters;
    }

    /** ARP of this engine (engine thread only, except {@link Arp#describe}). */
    public Arp arp() {
        return arp;
    }

    /** IPv4 of this engine (engine thread only). */
    public Ipv4Layer ip() {
        return ip;
    }

    /** ICMP of this engine (engine thread only). */
    public Icmp icmp() {
        return ip.icmp();
    }

    /** TCP of this engine (engine thread only, except {@link TcpLayer#post}). */
    public TcpLayer tcp() {
        return tcp;
    }

    /** Timers of this engine (engine thread only). */
    public Timers timers() {
        return timers;
    }

    /** The clock reading of the current duty cycle. */
    public long now() {
        return now;
    }
}
