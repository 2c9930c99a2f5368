package io.jmtcp.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToeplitzTest {

    private final Toeplitz microsoft = new Toeplitz(Toeplitz.microsoftKey());

    /**
     * Every IPv4 row of Microsoft's "Verifying the RSS Hash Calculation" table (NDIS), with the
     * standard key: destination, source, hash over addresses only, hash with TCP ports.
     */
    @ParameterizedTest(name = "{2}:{3} -> {0}:{1}")
    @CsvSource({
        "161.142.100.80,  1766, 66.9.149.187,   2794,  0x323e8fc2, 0x51ccc178",
        "65.69.140.83,    4739, 199.92.111.2,   14230, 0xd718262a, 0xc626b0ea",
        "12.22.207.184,  38024, 24.19.198.95,   12898, 0xd2d0a5de, 0x5c2b394a",
        "209.142.163.6,   2217, 38.27.205.30,   48228, 0x82989176, 0xafc7327f",
        "202.188.127.2,   1303, 153.39.163.191, 44251, 0x5d1809c5, 0x10e828a2",
    })
    void reproducesMicrosoftVerificationSuite(String dst, int dstPort, String src, int srcPort,
            String ipOnly, String withTcp) {
        assertThat(microsoft.hash(ip(src), ip(dst))).isEqualTo(Integer.parseUnsignedInt(ipOnly.substring(2), 16));
        assertThat(microsoft.hash(ip(src), ip(dst), srcPort, dstPort))
                .isEqualTo(Integer.parseUnsignedInt(withTcp.substring(2), 16));
    }

    @Test
    void tablesAgreeWithBitByBitDefinitionOnRandomTuples() {
        SplittableRandom random = new SplittableRandom(6056);
        byte[] key = new byte[Toeplitz.KEY_LENGTH];
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) random.nextInt(256);
            }
            Toeplitz toeplitz = new Toeplitz(key);
            for (int i = 0; i < 500; i++) {
                int src = random.nextInt();
                int dst = random.nextInt();
                int sp = random.nextInt(65536);
                int dp = random.nextInt(65536);
                assertThat(toeplitz.hash(src, dst, sp, dp)).isEqualTo(reference(key, src, dst, sp, dp, 12));
                assertThat(toeplitz.hash(src, dst)).isEqualTo(reference(key, src, dst, 0, 0, 8));
            }
        }
    }

    @Test
    void symmetricKeyHashesBothDirectionsAlike() {
        Toeplitz symmetric = new Toeplitz(Toeplitz.symmetricKey());
        SplittableRandom random = new SplittableRandom(4987);
        for (int i = 0; i < 100_000; i++) {
            int a = random.nextInt();
            int b = random.nextInt();
            int pa = random.nextInt(65536);
            int pb = random.nextInt(65536);
            assertThat(symmetric.hash(a, b, pa, pb)).isEqualTo(symmetric.hash(b, a, pb, pa));
            assertThat(symmetric.hash(a, b)).isEqualTo(symmetric.hash(b, a));
        }
    }

    @Test
    void standardKeyIsNotSymmetric() {
        // The contrast that makes the test above meaningful: the verification key separates directions.
        int src = ip("66.9.149.187");
        int dst = ip("161.142.100.80");
        assertThat(microsoft.hash(src, dst, 2794, 1766)).isNotEqualTo(microsoft.hash(dst, src, 1766, 2794));
    }

    @Test
    void symmetricKeyIsSixDFiveARepeated() {
        byte[] key = Toeplitz.symmetricKey();
        assertThat(key).hasSize(40);
        for (int i = 0; i < 40; i += 2) {
            assertThat(key[i]).isEqualTo((byte) 0x6d);
            assertThat(key[i + 1]).isEqualTo((byte) 0x5a);
        }
    }

    @Test
    void keyIsCopiedSoLaterChangesToTheArrayDoNotLeakIn() {
        byte[] key = Toeplitz.microsoftKey();
        Toeplitz toeplitz = new Toeplitz(key);
        int before = toeplitz.hash(ip("66.9.149.187"), ip("161.142.100.80"), 2794, 1766);
        key[0] ^= 0x7f;
        assertThat(toeplitz.hash(ip("66.9.149.187"), ip("161.142.100.80"), 2794, 1766)).isEqualTo(before);
        assertThat(toeplitz.key()).isEqualTo(Toeplitz.microsoftKey());
    }

    @Test
    void rejectsKeysThatAreNotFortyBytes() {
        assertThatThrownBy(() -> new Toeplitz(new byte[39])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("40 bytes");
        assertThatThrownBy(() -> new Toeplitz(null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The NDIS definition, literally: one key window per set input bit. */
    private static int reference(byte[] key, int src, int dst, int sp, int dp, int length) {
        byte[] input = {
            (byte) (src >>> 24), (byte) (src >>> 16), (byte) (src >>> 8), (byte) src,
            (byte) (dst >>> 24), (byte) (dst >>> 16), (byte) (dst >>> 8), (byte) dst,
            (byte) (sp >>> 8), (byte) sp, (byte) (dp >>> 8), (byte) dp,
        };
        // v is the 32-bit window of the key under the current input bit; it slides one bit per input bit.
        int v = (key[0] & 0xff) << 24 | (key[1] & 0xff) << 16 | (key[2] & 0xff) << 8 | (key[3] & 0xff);
        int result = 0;
        for (int j = 0; j < length * 8; j++) {
            if ((input[j >>> 3] & (0x80 >>> (j & 7))) != 0) {
                result ^= v;
            }
            int next = 32 + j;
            v = (v << 1) | ((key[next >>> 3] >>> (7 - (next & 7))) & 1);
        }
        return result;
    }

    static int ip(String dotted) {
        String[] parts = dotted.trim().split("\\.");
        return Integer.parseInt(parts[0]) << 24 | Integer.parseInt(parts[1]) << 16
                | Integer.parseInt(parts[2]) << 8 | Integer.parseInt(parts[3]);
    }
}
