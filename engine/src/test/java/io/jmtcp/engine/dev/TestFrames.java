package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built Ethernet frames with valid checksums (ARP per RFC 826, IPv4 per RFC 791, ICMP echo
 * per RFC 792) and helpers that push frames through a {@link NetDevice} in bursts. Independent
 * of the wire package on purpose: these tests check the devices, not the parsers.
 */
final class TestFrames {

    static final long MAC_A = 0x02_00_00_00_01_01L;
    static final long MAC_B = 0x02_00_00_00_01_02L;
    static final int IP_A = 0xC6_12_00_01; // 198.18.0.1
    static final int IP_B = 0xC6_12_00_02; // 198.18.0.2
    static final int ICMP_PAYLOAD = 32;
    /** 14 Ethernet + 20 IPv4 + 8 ICMP + 32 payload: no Ethernet padding, so every byte is checksummed. */
    static final int ICMP_FRAME = 14 + 20 + 8 + ICMP_PAYLOAD;

    private TestFrames() {}

    static byte[] arp(int opcode, long senderMac, int senderIp, long targetMac, int targetIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        putMac(b, opcode == 1 ? 0xFFFF_FFFF_FFFFL : targetMac);
        putMac(b, senderMac);
        b.putShort((short) 0x0806);
        b.putShort((short) 1); // htype Ethernet
        b.putShort((short) 0x0800); // ptype IPv4
        b.put((byte) 6).put((byte) 4);
        b.putShort((short) opcode);
        putMac(b, senderMac);
        b.putInt(senderIp);
        putMac(b, opcode == 1 ? 0 : targetMac);
        b.putInt(targetIp);
        return b.array();
    }

    /** An ICMP echo (type 8 request, 0 reply) whose payload starts with {@code seq} as a 4-byte int. */
    static byte[] icmpEcho(int type, long srcMac, long dstMac, int srcIp, int dstIp, int id, int seq) {
        ByteBuffer b = ByteBuffer.allocate(ICMP_FRAME);
        putMac(b, dstMac);
        putMac(b, srcMac);
        b.putShort((short) 0x0800);
        // IPv4 header, RFC 791 section 3.1
        b.put((byte) 0x45).put((byte) 0);
        b.putShort((short) (20 + 8 + ICMP_PAYLOAD));
        b.putShort((short) seq); // identification
        b.putShort((short) 0x4000); // DF
        b.put((byte) 64).put((byte) 1); // TTL, protocol ICMP
        b.putShort((short) 0);
        b.putInt(srcIp).putInt(dstIp);
        // ICMP echo, RFC 792
        b.put((byte) type).put((byte) 0).putShort((short) 0);
        b.putShort((short) id).putShort((short) seq);
        b.putInt(seq);
        for (int i = 4; i < ICMP_PAYLOAD; i++) {
            b.put((byte) (i * 7 + seq));
        }
        byte[] f = b.array();
        putShort(f, 24, checksum(f, 14, 20));
        putShort(f, 36, checksum(f, 34, 8 + ICMP_PAYLOAD));
        return f;
    }

    static byte[] icmpRequest(int seq) {
        return icmpEcho(8, MAC_A, MAC_B, IP_A, IP_B, 0x1234, seq);
    }

    /** The sequence number an {@link #icmpEcho} frame carries in its payload. */
    static int seqOf(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(42);
    }

    /** RFC 1071 Internet checksum of {@code len} bytes. */
    static int checksum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((data[off + i] & 0xFF) << 8) | (data[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            sum += (data[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** True when both the IPv4 header and the ICMP message of an echo frame verify. */
    static boolean checksumsVerify(byte[] f) {
        return checksum(f, 14, 20) == 0 && checksum(f, 34, f.length - 34) == 0;
    }

    private static void putMac(ByteBuffer b, long mac) {
        for (int shift = 40; shift >= 0; shift -= 8) {
            b.put((byte) (mac >>> shift));
        }
    }

    private static void putShort(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }

    /** Transmits {@code frames} in one burst through {@code dev}; returns what txBurst reported. */
    static int send(NetDevice dev, FrameBatch batch, List<byte[]> frames) {
        for (byte[] f : frames) {
            int i = dev.txAcquire(0, batch);
            if (i < 0) {
                throw new AssertionError("device " + dev.name() + " has no free transmit frame");
            }
            batch.buffer(i).put(batch.offset(i), f);
            batch.length(i, f.length);
        }
        return dev.txBurst(0, batch);
    }

    static int send(NetDevice dev, FrameBatch batch, byte[] frame) {
        return send(dev, batch, List.of(frame));
    }

    /** Receives everything waiting on queue 0 of {@code dev}, copied out. */
    static List<byte[]> receive(NetDevice dev, FrameBatch batch) {
        List<byte[]> out = new ArrayList<>();
        while (true) {
            int n = dev.rxBurst(0, batch);
            for (int i = 0; i < batch.size(); i++) {
                byte[] f = new byte[batch.length(i)];
                batch.buffer(i).get(batch.offset(i), f);
                out.add(f);
            }
            dev.rxRelease(0, batch);
            if (n == 0) {
                return out;
            }
        }
    }
}
