package io.jmtcp.engine.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), the keyed hash
 * behind jmtcp's initial sequence numbers (RFC 6528 §3) and SYN cookies (RFC 4987 §3.6), as Linux
 * uses it for both ({@code secure_tcp_seq}, {@code cookie_hash}). Only the fixed-size inputs TCP
 * needs are offered: four or five 32-bit words, hashed as the message made of their
 * little-endian bytes in argument order (16 or 20 bytes), under the 128-bit key whose first eight
 * little-endian bytes are {@code k0} and last eight {@code k1}. The result equals the reference
 * implementation's 64-bit output read as a little-endian number. Stateless and allocation-free:
 * any thread may call it.
 */
public final class SipHash {

    // "somepseudorandomlygeneratedbytes", the initial state constants of the paper §2.
    private static final long C0 = 0x736f6d6570736575L;
    private static final long C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L;
    private static final long C3 = 0x7465646279746573L;

    private SipHash() {
    }

    /**
     * SipHash-2-4 of the 16-byte message {@code a b c d}, each word in little-endian byte order.
     */
    public static long hash(long k0, long k1, int a, int b, int c, int d) {
        // The paper §2: the last block carries the message length (mod 256) in its top byte; a
        // 16-byte message leaves no tail bytes, so the final block is the length alone.
        return sip3(k0, k1, words(a, b), words(c, d), 16L << 56);
    }

    /**
     * SipHash-2-4 of the 20-byte message {@code a b c d e}, each word in little-endian byte order.
     */
    public static long hash(long k0, long k1, int a, int b, int c, int d, int e) {
        // Four tail bytes (e) in the low half of the last block, the length 20 in its top byte.
        return sip3(k0, k1, words(a, b), words(c, d), (20L << 56) | (e & 0xffff_ffffL));
    }

    /** Two 32-bit words as the 64-bit little-endian word their eight bytes form. */
    private static long words(int low, int high) {
        return (low & 0xffff_ffffL) | ((long) high << 32);
    }

    /**
     * The whole of SipHash-2-4 over exactly three message words, the last of which already holds
     * the length byte (so inputs of 16 to 23 bytes): initialisation, two SipRounds per word
     * (c = 2), finalisation with 0xff and four SipRounds (d = 4). The loops have constant trip
     * counts, which the JIT unrolls, keeping the four state words in registers.
     */
    private static long sip3(long k0, long k1, long m0, long m1, long m2) {
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;

        for (int w = 0; w < 3; w++) {
            long m = w == 0 ? m0 : w == 1 ? m1 : m2;
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }

        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
