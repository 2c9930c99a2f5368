package io.jmtcp.jni;

import java.nio.ByteBuffer;

/**
 * Hand-built Ethernet/ARP/IPv4/ICMP frames for the TAP tests, written byte by byte (the wire
 * package is not a dependency of these tests). All multi-byte fields are big-endian.
 */
final class TestFrames {

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;

    private TestFrames() {}

    static int ipv4(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    static long mac(ByteBuffer b, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (b.get(at + i) & 0xff);
        }
        return m;
    }

    static void putMac(ByteBuffer b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    static int etherType(ByteBuffer b, int frame) {
        return u16(b, frame + 12);
    }

    /** Whether the frame is an ARP request (RFC 826, oper 1) asking for {@code targetIp}. */
    static boolean isArpRequestFor(ByteBuffer b, int frame, int length, int targetIp) {
        return length >= 42 && etherType(b, frame) == ETHERTYPE_ARP
                && u16(b, frame + 14) == 1 && u16(b, frame + 16) == ETHERTYPE_IPV4
                && u16(b, frame + 20) == 1 && b.getInt(frame + 38) == targetIp;
    }

    static long arpSenderMac(ByteBuffer b, int frame) {
        return mac(b, frame + 22);
    }

    static int arpSenderIp(ByteBuffer b, int frame) {
        return b.getInt(frame + 28);
    }

    /** Writes an ARP reply (RFC 826, oper 2) "senderIp is at senderMac" to targetMac; returns its length. */
    static int writeArpReply(ByteBuffer b, int at, long senderMac, int senderIp, long targetMac, int targetIp) {
        putMac(b, at, targetMac);
        putMac(b, at + 6, senderMac);
        b.putShort(at + 12, (short) ETHERTYPE_ARP);
        b.putShort(at + 14, (short) 1); // hardware type: Ethernet
        b.putShort(at + 16, (short) ETHERTYPE_IPV4);
        b.put(at + 18, (byte) 6);
        b.put(at + 19, (byte) 4);
        b.putShort(at + 20, (short) 2); // reply
        putMac(b, at + 22, senderMac);
        b.putInt(at + 28, senderIp);
        putMac(b, at + 32, targetMac);
        b.putInt(at + 38, targetIp);
        return 42;
    }

    /** Whether the frame is an IPv4 ICMP echo request (RFC 792 type 8) to {@code dstIp}. */
    static boolean isEchoRequestTo(ByteBuffer b, int frame, int length, int dstIp) {
        if (length < 14 + 20 + 8 || etherType(b, frame) != ETHERTYPE_IPV4) {
            return false;
        }
        int ihl = (b.get(frame + 14) & 0x0f) * 4;
        return (b.get(frame + 14) & 0xf0) == 0x40 && b.get(frame + 23) == 1
                && b.getInt(frame + 30) == dstIp && length >= 14 + ihl + 8
                && b.get(frame + 14 + ihl) == 8;
    }

    /**
     * Writes the echo reply (RFC 792 type 0) to the request at {@code req}: same identifier,
     * sequence and data, addresses swapped, both checksums recomputed. Returns its length.
     */
    static int writeEchoReply(ByteBuffer rb, int req, int reqLength, long ourMac, ByteBuffer b, int at) {
        int ipLength = u16(rb, req + 16);
        int length = 14 + ipLength;
        for (int i = 0; i < length; i++) {
            b.put(at + i, rb.get(req + i));
        }
        putMac(b, at, mac(rb, req + 6));
        putMac(b, at + 6, ourMac);
        int ip = at + 14;
        int ihl = (b.get(ip) & 0x0f) * 4;
        b.putInt(ip + 12, rb.getInt(req + 14 + 16));
        b.putInt(ip + 16, rb.getInt(req + 14 + 12));
        b.put(ip + 8, (byte) 64);
        b.putShort(ip + 10, (short) 0);
        b.putShort(ip + 10, (short) checksum(b, ip, ihl));
        int icmp = ip + ihl;
        b.put(icmp, (byte) 0);
        b.put(icmp + 1, (byte) 0);
        b.putShort(icmp + 2, (short) 0);
        b.putShort(icmp + 2, (short) checksum(b, icmp, ipLength - ihl));
        return length;
    }

    /** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */
    static int checksum(ByteBuffer b, int at, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += u16(b, at + i);
        }
        if (i < length) {
            sum += (b.get(at + i) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
