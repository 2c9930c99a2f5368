package io.jmtcp.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    /** The textbook RFC 1071 algorithm: 16-bit big-endian words, odd byte padded, carries folded. */
    static int referenceSum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[offset + i] & 0xff;
            int lo = i + 1 < length ? data[offset + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    static int reference(byte[] data, int offset, int length) {
        return ~referenceSum(data, offset, length) & 0xffff;
    }

    private static ByteBuffer direct(byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length);
        buffer.put(0, data);
        return buffer;
    }

    @Test
    void matchesTheNumericExampleOfRfc1071() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2
        ByteBuffer buffer = direct(Hex.bytes("0001f203f4f5f6f7"));
        assertThat(Checksum.partial(buffer, 0, 8, 0)).isEqualTo(0xddf2);
        assertThat(Checksum.compute(buffer, 0, 8)).isEqualTo(0x220d);
    }

    @Test
    void matchesTheReferenceOnRandomDataOfRandomLengthsAndOffsets() {
        SplittableRandom random = new SplittableRandom(1071);
        byte[] data = new byte[4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        ByteBuffer buffer = direct(data);
        ByteBuffer little = direct(data).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer heap = ByteBuffer.wrap(data);
        for (int round = 0; round < 20_000; round++) {
            int length = round < 64 ? round : random.nextInt(2049);
            int offset = random.nextInt(data.length - length + 1);
            int expected = reference(data, offset, length);
            assertThat(Checksum.compute(buffer, offset, length)).as("offset %d length %d", offset, length)
                    .isEqualTo(expected);
            assertThat(Checksum.compute(little, offset, length)).isEqualTo(expected);
            assertThat(Checksum.compute(heap, offset, length)).isEqualTo(expected);
        }
    }

    @Test
    void chainsChunksOfAnyParity() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        ByteBuffer buffer = direct(data);
        for (int round = 0; round < 5_000; round++) {
            int length = random.nextInt(1500);
            int offset = random.nextInt(data.length - length + 1);
            int sum = random.nextBoolean() ? 0 : random.nextInt(0x10000); // a pseudo-header, say
            int expectedSum = (int) foldReference(sum + (long) referenceSum(data, offset, length));
            int done = 0;
            while (done < length) {
                int chunk = 1 + random.nextInt(Math.min(200, length - done));
                sum = Checksum.partial(buffer, offset + done, chunk, sum, (done & 1) != 0);
                done += chunk;
            }
            assertThat(sum).as("offset %d length %d", offset, length).isEqualTo(expectedSum);
        }
    }

    private static long foldReference(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    void evenChunksChainWithThePlainOverload() {
        byte[] data = Hex.bytes("45000054399140004001aeefc6126301c6126302");
        ByteBuffer buffer = direct(data);
        int sum = Checksum.partial(buffer, 0, 6, 0);
        sum = Checksum.partial(buffer, 6, 10, sum);
        sum = Checksum.partial(buffer, 16, 4, sum);
        assertThat(sum).isEqualTo(0xffff); // the kernel's IPv4 header of the captured echo request
    }

    @Test
    void foldsEveryCarry() {
        assertThat(Checksum.fold(0)).isZero();
        assertThat(Checksum.fold(0xffff)).isEqualTo(0xffff);
        assertThat(Checksum.fold(0x10000)).isEqualTo(1);
        assertThat(Checksum.fold(0x1fffe)).isEqualTo(0xffff);
        assertThat(Checksum.fold(0xffff_ffffL)).isEqualTo(0xffff);
        assertThat(Checksum.fold(-1L)).isEqualTo(0xffff);
        assertThat(Checksum.fold(0x1_0000_0000L)).isEqualTo(1);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong() >>> random.nextInt(64);
            long expected = value == 0 ? 0 : (Long.remainderUnsigned(value, 0xffff) == 0 ? 0xffff
                    : Long.remainderUnsigned(value, 0xffff));
            assertThat(Checksum.fold(value)).as("%x", value).isEqualTo((int) expected);
        }
    }

    @Test
    void pseudoHeaderEqualsTheSumOfItsTwelveBytes() {
        SplittableRandom random = new SplittableRandom(9293);
        for (int i = 0; i < 1000; i++) {
            int src = random.nextInt();
            int dst = random.nextInt();
            int protocol = random.nextBoolean() ? 6 : 17;
            int length = random.nextInt(0x10000);
            byte[] bytes = new byte[12];
            ByteBuffer.wrap(bytes).putInt(src).putInt(dst).put((byte) 0).put((byte) protocol).putShort((short) length);
            int expected = referenceSum(bytes, 0, 12);
            int actual = Checksum.pseudoHeader(src, dst, protocol, length);
            // 0 and 0xffff are the same ones'-complement number; the reference never folds to 0xffff from 0
            assertThat(actual == expected || (actual % 0xffff == expected % 0xffff)).as("%x %x", actual, expected)
                    .isTrue();
        }
    }

    @Test
    void incrementalUpdateEqualsRecomputation() {
        SplittableRandom random = new SplittableRandom(1624);
        byte[] data = new byte[60];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) random.nextInt(256);
            }
            data[0] = 0x45; // never all zeros
            int before = reference(data, 0, data.length);
            int word = 2 * (1 + random.nextInt(data.length / 2 - 1));
            int oldWord = ((data[word] & 0xff) << 8) | (data[word + 1] & 0xff);
            int newWord = round % 10 == 0 ? (round % 20 == 0 ? 0 : 0xffff) : random.nextInt(0x10000);
            data[word] = (byte) (newWord >>> 8);
            data[word + 1] = (byte) newWord;
            assertThat(Checksum.update(before, oldWord, newWord)).isEqualTo(reference(data, 0, data.length));

            int before32 = reference(data, 0, data.length);
            int at = 4 * (1 + random.nextInt(data.length / 4 - 1));
            int oldValue = ByteBuffer.wrap(data).getInt(at);
            int newValue = random.nextInt();
            ByteBuffer.wrap(data).putInt(at, newValue);
            assertThat(Checksum.update32(before32, oldValue, newValue)).isEqualTo(reference(data, 0, data.length));
        }
    }

    @Test
    void updatesTheKernelsIpv4HeaderChecksumWhenTtlDrops() {
        ByteBuffer buffer = Hex.direct(Hex.bytes(CapturedFrames.ICMP_ECHO_REQUEST));
        Ipv4Packet ip = new Ipv4Packet().wrap(buffer, Hex.OFFSET + 14, 84);
        int oldWord = (ip.timeToLive() << 8) | ip.protocol();
        ip.timeToLive(ip.timeToLive() - 1);
        int newWord = (ip.timeToLive() << 8) | ip.protocol();
        ip.headerChecksum(Checksum.update(ip.headerChecksum(), oldWord, newWord));
        assertThat(ip.verifyChecksum()).isTrue();
        int updated = ip.headerChecksum();
        ip.computeChecksum();
        assertThat(ip.headerChecksum()).isEqualTo(updated);
    }
}
