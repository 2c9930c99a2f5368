package io.jmtcp.engine.wire;


/**
 * Flyweight over an ICMPv4 message (RFC 792). The second word depends on the type: echo and echo
 * reply carry an identifier and a sequence number; destination unreachable with code 4
 * (fragmentation needed) carries the next-hop MTU in its low half (RFC 1191 §4); the others leave
 * it unused (zero). Error messages carry the offending IP header and at least 8 bytes of its
 * payload as their payload.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |   echo (8), echo reply (0)
 * |            unused             |         Next-Hop MTU          |   unreachable, code 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...   (errors: internet header + 64 bits of original data)
 * +-+-+-+-+-
 * </pre>
 *
 * <p>The checksum covers the whole message, i.e. the wrapped length: wrap exactly the IP payload.
 * Call {@link #checkLength()} once after {@link #wrap}; when it passes no accessor can throw.
 * One instance per engine thread, reused per message.
 */
public final class Icmpv4Packet extends Flyweight<Icmpv4Packet> {

    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int REST_OF_HEADER_OFFSET = 4;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_NUMBER_OFFSET = 6;
    public static final int NEXT_HOP_MTU_OFFSET = 6;

    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    /** Whether the wrapped bytes hold the 8-byte header. */
    public boolean checkLength() {
        return length >= HEADER_LENGTH;
    }

    public int type() {
        return Bytes.u8(buffer, offset + TYPE_OFFSET);
    }

    public Icmpv4Packet type(int value) {
        Bytes.put8(buffer, offset + TYPE_OFFSET, value);
        return this;
    }

    public int code() {
        return Bytes.u8(buffer, offset + CODE_OFFSET);
    }

    public Icmpv4Packet code(int value) {
        Bytes.put8(buffer, offset + CODE_OFFSET, value);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buffer, offset + CHECKSUM_OFFSET);
    }

    public Icmpv4Packet checksum(int value) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, value);
        return this;
    }

    /** The whole second word, whatever the type makes of it. */
    public int restOfHeader() {
        return Bytes.i32(buffer, offset + REST_OF_HEADER_OFFSET);
    }

    public Icmpv4Packet restOfHeader(int value) {
        Bytes.put32(buffer, offset + REST_OF_HEADER_OFFSET, value);
        return this;
    }

    public int identifier() {
        return Bytes.u16(buffer, offset + IDENTIFIER_OFFSET);
    }

    public Icmpv4Packet identifier(int value) {
        Bytes.put16(buffer, offset + IDENTIFIER_OFFSET, value);
        return this;
    }

    public int sequenceNumber() {
        return Bytes.u16(buffer, offset + SEQUENCE_NUMBER_OFFSET);
    }

    public Icmpv4Packet sequenceNumber(int value) {
        Bytes.put16(buffer, offset + SEQUENCE_NUMBER_OFFSET, value);
        return this;
    }

    /** Next-hop MTU of a "fragmentation needed" message (RFC 1191 §4); 0 from old routers. */
    public int nextHopMtu() {
        return Bytes.u16(buffer, offset + NEXT_HOP_MTU_OFFSET);
    }

    public Icmpv4Packet nextHopMtu(int value) {
        Bytes.put16(buffer, offset + NEXT_HOP_MTU_OFFSET, value);
        return this;
    }

    /** Absolute offset of the data after the 8-byte header. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Whether the message, checksum included, sums to 0xffff over the wrapped length. */
    public boolean verifyChecksum() {
        return Checksum.partial(buffer, offset, length, 0) == 0xffff;
    }

    /** Computes the checksum over the wrapped length and writes it. */
    public Icmpv4Packet computeChecksum() {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, 0);
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, Checksum.compute(buffer, offset, length));
        return this;
    }
}
