package io.jmtcp.engine.stack;

import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.UdpDatagram;
import java.nio.ByteBuffer;

/**
 * Builds one test frame at a time (Ethernet, optional 802.1Q tag, ARP, IPv4, ICMP, UDP) into a
 * reusable direct buffer with the wire flyweights, so a test can script a peer without
 * allocating per frame. Header fields that tests vary (TTL, identification, DF, VLAN tag,
 * Ethernet addresses) are builder state; after building, {@code put8/put16} and
 * {@link #ipChecksum()} corrupt or patch single fields.
 */
public final class FrameBuilder {

    /** Largest frame (or reassembled datagram payload) the builder holds. */
    public static final int CAPACITY = 70_000;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(CAPACITY);
    private final EthernetFrame eth = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Icmpv4Packet icmp = new Icmpv4Packet();
    private final UdpDatagram udp = new UdpDatagram();

    private long ethDestination;
    private long ethSource;
    private int vlanTci = -1;
    private int ttl = 64;
    private int identification = 0x1234;
    private boolean dontFragment;
    private int length;

    public FrameBuilder(long ethDestination, long ethSource) {
        this.ethDestination = ethDestination;
        this.ethSource = ethSource;
    }

    // ------------------------------------------------------------------ state

    /** Ethernet destination of the frames built next. */
    public FrameBuilder ethDestination(long mac) {
        this.ethDestination = mac;
        return this;
    }

    /** Ethernet source of the frames built next. */
    public FrameBuilder ethSource(long mac) {
        this.ethSource = mac;
        return this;
    }

    /** Tags frames built next with 802.1Q {@code tci}; -1 for untagged. */
    public FrameBuilder vlan(int tci) {
        this.vlanTci = tci;
        return this;
    }

    public FrameBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public FrameBuilder identification(int id) {
        this.identification = id;
        return this;
    }

    public FrameBuilder dontFragment(boolean df) {
        this.dontFragment = df;
        return this;
    }

    // ------------------------------------------------------------------ frames

    /** An Ethernet/IPv4 ARP packet. */
    public FrameBuilder arp(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        int p = ethernet(EthernetFrame.ETHERTYPE_ARP);
        arp.wrap(buf, p, ArpPacket.LENGTH);
        arp.writeEthernetIpv4Header();
        arp.operation(op);
        arp.senderHardwareAddress(senderMac);
        arp.senderProtocolAddress(senderIp);
        arp.targetHardwareAddress(targetMac);
        arp.targetProtocolAddress(targetIp);
        length = p + ArpPacket.LENGTH;
        return this;
    }

    /** An ICMP echo request (data bytes {@code (seq + i) & 0xff}), checksummed. */
    public FrameBuilder echoRequest(int src, int dst, int identifier, int sequence, int dataLength) {
        return icmpMessage(src, dst, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, identifier, sequence, dataLength);
    }

    /** Any ICMP message with the 4-byte rest of header as {@code hi:lo}, pattern data. */
    public FrameBuilder icmpMessage(int src, int dst, int type, int code, int hi, int lo, int dataLength) {
        int p = ipv4Header(src, dst, Ipv4Packet.PROTOCOL_ICMP, Icmpv4Packet.HEADER_LENGTH + dataLength);
        writeEcho(icmp, buf, p, type, code, hi, lo, dataLength);
        return this;
    }

    /** A UDP datagram with pattern data; {@code checksum} false sends zero (none). */
    public FrameBuilder udp(int src, int dst, int sourcePort, int destinationPort, int dataLength, boolean checksum) {
        int len = UdpDatagram.HEADER_LENGTH + dataLength;
        int p = ipv4Header(src, dst, Ipv4Packet.PROTOCOL_UDP, len);
        udp.wrap(buf, p, len);
        udp.sourcePort(sourcePort);
        udp.destinationPort(destinationPort);
        udp.length(len);
        udp.checksum(0);
        for (int i = 0; i < dataLength; i++) {
            buf.put(p + UdpDatagram.HEADER_LENGTH + i, (byte) (i * 3));
        }
        if (checksum) {
            udp.computeChecksum(src, dst);
        }
        return this;
    }

    /** An IPv4 packet of {@code protocol} with {@code payloadLength} pattern bytes. */
    public FrameBuilder ipv4(int src, int dst, int protocol, int payloadLength) {
        int p = ipv4Header(src, dst, protocol, payloadLength);
        for (int i = 0; i < payloadLength; i++) {
            buf.put(p + i, (byte) (i + 1));
        }
        return this;
    }

