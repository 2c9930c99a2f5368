package io.jmtcp.engine.wire;


/**
 * Flyweight over an ARP packet (RFC 826) for Ethernet hardware and IPv4 protocol addresses, the
 * only kind jmtcp speaks; {@link #isEthernetIpv4()} says whether a received packet is one.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Hardware type (1)        |    Protocol type (0x0800)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HW length (6) | Proto len (4) |          Operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Sender hardware address (6 octets)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender protocol address ...  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... (4 octets)               | Target hardware address ...   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                          ... (6 octets)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Target protocol address (4 octets)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Call {@link #checkLength()} once after {@link #wrap}; when it passes no accessor can throw.
 * One instance per engine thread, reused per packet.
 */
public final class ArpPacket extends Flyweight<ArpPacket> {

    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_HARDWARE_ADDRESS_OFFSET = 8;
    public static final int SENDER_PROTOCOL_ADDRESS_OFFSET = 14;
    public static final int TARGET_HARDWARE_ADDRESS_OFFSET = 18;
    public static final int TARGET_PROTOCOL_ADDRESS_OFFSET = 24;

    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    public static final int HARDWARE_TYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    /** Whether the wrapped bytes hold a whole Ethernet/IPv4 ARP packet (28 bytes; padding allowed). */
    public boolean checkLength() {
        return length >= LENGTH;
    }

    /** Hardware type 1 (Ethernet), protocol type 0x0800, address lengths 6 and 4. */
    public boolean isEthernetIpv4() {
        return hardwareType() == HARDWARE_TYPE_ETHERNET
                && protocolType() == EthernetFrame.ETHERTYPE_IPV4
                && hardwareLength() == MacAddress.LENGTH
                && protocolLength() == 4;
    }

    /** Writes the four fixed fields of an Ethernet/IPv4 packet. */
    public ArpPacket writeEthernetIpv4Header() {
        Bytes.put16(buffer, offset + HARDWARE_TYPE_OFFSET, HARDWARE_TYPE_ETHERNET);
        Bytes.put16(buffer, offset + PROTOCOL_TYPE_OFFSET, EthernetFrame.ETHERTYPE_IPV4);
        Bytes.put8(buffer, offset + HARDWARE_LENGTH_OFFSET, MacAddress.LENGTH);
        Bytes.put8(buffer, offset + PROTOCOL_LENGTH_OFFSET, 4);
        return this;
    }

    public int hardwareType() {
        return Bytes.u16(buffer, offset + HARDWARE_TYPE_OFFSET);
    }

    public ArpPacket hardwareType(int value) {
        Bytes.put16(buffer, offset + HARDWARE_TYPE_OFFSET, value);
        return this;
    }

    public int protocolType() {
        return Bytes.u16(buffer, offset + PROTOCOL_TYPE_OFFSET);
    }

    public ArpPacket protocolType(int value) {
        Bytes.put16(buffer, offset + PROTOCOL_TYPE_OFFSET, value);
        return this;
    }

    public int hardwareLength() {
        return Bytes.u8(buffer, offset + HARDWARE_LENGTH_OFFSET);
    }

    public ArpPacket hardwareLength(int value) {
        Bytes.put8(buffer, offset + HARDWARE_LENGTH_OFFSET, value);
        return this;
    }

    public int protocolLength() {
        return Bytes.u8(buffer, offset + PROTOCOL_LENGTH_OFFSET);
    }

    public ArpPacket protocolLength(int value) {
        Bytes.put8(buffer, offset + PROTOCOL_LENGTH_OFFSET, value);
        return this;
    }

    public int operation() {
        return Bytes.u16(buffer, offset + OPERATION_OFFSET);
    }

    public ArpPacket operation(int value) {
        Bytes.put16(buffer, offset + OPERATION_OFFSET, value);
        return this;
    }

    public long senderHardwareAddress() {
        return MacAddress.get(buffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET);
    }

    public ArpPacket senderHardwareAddress(long mac) {
        MacAddress.put(buffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    public int senderProtocolAddress() {
        return Bytes.i32(buffer, offset + SENDER_PROTOCOL_ADDRESS_OFFSET);
    }

    public ArpPacket senderProtocolAddress(int address) {
        Bytes.put32(buffer, offset + SENDER_PROTOCOL_ADDRESS_OFFSET, address);
        return this;
    }

    public long targetHardwareAddress() {
        return MacAddress.get(buffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET);
    }

    public ArpPacket targetHardwareAddress(long mac) {
        MacAddress.put(buffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    public int targetProtocolAddress() {
        return Bytes.i32(buffer, offset + TARGET_PROTOCOL_ADDRESS_OFFSET);
    }

    public ArpPacket targetProtocolAddress(int address) {
        Bytes.put32(buffer, offset + TARGET_PROTOCOL_ADDRESS_OFFSET, address);
        return this;
    }
}
