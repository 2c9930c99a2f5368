package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight over a UDP datagram (RFC 768). The length field covers header and data; over IPv4 a
 * checksum of zero means the sender computed none, and a computed zero is sent as 0xffff.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * <p>Call {@link #checkLength()} once after {@link #wrap}; when it passes no accessor can throw.
 * Offsets returned are absolute in the buffer. One instance per engine thread, reused.
 */
public final class UdpDatagram {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;

    public static final int HEADER_LENGTH = 8;

    private ByteBuffer buffer;
    private int offset;
    private int wrappedLength;

    /** Points this flyweight at {@code length} bytes at absolute {@code offset}. */
    public UdpDatagram wrap(ByteBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.wrappedLength = length;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** The wrapped length (the length field may be shorter). */
    public int wrappedLength() {
        return wrappedLength;
    }

    /** Whether the wrapped bytes hold the header and the length field lies between 8 and the wrapped length. */
    public boolean checkLength() {
        if (wrappedLength < HEADER_LENGTH) {
            return false;
        }
        int length = length();
        return length >= HEADER_LENGTH && length <= wrappedLength;
    }

    public int sourcePort() {
        return Bytes.u16(buffer, offset + SOURCE_PORT_OFFSET);
    }

    public UdpDatagram sourcePort(int port) {
        Bytes.put16(buffer, offset + SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return Bytes.u16(buffer, offset + DESTINATION_PORT_OFFSET);
    }

    public UdpDatagram destinationPort(int port) {
        Bytes.put16(buffer, offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** The length field: header plus data. */
    public int length() {
        return Bytes.u16(buffer, offset + LENGTH_OFFSET);
    }

    public UdpDatagram length(int value) {
        Bytes.put16(buffer, offset + LENGTH_OFFSET, value);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buffer, offset + CHECKSUM_OFFSET);
    }

    public UdpDatagram checksum(int value) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, value);
        return this;
    }

    /** Absolute offset of the data. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Data bytes according to the length field. */
    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /** True when the checksum is zero (none sent) or the datagram and pseudo-header sum to 0xffff. */
    public boolean verifyChecksum(int sourceAddress, int destinationAddress) {
        if (checksum() == 0) {
            return true;
        }
        int length = length();
        int pseudo = Checksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_UDP, length);
        return Checksum.partial(buffer, offset, length, pseudo) == 0xffff;
    }

    /** Computes the checksum over the pseudo-header and {@link #length()} bytes, and writes it. */
    public UdpDatagram computeChecksum(int sourceAddress, int destinationAddress) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, 0);
        int length = length();
        int pseudo = Checksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_UDP, length);
        int sum = ~Checksum.partial(buffer, offset, length, pseudo) & 0xffff;
        // RFC 768: a computed zero is transmitted as all ones; zero means "no checksum".
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, sum == 0 ? 0xffff : sum);
        return this;
    }
}