    /**
     * One fragment of a datagram whose whole payload is {@code payload[0, ...)}: bytes
     * {@code [offset, offset + len)} with the MF flag {@code more}.
     */
    public FrameBuilder fragment(int src, int dst, int protocol, ByteBuffer payload, int offset, int len, boolean more) {
        int p = ipv4Header(src, dst, protocol, len);
        buf.put(p, payload, offset, len);
        ip.flagsAndFragmentOffset(dontFragment, more, offset);
        ip.computeChecksum();
        return this;
    }

    /** Writes an ICMP echo-style message at {@code offset} of {@code target}; returns its length. */
    public static int writeEcho(ByteBuffer target, int offset, int type, int code, int hi, int lo, int dataLength) {
        Icmpv4Packet m = new Icmpv4Packet();
        return writeEcho(m, target, offset, type, code, hi, lo, dataLength);
    }

    /** As {@link #writeEcho(ByteBuffer, int, int, int, int, int, int)} with a caller's flyweight (no allocation). */
    public static int writeEcho(Icmpv4Packet m, ByteBuffer target, int offset, int type, int code, int hi, int lo,
            int dataLength) {
        int len = Icmpv4Packet.HEADER_LENGTH + dataLength;
        m.wrap(target, offset, len);
        m.type(type);
        m.code(code);
        m.identifier(hi);
        m.sequenceNumber(lo);
        for (int i = 0; i < dataLength; i++) {
            target.put(offset + Icmpv4Packet.HEADER_LENGTH + i, (byte) (lo + i));
        }
        m.computeChecksum();
        return len;
    }

    private int ethernet(int etherType) {
        eth.wrap(buf, 0, CAPACITY);
        eth.destination(ethDestination);
        eth.source(ethSource);
        if (vlanTci >= 0) {
            eth.vlanTag(vlanTci, etherType);
            return EthernetFrame.HEADER_LENGTH + EthernetFrame.VLAN_TAG_LENGTH;
        }
        eth.etherType(etherType);
        return EthernetFrame.HEADER_LENGTH;
    }

    /** Writes Ethernet and a 20-byte IPv4 header; returns the payload offset; sets the length. */
    private int ipv4Header(int src, int dst, int protocol, int payloadLength) {
        int p = ethernet(EthernetFrame.ETHERTYPE_IPV4);
        int total = Ipv4Packet.MIN_HEADER_LENGTH + payloadLength;
        ip.wrap(buf, p, total);
        ip.versionAndHeaderLength(Ipv4Packet.MIN_HEADER_LENGTH);
        ip.typeOfService(0);
        ip.totalLength(total);
        ip.identification(identification);
        ip.flagsAndFragmentOffset(dontFragment, false, 0);
        ip.timeToLive(ttl);
        ip.protocol(protocol);
        ip.source(src);
        ip.destination(dst);
        ip.computeChecksum();
        length = p + total;
        return p + Ipv4Packet.MIN_HEADER_LENGTH;
    }

    // ------------------------------------------------------------------ patching

    /** Absolute offset of the IPv4 (or ARP) header: after Ethernet and any tag. */
    public int l3Offset() {
        return vlanTci >= 0 ? EthernetFrame.HEADER_LENGTH + EthernetFrame.VLAN_TAG_LENGTH : EthernetFrame.HEADER_LENGTH;
    }

    public FrameBuilder put8(int offset, int value) {
        buf.put(offset, (byte) value);
        return this;
    }

    public FrameBuilder put16(int offset, int value) {
        buf.putShort(offset, (short) value);
        return this;
    }

    public int get8(int offset) {
        return buf.get(offset) & 0xff;
    }

    /** Recomputes the IPv4 header checksum (after patching a header field). */
    public FrameBuilder ipChecksum() {
        ip.wrap(buf, l3Offset(), length - l3Offset());
        ip.computeChecksum();
        return this;
    }

    /** Sets the frame length (truncate, or extend with whatever the buffer holds). */
    public FrameBuilder length(int length) {
        this.length = length;
        return this;
    }

    /** Appends {@code n} bytes of Ethernet padding after the packet. */
    public FrameBuilder pad(int n) {
        for (int i = 0; i < n; i++) {
            buf.put(length + i, (byte) 0);
        }
        length += n;
        return this;
    }

    public int length() {
        return length;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    /** A copy of the frame (allocates). */
    public byte[] bytes() {
        byte[] out = new byte[length];
        buf.get(0, out);
        return out;
    }

    /** Replaces the frame with {@code bytes}. */
    public FrameBuilder bytes(byte[] bytes, int len) {
        buf.put(0, bytes, 0, len);
        length = len;
        return this;
    }
}
