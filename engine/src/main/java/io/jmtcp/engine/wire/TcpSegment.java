package io.jmtcp.engine.wire;


/**
 * Flyweight over a TCP segment (RFC 9293 §3.1; ECE and CWR from RFC 3168 §6.1). Sequence and
 * acknowledgment numbers are returned as raw {@code int}s: compare them only with {@link SeqNum}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Data ...                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Wrap exactly the IP payload: the segment's length, its checksum and its payload length are
 * all the wrapped length. Call {@link #checkLength()} once after {@link #wrap}; when it passes no
 * accessor can throw. Offsets returned are absolute in the buffer. One instance per engine
 * thread, reused per segment.
 */
public final class TcpSegment extends Flyweight<TcpSegment> {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_HEADER_LENGTH = 20;
    /** Data offset is four bits of 32-bit words. */
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** Whether the wrapped bytes hold at least 20 bytes and a header of data offset &gt;= 5 within them. */
    public boolean checkLength() {
        if (length < MIN_HEADER_LENGTH) {
            return false;
        }
        int headerLength = headerLength();
        return headerLength >= MIN_HEADER_LENGTH && headerLength <= length;
    }

    public int sourcePort() {
        return Bytes.u16(buffer, offset + SOURCE_PORT_OFFSET);
    }

    public TcpSegment sourcePort(int port) {
        Bytes.put16(buffer, offset + SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return Bytes.u16(buffer, offset + DESTINATION_PORT_OFFSET);
    }

    public TcpSegment destinationPort(int port) {
        Bytes.put16(buffer, offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    public int sequenceNumber() {
        return Bytes.i32(buffer, offset + SEQUENCE_NUMBER_OFFSET);
    }

    public TcpSegment sequenceNumber(int value) {
        Bytes.put32(buffer, offset + SEQUENCE_NUMBER_OFFSET, value);
        return this;
    }

    public int acknowledgmentNumber() {
        return Bytes.i32(buffer, offset + ACKNOWLEDGMENT_NUMBER_OFFSET);
    }

    public TcpSegment acknowledgmentNumber(int value) {
        Bytes.put32(buffer, offset + ACKNOWLEDGMENT_NUMBER_OFFSET, value);
        return this;
    }

    /** Header length in bytes (data offset times four). */
    public int headerLength() {
        return (Bytes.u8(buffer, offset + DATA_OFFSET_OFFSET) >>> 4) << 2;
    }

    /** Writes the data offset for a header of {@code bytes} (a multiple of 4, 20..60); reserved bits zero. */
    public TcpSegment headerLength(int bytes) {
        Bytes.put8(buffer, offset + DATA_OFFSET_OFFSET, ((bytes >>> 2) & 0x0f) << 4);
        return this;
    }

    /** The eight control bits CWR..FIN. */
    public int flags() {
        return Bytes.u8(buffer, offset + FLAGS_OFFSET);
    }

    public TcpSegment flags(int value) {
        Bytes.put8(buffer, offset + FLAGS_OFFSET, value);
        return this;
    }

    /** Whether every bit of {@code flag} (one of the flag constants, or several or-ed) is set. */
    public boolean has(int flag) {
        return (flags() & flag) == flag;
    }

    /** The window field as sent, not yet scaled (RFC 7323 §2.3). */
    public int window() {
        return Bytes.u16(buffer, offset + WINDOW_OFFSET);
    }

    public TcpSegment window(int value) {
        Bytes.put16(buffer, offset + WINDOW_OFFSET, value);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buffer, offset + CHECKSUM_OFFSET);
    }

    public TcpSegment checksum(int value) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, value);
        return this;
    }

    public int urgentPointer() {
        return Bytes.u16(buffer, offset + URGENT_POINTER_OFFSET);
    }

    public TcpSegment urgentPointer(int value) {
        Bytes.put16(buffer, offset + URGENT_POINTER_OFFSET, value);
        return this;
    }

    /** Absolute offset of the options (parse them with {@link TcpOptions#parse}). */
    public int optionsOffset() {
        return offset + OPTIONS_OFFSET;
    }

    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Absolute offset of the payload. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    /**
     * Whether the segment, checksum included, plus the IPv4 pseudo-header sums to 0xffff
     * (RFC 9293 §3.1).
     */
    public boolean verifyChecksum(int sourceAddress, int destinationAddress) {
        int pseudo = Checksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_TCP, length);
        return Checksum.partial(buffer, offset, length, pseudo) == 0xffff;
    }

    /**
     * Leaves the checksum to the device (transmit checksum offload): writes the folded,
     * uncomplemented sum of the IPv4 pseudo-header over the wrapped length, which is what a NIC
     * that completes TCP checksums expects in the field (Linux's CHECKSUM_PARTIAL, DPDK's
     * {@code RTE_MBUF_F_TX_TCP_CKSUM}); the segment's own bytes are not read.
     */
    public TcpSegment offloadChecksum(int sourceAddress, int destinationAddress) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET,
                Checksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_TCP, length));
        return this;
    }

    /** Computes the checksum over the pseudo-header and the wrapped length, and writes it. */
    public TcpSegment computeChecksum(int sourceAddress, int destinationAddress) {
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, 0);
        int pseudo = Checksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_TCP, length);
        Bytes.put16(buffer, offset + CHECKSUM_OFFSET, ~Checksum.partial(buffer, offset, length, pseudo) & 0xffff);
        return this;
    }
}
