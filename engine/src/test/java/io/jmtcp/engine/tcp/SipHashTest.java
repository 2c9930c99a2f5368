package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SipHashTest {

    /**
     * SipHash-2-4 outputs (read as little-endian 64-bit numbers) from the SipHash reference
     * implementation's test vectors, for the key 00 01 .. 0f and the messages of length 0..63
     * made of the bytes 00 01 02 ... Vector 15 is the worked example of the paper's Appendix A.
     */
    private static final long[] VECTORS = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    /** The key 00 01 .. 0f as two little-endian words. */
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void generalReferenceMatchesAllSixtyFourPaperVectors() {
        byte[] message = new byte[64];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        for (int length = 0; length < VECTORS.length; length++) {
            assertThat(reference(K0, K1, message, length))
                    .as("vector %d", length)
                    .isEqualTo(VECTORS[length]);
        }
    }

    @Test
    void fourWordHashGivesTheSixteenByteVector() {
        // Bytes 00..0f as four little-endian words.
        assertThat(SipHash.hash(K0, K1, 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c))
                .isEqualTo(VECTORS[16]);
    }

    @Test
    void fiveWordHashGivesTheTwentyByteVector() {
        assertThat(SipHash.hash(K0, K1, 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110))
                .isEqualTo(VECTORS[20]);
    }

    @Test
    void wordHashesEqualTheGeneralHashOfTheirLittleEndianBytes() {
        SplittableRandom random = new SplittableRandom(6528);
        for (int i = 0; i < 10_000; i++) {
            long k0 = random.nextLong();
            long k1 = random.nextLong();
            int[] w = new int[5];
            for (int j = 0; j < w.length; j++) {
                w[j] = random.nextInt();
            }
            byte[] bytes = littleEndian(w);
            assertThat(SipHash.hash(k0, k1, w[0], w[1], w[2], w[3]))
                    .isEqualTo(reference(k0, k1, bytes, 16));
            assertThat(SipHash.hash(k0, k1, w[0], w[1], w[2], w[3], w[4]))
                    .isEqualTo(reference(k0, k1, bytes, 20));
        }
    }

    @Test
    void everyKeyBitAndEveryInputBitChangesTheHash() {
        long base = SipHash.hash(K0, K1, 1, 2, 3, 4, 5);
        for (int bit = 0; bit < 64; bit++) {
            assertThat(SipHash.hash(K0 ^ (1L << bit), K1, 1, 2, 3, 4, 5)).isNotEqualTo(base);
            assertThat(SipHash.hash(K0, K1 ^ (1L << bit), 1, 2, 3, 4, 5)).isNotEqualTo(base);
        }
        for (int bit = 0; bit < 32; bit++) {
            int f = 1 << bit;
            assertThat(SipHash.hash(K0, K1, 1 ^ f, 2, 3, 4, 5)).isNotEqualTo(base);
            assertThat(SipHash.hash(K0, K1, 1, 2 ^ f, 3, 4, 5)).isNotEqualTo(base);
            assertThat(SipHash.hash(K0, K1, 1, 2, 3 ^ f, 4, 5)).isNotEqualTo(base);
            assertThat(SipHash.hash(K0, K1, 1, 2, 3, 4 ^ f, 5)).isNotEqualTo(base);
            assertThat(SipHash.hash(K0, K1, 1, 2, 3, 4, 5 ^ f)).isNotEqualTo(base);
        }
    }

    private static byte[] littleEndian(int[] words) {
        byte[] bytes = new byte[words.length * 4];
        for (int i = 0; i < words.length; i++) {
            for (int b = 0; b < 4; b++) {
                bytes[i * 4 + b] = (byte) (words[i] >>> (8 * b));
            }
        }
        return bytes;
    }

    /**
     * SipHash-2-4 of the first {@code length} bytes of {@code in}, written from the paper's
     * description for any length, independently of the fixed-size production code.
     */
    private static long reference(long k0, long k1, byte[] in, int length) {
        long[] v = {
            k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL,
            k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L,
        };
        int fullWords = length / 8;
        for (int i = 0; i < fullWords; i++) {
            long m = 0;
            for (int b = 7; b >= 0; b--) {
                m = (m << 8) | (in[i * 8 + b] & 0xff);
            }
            compress(v, m, 2);
        }
        // Last block: the remaining 0..7 bytes, little-endian, with length mod 256 in the top byte.
        long last = (long) (length & 0xff) << 56;
        for (int b = 0; b < length % 8; b++) {
            last |= (long) (in[fullWords * 8 + b] & 0xff) << (8 * b);
        }
        compress(v, last, 2);
        v[2] ^= 0xff;
        rounds(v, 4);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void compress(long[] v, long m, int c) {
        v[3] ^= m;
        rounds(v, c);
        v[0] ^= m;
    }

    private static void rounds(long[] v, int n) {
        for (int i = 0; i < n; i++) {
            v[0] += v[1];
            v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
            v[0] = Long.rotateLeft(v[0], 32);
            v[2] += v[3];
            v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
            v[0] += v[3];
            v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
            v[2] += v[1];
            v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
            v[2] = Long.rotateLeft(v[2], 32);
        }
    }
}
