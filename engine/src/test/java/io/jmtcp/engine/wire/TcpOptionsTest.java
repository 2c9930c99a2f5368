package io.jmtcp.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    /** Options of the kernel's SYN (CapturedFrames.TCP_SYN): MSS 1460, SACK-perm + TS, NOP, WS 10. */
    private static final String KERNEL_SYN_OPTIONS = "020405b40402080a7c3f2236000000000103030a";
    /** Options of the kernel's established segments: NOP NOP TS. */
    private static final String KERNEL_ACK_OPTIONS = "0101080a7c3f2236589e2c1b";

    private final TcpOptions options = new TcpOptions();

    private boolean parse(String hex) {
        byte[] bytes = Hex.bytes(hex);
        return options.parse(Hex.direct(bytes), Hex.OFFSET, bytes.length);
    }

    private String written() {
        ByteBuffer buffer = Hex.filled(TcpOptions.MAX_LENGTH, 0xa5);
        int length = options.write(buffer, Hex.OFFSET);
        assertThat(length).isEqualTo(options.encodedLength());
        assertThat(length % 4).isZero();
        assertThat(buffer.get(Hex.OFFSET + length)).as("nothing written past the length").isEqualTo((byte) 0xa5);
        return Hex.of(buffer, Hex.OFFSET, length);
    }

    @Test
    void parsesAndRewritesTheKernelsSynOptionsByteForByte() {
        assertThat(parse(KERNEL_SYN_OPTIONS)).isTrue();
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.hasTimestamps()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0x7c3f2236);
        assertThat(options.tsEcr()).isZero();
        assertThat(options.windowScale()).isEqualTo(10);
        assertThat(options.sackBlockCount()).isZero();
        assertThat(written()).isEqualTo(KERNEL_SYN_OPTIONS);
    }

    @Test
    void parsesAndRewritesTheKernelsTimestampOnlyOptions() {
        assertThat(parse(KERNEL_ACK_OPTIONS)).isTrue();
        assertThat(options.mss()).isEqualTo(-1);
        assertThat(options.windowScale()).isEqualTo(-1);
        assertThat(options.sackPermitted()).isFalse();
        assertThat(options.tsVal()).isEqualTo(0x7c3f2236);
        assertThat(options.tsEcr()).isEqualTo(0x589e2c1b);
        assertThat(written()).isEqualTo(KERNEL_ACK_OPTIONS);
    }

    @Test
    void writesLinuxLayoutsForEachCombination() {
        options.clear().mss(1460).sackPermitted(true).windowScale(7);
        assertThat(written()).isEqualTo("020405b4" + "01010402" + "01030307");
        options.clear().mss(536);
        assertThat(written()).isEqualTo("02040218");
        options.clear().timestamps(1, 2).addSackBlock(100, 200);
        assertThat(written()).isEqualTo("0101080a0000000100000002" + "0101050a" + "00000064000000c8");
        options.clear();
        assertThat(written()).isEmpty();
    }

    @Test
    void roundTripsEveryCombinationAndSizesItWithoutAValue() {
        SplittableRandom random = new SplittableRandom(2018);
        TcpOptions parsed = new TcpOptions();
        for (int mask = 0; mask < 16; mask++) {
            for (int blocks = 0; blocks <= 4; blocks++) {
                options.clear();
                if ((mask & 1) != 0) {
                    options.mss(random.nextInt(0x10000));
                }
                if ((mask & 2) != 0) {
                    options.windowScale(random.nextInt(15));
                }
                if ((mask & 4) != 0) {
                    options.sackPermitted(true);
                }
                if ((mask & 8) != 0) {
                    options.timestamps(random.nextInt(), random.nextInt());
                }
                for (int b = 0; b < blocks; b++) {
                    assertThat(options.addSackBlock(random.nextInt(), random.nextInt())).isTrue();
                }
                int length = options.encodedLength();
                assertThat(length).isLessThanOrEqualTo(TcpOptions.MAX_LENGTH);
                assertThat(TcpOptions.writtenLength((mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0,
                        (mask & 8) != 0, blocks)).isEqualTo(length);
                ByteBuffer buffer = Hex.filled(TcpOptions.MAX_LENGTH, 0xa5);
                assertThat(options.write(buffer, Hex.OFFSET)).isEqualTo(length);
                assertThat(parsed.parse(buffer, Hex.OFFSET, length)).isTrue();
                assertThat(parsed.mss()).isEqualTo(options.mss());
                assertThat(parsed.windowScale()).isEqualTo(options.windowScale());
                assertThat(parsed.sackPermitted()).isEqualTo(options.sackPermitted());
                assertThat(parsed.hasTimestamps()).isEqualTo(options.hasTimestamps());
                assertThat(parsed.tsVal()).isEqualTo(options.tsVal());
                assertThat(parsed.tsEcr()).isEqualTo(options.tsEcr());
                int fitting = Math.min(blocks, (TcpOptions.MAX_LENGTH - 4 - (length - (parsed.sackBlockCount() == 0
                        ? 0 : 4 + 8 * parsed.sackBlockCount()))) / 8);
                assertThat(parsed.sackBlockCount()).isEqualTo(fitting);
                for (int b = 0; b < parsed.sackBlockCount(); b++) {
                    assertThat(parsed.sackLeft(b)).isEqualTo(options.sackLeft(b));
                    assertThat(parsed.sackRight(b)).isEqualTo(options.sackRight(b));
                }
            }
        }
    }

    @Test
    void leavesOutSackBlocksThatDoNotFitBesideTimestamps() {
        options.clear().timestamps(5, 6);
        for (int b = 0; b < 4; b++) {
            options.addSackBlock(b, b + 1);
        }
        assertThat(options.addSackBlock(9, 10)).as("a fifth block").isFalse();
        assertThat(options.encodedLength()).isEqualTo(12 + 4 + 24); // three blocks, as Linux sends
        TcpOptions parsed = new TcpOptions();
        ByteBuffer buffer = Hex.filled(40, 0);
        parsed.parse(buffer, Hex.OFFSET, options.write(buffer, Hex.OFFSET));
        assertThat(parsed.sackBlockCount()).isEqualTo(3);
        options.clearTimestamps();
        assertThat(options.encodedLength()).isEqualTo(4 + 32);
    }

    @Test
    void keepsWindowScaleAboveFourteenAsSent() {
        assertThat(parse("01030309" + "0103030f")).isTrue();
        assertThat(options.windowScale()).isEqualTo(15);
        assertThat(parse("010303ff")).isTrue();
        assertThat(options.windowScale()).isEqualTo(255);
    }

    @Test
    void skipsUnknownKindsAndStopsAtEndOfList() {
        // kind 30 (MPTCP) of length 4, kind 34 (TFO cookie) of length 10, then MSS
        assertThat(parse("1e040000" + "220a0102030405060708" + "020405b4")).isTrue();
        assertThat(options.mss()).isEqualTo(1460);
        // after EOL, whatever follows is padding, even bytes that would be malformed
        assertThat(parse("020405b4" + "00" + "03ff0000")).isTrue();
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.windowScale()).isEqualTo(-1);
        assertThat(parse("")).isTrue();
        assertThat(options.mss()).isEqualTo(-1);
        assertThat(parse("01010101")).isTrue();
    }

    @Test
    void parsesEverySackBlockCount() {
        for (int blocks = 1; blocks <= 4; blocks++) {
            StringBuilder hex = new StringBuilder(String.format("0101%02x%02x", 5, 2 + 8 * blocks));
            for (int b = 0; b < blocks; b++) {
                hex.append(String.format("%08x%08x", 0xfffffff0 + b, 0x10 + b));
            }
            assertThat(parse(hex.toString())).isTrue();
            assertThat(options.sackBlockCount()).isEqualTo(blocks);
            for (int b = 0; b < blocks; b++) {
                assertThat(options.sackLeft(b)).isEqualTo(0xfffffff0 + b);
                assertThat(options.sackRight(b)).isEqualTo(0x10 + b);
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "kind without a length byte,             02",
        "length below 2,                         1e01",
        "length of 0,                            0200",
        "unknown option running past the end,    1e06000000",
        "MSS running past the end,               020405",
        "MSS of length 3,                        020305b4",
        "MSS of length 5,                        020505b4ff",
        "window scale of length 2,               0302",
        "window scale of length 4,               03040a00",
        "SACK-permitted of length 3,             040300",
        "timestamps of length 8,                 0808000000010000",
        "timestamps of length 11,                080b0000000100000002ff",
        "SACK with no block,                     0502",
        "SACK of length 9,                       05090000000100000002ff",
        "SACK with five blocks,                  052a00000001000000020000000100000002000000010000000200000001000000020000000100000002",
        "timestamps cut short by the end,        0101080a00000001",
        "valid MSS then garbage,                 020405b4 1e01",
    })
    void rejectsMalformedOptionLists(String what, String hex) {
        options.mss(1).windowScale(2).timestamps(3, 4);
        assertThat(parse(hex.replace(" ", ""))).as(what).isFalse();
        assertThat(options.mss()).as("cleared").isEqualTo(-1);
        assertThat(options.windowScale()).isEqualTo(-1);
        assertThat(options.hasTimestamps()).isFalse();
        assertThat(options.sackBlockCount()).isZero();
    }

    @Test
    void copiesAnotherValue() {
        options.clear().mss(1400).windowScale(3).sackPermitted(true).timestamps(7, 8).addSackBlock(1, 2);
        TcpOptions copy = new TcpOptions().copyFrom(options);
        assertThat(copy.toString()).isEqualTo(options.toString()).contains("mss=1400", "ws=3", "sackOK", "sack=1-2");
        assertThat(copy.sackRight(0)).isEqualTo(2);
    }
}
