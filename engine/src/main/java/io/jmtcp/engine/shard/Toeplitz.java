package io.jmtcp.engine.shard;

/**
 * The receive-side-scaling hash of Microsoft's NDIS RSS specification ("Verifying the RSS Hash
 * Calculation"), which NICs compute in hardware to pick a receive queue: a Toeplitz hash of the
 * IPv4 source address, destination address, TCP source port and destination port, in that order
 * and in network byte order, under a 40-byte secret key.
 *
 * <p>The definition walks the input bit by bit: for every input bit that is set, the result is
 * XORed with the 32 key bits starting at that bit's position. Because the hash is linear (XOR)
 * in its input, the contribution of each input byte at each position can be tabulated: the
 * constructor builds one 256-entry table per input byte position (12 tables, 12 KiB), so
 * {@link #hash(int, int, int, int)} is twelve table loads and XORs, with no per-bit loop.
 *
 * <p>With {@link #symmetricKey()} (the 16-bit pattern 0x6d5a repeated; Woo and Park, "Scalable
 * TCP Session Monitoring with Symmetric Receive-side Scaling") the key is periodic with period 16
 * bits, and since addresses and ports each occupy a multiple of 16 bits, swapping source with
 * destination leaves the hash unchanged: both directions of a connection land on one queue.
 *
 * <p>Threading: immutable after construction; one instance is shared by all engines.
 */
public final class Toeplitz {

    /** Key length required by the NDIS specification. */
    public static final int KEY_LENGTH = 40;

    /** Input bytes of the 4-tuple: 4 + 4 address bytes, 2 + 2 port bytes. */
    private static final int INPUT_BYTES = 12;

    /** {@code table[position * 256 + b]}: the hash of input byte {@code b} at {@code position}. */
    private final int[] table;

    private final byte[] key;

    /**
     * Builds the lookup tables for {@code key}.
     *
     * @param key the 40-byte RSS secret key; copied
     * @throws IllegalArgumentException if the key is not 40 bytes
     */
    public Toeplitz(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("RSS key must be " + KEY_LENGTH + " bytes, was "
                    + (key == null ? "null" : key.length + " bytes"));
        }
        this.key = key.clone();
        this.table = new int[INPUT_BYTES * 256];
        for (int position = 0; position < INPUT_BYTES; position++) {
            // The 32-bit key window under each of the 8 bits of this input byte (MSB first).
            int[] windows = new int[8];
            for (int bit = 0; bit < 8; bit++) {
                windows[bit] = window(this.key, position * 8 + bit);
            }
            for (int b = 0; b < 256; b++) {
                int h = 0;
                for (int bit = 0; bit < 8; bit++) {
                    if ((b & (0x80 >>> bit)) != 0) {
                        h ^= windows[bit];
                    }
                }
                table[position * 256 + b] = h;
            }
        }
    }

    /** The key of the Microsoft verification suite, used by most NICs and DPDK as default. */
    public static byte[] microsoftKey() {
        return new byte[] {
            0x6d, 0x5a, 0x56, (byte) 0xda, 0x25, 0x5b, 0x0e, (byte) 0xc2,
            0x41, 0x67, 0x25, 0x3d, 0x43, (byte) 0xa3, (byte) 0x8f, (byte) 0xb0,
            (byte) 0xd0, (byte) 0xca, 0x2b, (byte) 0xcb, (byte) 0xae, 0x7b, 0x30, (byte) 0xb4,
            0x77, (byte) 0xcb, 0x2d, (byte) 0xa3, (byte) 0x80, 0x30, (byte) 0xf2, 0x0c,
            0x6a, 0x42, (byte) 0xb7, 0x3b, (byte) 0xbe, (byte) 0xac, 0x01, (byte) 0xfa,
        };
    }

    /**
     * The symmetric key: 0x6d5a repeated to 40 bytes, so that
     * {@code hash(a, b, pa, pb) == hash(b, a, pb, pa)}. A fresh array each call.
     */
    public static byte[] symmetricKey() {
        byte[] k = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i += 2) {
            k[i] = 0x6d;
            k[i + 1] = 0x5a;
        }
        return k;
    }

    /** A copy of the key. */
    public byte[] key() {
        return key.clone();
    }

    /**
     * The 4-tuple hash ("IPv4 with TCP" in the NDIS suite).
     *
     * @param srcIp source address, as a big-endian int (192.0.2.1 is {@code 0xc0000201})
     * @param dstIp destination address, likewise
     * @param srcPort source port, 0..65535
     * @param dstPort destination port, 0..65535
     */
    public int hash(int srcIp, int dstIp, int srcPort, int dstPort) {
        return hash(srcIp, dstIp) ^ portsTerm(srcPort, dstPort);
    }

    /** The 2-tuple hash over addresses only ("IPv4 only"; used for fragments and non-TCP). */
    public int hash(int srcIp, int dstIp) {
        int[] t = table;
        return t[(srcIp >>> 24)]
                ^ t[256 + ((srcIp >>> 16) & 0xff)]
                ^ t[2 * 256 + ((srcIp >>> 8) & 0xff)]
                ^ t[3 * 256 + (srcIp & 0xff)]
                ^ t[4 * 256 + (dstIp >>> 24)]
                ^ t[5 * 256 + ((dstIp >>> 16) & 0xff)]
                ^ t[6 * 256 + ((dstIp >>> 8) & 0xff)]
                ^ t[7 * 256 + (dstIp & 0xff)];
    }

    /** The contribution of the two ports; XOR it into a 2-tuple hash to get the 4-tuple hash. */
    int portsTerm(int srcPort, int dstPort) {
        return srcPortTerm(srcPort) ^ dstPortTerm(dstPort);
    }

    int srcPortTerm(int srcPort) {
        int[] t = table;
        return t[8 * 256 + ((srcPort >>> 8) & 0xff)] ^ t[9 * 256 + (srcPort & 0xff)];
    }

    int dstPortTerm(int dstPort) {
        int[] t = table;
        return t[10 * 256 + ((dstPort >>> 8) & 0xff)] ^ t[11 * 256 + (dstPort & 0xff)];
    }

    /** The 32 key bits starting at bit {@code offset} (bit 0 = MSB of key byte 0). */
    private static int window(byte[] key, int offset) {
        int w = 0;
        for (int i = 0; i < 32; i++) {
            int bit = offset + i;
            w = (w << 1) | ((key[bit >>> 3] >>> (7 - (bit & 7))) & 1);
        }
        return w;
    }
}
