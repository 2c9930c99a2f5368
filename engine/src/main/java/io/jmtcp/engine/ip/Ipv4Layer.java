package io.jmtcp.engine.ip;

import io.jmtcp.engine.arp.Arp;
import io.jmtcp.engine.dev.TxQueue;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * IPv4 for one engine: input validation with a counter for every reason to drop (RFC 791,
 * RFC 1122 3.2.1), reassembly, dispatch to protocol handlers, and output with routing, ARP
 * resolution and fragmentation.
 *
 * <p>Output is zero-copy for packets that fit a frame: {@link #begin} takes a device frame,
 * the caller writes its payload in place at {@link #payloadOffset}, and {@link #send} writes
 * the Ethernet and IPv4 headers around it. Owned by the engine thread.
 */
public final class Ipv4Layer {

    private static final int ETH = EthernetFrame.HEADER_LENGTH;
    private static final int IP = Ipv4Packet.MIN_HEADER_LENGTH;

    private final long ourMac;
    private final Route route;
    private final int mtu;
    private final int ttl;
    private final boolean rxChecksumVerified;
    private final boolean txChecksumOffload;
    private final TxQueue tx;
    private final Arp arp;
    private final Counters counters;
    private final Reassembly reassembly;
    private final ProtocolHandler[] handlers = new ProtocolHandler[256];
    private final Icmp icmp;
    private ExceptionPath exception;
    /** The device verified the current frame's IPv4 and TCP/UDP checksums (FrameBatch.CHECKSUMS_VERIFIED). */
    private boolean frameVerified;

    private final Ipv4Packet in = new Ipv4Packet();
    private final Ipv4Packet reassembled = new Ipv4Packet();
    private final Ipv4Packet out = new Ipv4Packet();
    private final EthernetFrame eth = new EthernetFrame();
    private int identification;

    /**
     * @param rxChecksumVerified the device verified the checksums of what it receives, so neither
     *        IPv4 nor the layers above verify them again
     * @param txChecksumOffload the device completes the IPv4 header and TCP checksums of what is
     *        sent, so {@link #send} and TCP leave them (see {@link #txChecksumOffload()})
     */
    public Ipv4Layer(long ourMac, Route route, int mtu, int ttl, boolean rxChecksumVerified, boolean txChecksumOffload,
            int reassemblyBuffers, long reassemblyTimeoutNanos, long icmpErrorIntervalNanos,
            TxQueue tx, Arp arp, Counters counters, Timers timers, int identificationSeed) {
        this.ourMac = ourMac;
        this.txChecksumOffload = txChecksumOffload;
        this.route = route;
        this.mtu = mtu;
        this.ttl = ttl;
        this.rxChecksumVerified = rxChecksumVerified;
        this.tx = tx;
        this.arp = arp;
        this.counters = counters;
        this.reassembly = new Reassembly(reassemblyBuffers, reassemblyTimeoutNanos, counters, timers);
        this.identification = identificationSeed;
        this.icmp = new Icmp(this, counters, icmpErrorIntervalNanos);
        handlers[Ipv4Packet.PROTOCOL_ICMP] = icmp;
        handlers[Ipv4Packet.PROTOCOL_UDP] = new Udp(icmp, this, counters);
        this.exception = new ExceptionPath(null, ourMac, counters);
    }

    /** Installs the engine's exception path (before the engine runs); without one, none is used. */
    public void exceptionPath(ExceptionPath path) {
        this.exception = path;
    }

    /** The exception path: where layers hand what this stack does not consume. */
    public ExceptionPath exceptionPath() {
        return exception;
    }

    /** Registers the handler of an IP protocol (TCP registers itself here). */
    public void register(int protocol, ProtocolHandler handler) {
        handlers[protocol] = handler;
    }

    /** ICMP of this engine (echo, errors). */
    public Icmp icmp() {
        return icmp;
    }

    /** The route table. */
    public Route route() {
        return route;
    }

    /**
     * Whether the device verified the checksums of the packet being delivered (so layers above may
     * skip theirs): always, for a device that verifies every frame; else per frame
     * ({@link #frameChecksumsVerified}).
     */
    public boolean rxChecksumVerified() {
        return rxChecksumVerified || frameVerified;
    }

    /**
     * The engine tells, per received frame, whether the device verified its checksums; packets
     * from sibling engines and reassembled datagrams are never taken as verified.
     */
    public void frameChecksumsVerified(boolean verified) {
        this.frameVerified = verified;
    }

    /**
     * Whether the device completes checksums on transmit: {@link #send} then writes a zero IPv4
     * header checksum and TCP writes only the pseudo-header sum (what checksum-offloading NICs
     * expect). Packets built by {@link #sendCopy} (ICMP, fragments) are always checksummed here.
     */
    public boolean txChecksumOffload() {
        return txChecksumOffload;
    }

    /** The IP MTU. */
    public int mtu() {
        return mtu;
    }

    // ------------------------------------------------------------------ input

    /** Processes the IPv4 packet at {@code offset} (absolute) within {@code length} bytes of frame. */
    public void input(ByteBuffer buffer, int offset, int length, long now) {
        counters.increment(Counter.IP_RX_PACKETS);
        // RFC 1122 3.2.1.1-3.2.1.3: check version, header length, total length, checksum, addresses
        if (length < IP) {
            counters.increment(Counter.RX_DROP_IP_TRUNCATED);
            return;
        }
        int versionIhl = buffer.get(offset) & 0xff;
        if ((versionIhl >>> 4) != 4) {
            counters.increment(Counter.RX_DROP_IP_BAD_VERSION);
            return;
        }
        int headerLength = (versionIhl & 0x0f) << 2;
        if (headerLength < IP) {
            counters.increment(Counter.RX_DROP_IP_BAD_HEADER_LENGTH);
            return;
        }
        int totalLength = buffer.getShort(offset + 2) & 0xffff;
        if (headerLength > length) {
            counters.increment(Counter.RX_DROP_IP_TRUNCATED);
            return;
        }
        if (totalLength < headerLength) {
            counters.increment(Counter.RX_DROP_IP_BAD_TOTAL_LENGTH);
            return;
        }
        if (totalLength > length) {
            counters.increment(Counter.RX_DROP_IP_TRUNCATED);
            return;
        }
        // the frame may carry Ethernet padding beyond the total length: trim it
        in.wrap(buffer, offset, totalLength);
        if (!in.checkLength()) {
            counters.increment(Counter.RX_DROP_IP_TRUNCATED);
            return;
        }
        if (!rxChecksumVerified() && !in.verifyChecksum()) {
            counters.increment(Counter.RX_DROP_IP_BAD_CHECKSUM);
            return;
        }
        // RFC 1122 3.2.1.7: a host must not discard a datagram just because its TTL is below 2.
        int source = in.source();
        if (Ipv4Address.isMulticast(source) || source == -1 || (route.isBroadcast(source) && source != 0)) {
            counters.increment(Counter.RX_DROP_IP_BAD_SOURCE);
            return;
        }
        int destination = in.destination();
        boolean broadcast = route.isBroadcast(destination);
        if (!broadcast && !route.isLocal(destination)) {
            counters.increment(Counter.RX_DROP_IP_NOT_FOR_US);
            return;
        }
        if (in.isFragment()) {
            counters.increment(Counter.IP_FRAGMENTS_RX);
            int slot = reassembly.add(in, now);
            if (slot >= 0) {
                frameVerified = false; // the device checked this fragment's header, not the datagram's L4 sum
                reassembly.wrapComplete(slot, reassembled);
                deliver(reassembled, broadcast, now);
                reassembly.release(slot);
            }
            return;
        }
        deliver(in, broadcast, now);
    }

    /**
     * A packet another engine of this stack received, validated and found to belong to a flow
     * this engine owns (DESIGN.md 3.3): straight to its protocol handler.
     */
    public void inputForwarded(ByteBuffer buffer, int offset, int length, long now) {
        frameVerified = false;
        in.wrap(buffer, offset, length);
        if (!in.checkLength()) {
            counters.increment(Counter.RX_DROP_IP_TRUNCATED);
            return;
        }
        deliver(in, false, now);
    }

    private void deliver(Ipv4Packet packet, boolean broadcast, long now) {
        int protocol = packet.protocol();
        if (protocol == Ipv4Packet.PROTOCOL_ICMP && exception.enabled() && packet.payloadLength() > 0
                && (packet.buffer().get(packet.payloadOffset()) & 0xff) != Icmpv4Packet.TYPE_ECHO_REQUEST) {
            // both stacks need ICMP other than echo requests: the kernel its echo replies and the
            // errors about its own flows, jmtcp the errors about its flows (RFC 1122 3.2.2). The
            // copy is taken first: jmtcp's echo handling rewrites the packet in place.
            exception.handIp(Counter.EXCEPTION_ICMP, packet);
        }
        ProtocolHandler h = handlers[protocol];
        if (h != null) {
            h.input(packet, broadcast, now);
            return;
        }
        if (exception.enabled()) {
            // the host's stack may carry it (IGMP, GRE, SCTP...): it answers or not, not us
            exception.handIp(Counter.EXCEPTION_IP_PROTOCOL, packet);
            return;
        }
        counters.increment(Counter.RX_DROP_PROTOCOL_UNREACHABLE);
        if (!broadcast) {
            // RFC 1122 3.2.2.1: a host should report an unknown transport protocol
            icmp.sendError(packet, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE, 0, now);
        }
    }

    /** A reassembly timer fired (dispatched by the engine). */
    public void onReassemblyTimer(int slot, long now) {
        if (!reassembly.inUse(slot)) {
            return;
        }
        reassembly.expired(slot);
        if (reassembly.hasFirstFragment(slot)) {
            // RFC 792 / RFC 1122 3.2.2.4: time exceeded, fragment reassembly time exceeded
            reassembly.wrapFirst(slot, reassembled);
            icmp.sendError(reassembled, Icmpv4Packet.TYPE_TIME_EXCEEDED, 1, 0, now);
        }
        reassembly.release(slot);
    }

    /** Timer kind of reassembly timeouts. */
    public static int reassemblyTimerKind() {
        return Reassembly.TIMER_KIND;
    }

    // ------------------------------------------------------------------ output

    /**
     * Takes a frame for a packet whose payload the caller writes at {@link #payloadOffset}.
     *
     * @return a handle, or -1 when the device has no buffer (counted)
     */
    public int begin() {
        int f = tx.acquire();
        if (f < 0) {
            counters.increment(Counter.TX_DROP_NO_BUFFER);
        }
        return f;
    }

    /** The buffer of a handle from {@link #begin}. */
    public ByteBuffer buffer(int handle) {
        return tx.buffer(handle);
    }

    /** Where the caller writes the payload (absolute offset, after a 20-byte IPv4 header). */
    public int payloadOffset(int handle) {
        return tx.offset(handle) + ETH + IP;
    }

    /** Most payload bytes a single unfragmented packet can carry. */
    public int maxPayload(int handle) {
        return Math.min(mtu, tx.capacity(handle) - ETH) - IP;
    }

    /**
     * Finishes a packet begun with {@link #begin}: writes the IPv4 and Ethernet headers, resolves
     * the next hop and sends, or parks the frame with ARP until the neighbour answers.
     *
     * @return false if it could not be sent or queued (no route; counted)
     */
    public boolean send(int handle, int source, int destination, int protocol, int payloadLength,
            int typeOfService, boolean dontFragment) {
        ByteBuffer b = tx.buffer(handle);
        int frame = tx.offset(handle);
        int total = IP + payloadLength;
        out.wrap(b, frame + ETH, total);
        out.versionAndHeaderLength(IP);
        out.typeOfService(typeOfService);
        out.totalLength(total);
        out.identification(nextIdentification());
        out.flagsAndFragmentOffset(dontFragment, false, 0);
        out.timeToLive(ttl);
        out.protocol(protocol);
        out.source(source);
        out.destination(destination);
        if (txChecksumOffload) {
            out.headerChecksum(0); // the device fills it in
        } else {
            out.computeChecksum();
        }
        return transmit(handle, destination, ETH + total);
    }

    /** Abandons a handle from {@link #begin}. */
    public void abandon(int handle) {
        tx.commit(handle, 0);
    }

    private boolean transmit(int handle, int destination, int frameLength) {
        int nextHop = route.nextHop(destination);
        if (nextHop == Route.NO_ROUTE) {
            counters.increment(Counter.TX_DROP_NO_ROUTE);
            tx.commit(handle, 0);
            return false;
        }
        ByteBuffer b = tx.buffer(handle);
        int frame = tx.offset(handle);
        eth.wrap(b, frame, frameLength);
        eth.source(ourMac);
        eth.etherType(EthernetFrame.ETHERTYPE_IPV4);
        long mac;
        if (route.isLocal(nextHop)) {
            mac = ourMac; // to ourselves: the loopback device turns it around
        } else if (route.isBroadcast(nextHop)) {
            mac = io.jmtcp.engine.wire.MacAddress.BROADCAST;
        } else {
            mac = arp.lookup(nextHop, nowForArp);
        }
        if (mac < 0) {
            eth.destination(0L);
            arp.enqueue(nextHop, b, frame, frameLength);
            tx.commit(handle, 0);
            return true;
        }
        eth.destination(mac);
        tx.commit(handle, frameLength);
        counters.increment(Counter.IP_TX_PACKETS);
        return true;
    }

    private long nowForArp;

    /** The engine sets the duty cycle's clock reading before processing (used for ARP ageing). */
    public void now(long now) {
        this.nowForArp = now;
    }

    /**
     * Sends a payload held elsewhere (e.g. a reassembled echo), copying it into as many
     * fragments as the MTU needs (RFC 791 3.2, fragmentation procedure).
     */
    public boolean sendCopy(int source, int destination, int protocol, ByteBuffer data, int offset, int length,
            int typeOfService) {
        int id = nextIdentification();
        int maxFragment = (mtu - IP) & ~7;
        int sent = 0;
        do {
            int chunk = Math.min(length - sent, maxFragment);
            boolean more = sent + chunk < length;
            int h = begin();
            if (h < 0) {
                return false;
            }
            if (chunk > maxPayload(h)) {
                chunk = maxPayload(h) & ~7;
                more = sent + chunk < length;
            }
            ByteBuffer b = tx.buffer(h);
            int frame = tx.offset(h);
            b.put(frame + ETH + IP, data, offset + sent, chunk);
            int total = IP + chunk;
            out.wrap(b, frame + ETH, total);
            out.versionAndHeaderLength(IP);
            out.typeOfService(typeOfService);
            out.totalLength(total);
            out.identification(id);
            out.flagsAndFragmentOffset(false, more, sent);
            out.timeToLive(ttl);
            out.protocol(protocol);
            out.source(source);
            out.destination(destination);
            out.computeChecksum();
            if (more || sent > 0) {
                counters.increment(Counter.IP_FRAGMENTS_TX);
            }
            if (!transmit(h, destination, ETH + total)) {
                return false;
            }
            sent += chunk;
        } while (sent < length);
        return true;
    }

    private int nextIdentification() {
        identification = (identification + 1) & 0xffff;
        return identification;
    }
}
