package io.jmtcp.engine.wire;


/**
 * Flyweight over an Ethernet II frame (IEEE 802.3 with an EtherType), optionally carrying one
 * IEEE 802.1Q tag. The frame check sequence is not part of the frame here: devices strip it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC address                    |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      Source MAC address                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |   payload ...                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * with an 802.1Q tag, EtherType 0x8100 is followed by the tag control information and the
 * inner EtherType:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        0x8100 (TPID)          | PCP |D|        VLAN ID        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      inner EtherType          |   payload ...                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Call {@link #checkLength()} once after {@link #wrap}; when it passes no accessor can throw.
 * Offsets returned are absolute in the buffer. One instance per engine thread, reused per frame.
 */
public final class EthernetFrame extends Flyweight<EthernetFrame> {

    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHERTYPE_OFFSET = 12;
    /** Tag control information (PCP, DEI, VLAN ID) of an 802.1Q-tagged frame. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** The EtherType of the payload in an 802.1Q-tagged frame. */
    public static final int INNER_ETHERTYPE_OFFSET = 16;

    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;

    /**
     * Whether the wrapped bytes hold the whole header: 14 bytes, or 18 when the frame carries an
     * 802.1Q tag.
     */
    public boolean checkLength() {
        if (length < HEADER_LENGTH) {
            return false;
        }
        return !hasVlanTag() || length >= HEADER_LENGTH + VLAN_TAG_LENGTH;
    }

    public long destination() {
        return MacAddress.get(buffer, offset + DESTINATION_OFFSET);
    }

    public EthernetFrame destination(long mac) {
        MacAddress.put(buffer, offset + DESTINATION_OFFSET, mac);
        return this;
    }

    public long source() {
        return MacAddress.get(buffer, offset + SOURCE_OFFSET);
    }

    public EthernetFrame source(long mac) {
        MacAddress.put(buffer, offset + SOURCE_OFFSET, mac);
        return this;
    }

    /** Whether the EtherType field at offset 12 is the 802.1Q TPID. */
    public boolean hasVlanTag() {
        return Bytes.u16(buffer, offset + ETHERTYPE_OFFSET) == ETHERTYPE_VLAN;
    }

    /** The 802.1Q tag control information, or 0 when untagged. */
    public int vlanTci() {
        return hasVlanTag() ? Bytes.u16(buffer, offset + VLAN_TCI_OFFSET) : 0;
    }

    /** The 12-bit VLAN identifier, or 0 when untagged (0 also means priority-only tagging). */
    public int vlanId() {
        return vlanTci() & 0x0fff;
    }

    /** The 3-bit priority code point of the tag, or 0 when untagged. */
    public int vlanPriority() {
        return vlanTci() >>> 13;
    }

    /**
     * The EtherType of the payload: the field at offset 12, or, after one 802.1Q tag, the inner
     * one. Stacked tags (QinQ, TPID 0x88a8) are not skipped; the caller sees their TPID.
     */
    public int etherType() {
        int type = Bytes.u16(buffer, offset + ETHERTYPE_OFFSET);
        return type == ETHERTYPE_VLAN ? Bytes.u16(buffer, offset + INNER_ETHERTYPE_OFFSET) : type;
    }

    /** Writes the EtherType at offset 12 (an untagged frame). */
    public EthernetFrame etherType(int etherType) {
        Bytes.put16(buffer, offset + ETHERTYPE_OFFSET, etherType);
        return this;
    }

    /** Writes an 802.1Q tag: TPID 0x8100 at offset 12, then {@code tci}, then the inner EtherType. */
    public EthernetFrame vlanTag(int tci, int innerEtherType) {
        Bytes.put16(buffer, offset + ETHERTYPE_OFFSET, ETHERTYPE_VLAN);
        Bytes.put16(buffer, offset + VLAN_TCI_OFFSET, tci);
        Bytes.put16(buffer, offset + INNER_ETHERTYPE_OFFSET, innerEtherType);
        return this;
    }

    /** Length of the header, tag included. */
    public int headerLength() {
        return hasVlanTag() ? HEADER_LENGTH + VLAN_TAG_LENGTH : HEADER_LENGTH;
    }

    /** Absolute offset of the payload, after the tag if there is one. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Bytes after the header, Ethernet padding included (the network layer knows its own length). */
    public int payloadLength() {
        return length - headerLength();
    }
}
