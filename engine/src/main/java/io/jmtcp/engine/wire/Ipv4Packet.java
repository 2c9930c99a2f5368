package io.jmtcp.engine.wire;


/**
 * Flyweight over an IPv4 packet (RFC 791 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Flags: bit 0 reserved (zero), bit 1 DF (don't fragment), bit 2 MF (more fragments);
 * the fragment offset counts 8-byte units.
 * </pre>
 *
 * <p>Wrap the bytes the link layer delivered (Ethernet padding may follow the packet; the
 * packet's own extent is {@link #totalLength()}). Call {@link #checkLength()} once after
 * {@link #wrap}; when it passes no accessor can throw. Offsets returned are absolute in the
 * buffer. One instance per engine thread, reused per packet.
 */
public final class Ipv4Packet extends Flyweight<Ipv4Packet> {

    public static final int VERSION_AND_IHL_OFFSET = 0;
    public static final int TYPE_OF_SERVICE_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_AND_FRAGMENT_OFFSET_OFFSET = 6;
    public static final int TIME_TO_LIVE_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_HEADER_LENGTH = 20;
    /** IHL is four bits of 32-bit words. */
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int VERSION = 4;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    /**
     * Whether the header and the whole packet lie within the wrapped bytes: at least 20 bytes,
     * IHL at least 5, the header within the wrapped length, and the total length covering the
     * header and within the wrapped length (RFC 1122 §3.2.1.1, §3.2.1.2 checks of a received
     * datagram; the version and checksum are the caller's to check).
     */
    public boolean checkLength() {
        if (length < MIN_HEADER_LENGTH) {
            return false;
        }
        // one read for version/IHL and total length: this runs for every received packet
        int word = Bytes.i32(buffer, offset);
        int headerLength = (word >>> 22) & 0x3c;
        int totalLength = word & 0xffff;
        return headerLength >= MIN_HEADER_LENGTH && headerLength <= length
                && totalLength >= headerLength && totalLength <= length;
    }

    public int version() {
        return Bytes.u8(buffer, offset + VERSION_AND_IHL_OFFSET) >>> 4;
    }

    /** Header length in bytes (IHL times four). */
    public int headerLength() {
        return (Bytes.u8(buffer, offset + VERSION_AND_IHL_OFFSET) & 0x0f) << 2;
    }

    /** Writes version 4 and the IHL for a header of {@code headerLengthBytes} (a multiple of 4, 20..60). */
    public Ipv4Packet versionAndHeaderLength(int headerLengthBytes) {
        Bytes.put8(buffer, offset + VERSION_AND_IHL_OFFSET, (VERSION << 4) | ((headerLengthBytes >>> 2) & 0x0f));
        return this;
    }

    /** The whole second byte: DSCP (six bits) and ECN (two bits), RFC 2474 and RFC 3168. */
    public int typeOfService() {
        return Bytes.u8(buffer, offset + TYPE_OF_SERVICE_OFFSET);
    }

    public Ipv4Packet typeOfService(int value) {
        Bytes.put8(buffer, offset + TYPE_OF_SERVICE_OFFSET, value);
        return this;
    }

    public int totalLength() {
        return Bytes.u16(buffer, offset + TOTAL_LENGTH_OFFSET);
    }

    public Ipv4Packet totalLength(int value) {
        Bytes.put16(buffer, offset + TOTAL_LENGTH_OFFSET, value);
        return this;
    }

    public int identification() {
        return Bytes.u16(buffer, offset + IDENTIFICATION_OFFSET);
    }

    public Ipv4Packet identification(int value) {
        Bytes.put16(buffer, offset + IDENTIFICATION_OFFSET, value);
        return this;
    }

    public boolean dontFragment() {
        return (Bytes.u16(buffer, offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET) & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (Bytes.u16(buffer, offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET) & FLAG_MF) != 0;
    }

    /** The fragment's position in the original datagram, in bytes (the field counts 8-byte units). */
    public int fragmentOffset() {
        return (Bytes.u16(buffer, offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET) & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** Whether this is a fragment rather than a whole datagram: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (Bytes.u16(buffer, offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /**
     * Writes the flags and fragment offset; the reserved flag is written as zero.
     *
     * @param offsetBytes the fragment offset in bytes, a multiple of 8
     */
    public Ipv4Packet flagsAndFragmentOffset(boolean dontFragment, boolean moreFragments, int offsetBytes) {
        int value = ((offsetBytes >>> 3) & FRAGMENT_OFFSET_MASK)
                | (dontFragment ? FLAG_DF : 0)
                | (moreFragments ? FLAG_MF : 0);
        Bytes.put16(buffer, offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET, value);
        return this;
    }

    public int timeToLive() {
        return Bytes.u8(buffer, offset + TIME_TO_LIVE_OFFSET);
    }

    public Ipv4Packet timeToLive(int value) {
        Bytes.put8(buffer, offset + TIME_TO_LIVE_OFFSET, value);
        return this;
    }

    public int protocol() {
        return Bytes.u8(buffer, offset + PROTOCOL_OFFSET);
    }

    public Ipv4Packet protocol(int value) {
        Bytes.put8(buffer, offset + PROTOCOL_OFFSET, value);
        return this;
    }

    public int headerChecksum() {
        return Bytes.u16(buffer, offset + HEADER_CHECKSUM_OFFSET);
    }

    public Ipv4Packet headerChecksum(int value) {
        Bytes.put16(buffer, offset + HEADER_CHECKSUM_OFFSET, value);
        return this;
    }

    public int source() {
        return Bytes.i32(buffer, offset + SOURCE_OFFSET);
    }

    public Ipv4Packet source(int address) {
        Bytes.put32(buffer, offset + SOURCE_OFFSET, address);
        return this;
    }

    public int destination() {
        return Bytes.i32(buffer, offset + DESTINATION_OFFSET);
    }

    public Ipv4Packet destination(int address) {
        Bytes.put32(buffer, offset + DESTINATION_OFFSET, address);
        return this;
    }

    /** Absolute offset of the options (they end where the payload starts). */
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

    /** Payload bytes: total length minus header length (link-layer padding excluded). */
    public int payloadLength() {
        int word = Bytes.i32(buffer, offset);
        return (word & 0xffff) - ((word >>> 22) & 0x3c);
    }

    /** Whether the header checksum is right: the header, checksum included, sums to 0xffff (RFC 1071). */
    public boolean verifyChecksum() {
        long a = Bytes.i64(buffer, offset);
        int headerLength = (int) (a >>> 54) & 0x3c;
        if (headerLength == MIN_HEADER_LENGTH) {
            // the common header without options: two longs and an int, no loop
            long b = Bytes.i64(buffer, offset + 8);
            long sum = (a >>> 32) + (a & 0xffff_ffffL) + (b >>> 32) + (b & 0xffff_ffffL)
                    + (Bytes.i32(buffer, offset + 16) & 0xffff_ffffL);
            return Checksum.fold(sum) == 0xffff;
        }
        return Checksum.partial(buffer, offset, headerLength, 0) == 0xffff;
    }

    /** Computes the header checksum over {@link #headerLength()} bytes and writes it. */
    public Ipv4Packet computeChecksum() {
        Bytes.put16(buffer, offset + HEADER_CHECKSUM_OFFSET, 0);
        Bytes.put16(buffer, offset + HEADER_CHECKSUM_OFFSET, Checksum.compute(buffer, offset, headerLength()));
        return this;
    }
}
