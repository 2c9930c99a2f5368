package io.jmtcp.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteRingTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static ByteBuffer directBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static String drain(ByteRing ring, int max) {
        ByteBuffer dst = ByteBuffer.allocate(max);
        ring.read(dst);
        return new String(dst.array(), 0, dst.position(), StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.get(offset, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void rejectsCapacityThatIsNotAPowerOfTwoOrHeapMemory() {
        assertThatThrownBy(() -> ByteRing.allocate(12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> new ByteRing(ByteBuffer.allocate(16))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("direct");
    }

    @Test
    void readsBackWhatWasWrittenAndReportsSpace() {
        ByteRing ring = ByteRing.allocate(16);
        assertThat(ring.writableBytes()).isEqualTo(16);
        assertThat(ring.readableBytes()).isZero();
        ByteBuffer src = bytes("hello");
        assertThat(ring.write(src)).isEqualTo(5);
        assertThat(src.hasRemaining()).isFalse();
        assertThat(ring.writableBytes()).isEqualTo(11);
        assertThat(ring.readableBytes()).isEqualTo(5);
        assertThat(drain(ring, 64)).isEqualTo("hello");
        assertThat(ring.readPosition()).isEqualTo(5);
        assertThat(ring.writePosition()).isEqualTo(5);
        assertThat(ring.writableBytes()).isEqualTo(16);
    }

    @Test
    void writesPartiallyWhenFullAndReadsPartiallyIntoSmallBuffer() {
        ByteRing ring = ByteRing.allocate(8);
        ByteBuffer src = bytes("abcdefghijkl");
        assertThat(ring.write(src)).isEqualTo(8);
        assertThat(src.position()).isEqualTo(8);
        assertThat(ring.write(src)).isZero();
        assertThat(src.position()).isEqualTo(8);

        assertThat(drain(ring, 3)).isEqualTo("abc");
        assertThat(ring.write(src)).isEqualTo(3);
        assertThat(drain(ring, 100)).isEqualTo("defghijk");
        assertThat(drain(ring, 100)).isEmpty();
        assertThat(ring.write(ByteBuffer.allocate(0))).isZero();
    }

    @Test
    void wrapsAroundTheEndOfMemoryInBothDirections() {
        ByteRing ring = ByteRing.allocate(16);
        for (int round = 0; round < 40; round++) {
            // 11 bytes per round: the data straddles the end of the memory on most rounds
            String s = String.format("r%02d-abcdefg", round);
            assertThat(ring.write(directBytes(s))).isEqualTo(11);
            ByteBuffer dst = ByteBuffer.allocateDirect(11);
            assertThat(ring.read(dst)).isEqualTo(11);
            assertThat(text(dst, 0, 11)).isEqualTo(s);
        }
        assertThat(ring.readPosition()).isEqualTo(440);
    }

    @Test
    void gathersFromSeveralBuffersAcrossTheWrapAndStopsWhenFull() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("0123456789"));
        drain(ring, 10);
        ByteBuffer[] srcs = {bytes("ab"), ByteBuffer.allocate(0), bytes("cdefgh"), directBytes("ijklmnop"), bytes("qrst")};
        assertThat(ring.write(srcs, 1, 4)).isEqualTo(16);
        assertThat(srcs[0].position()).isZero();
        assertThat(srcs[2].hasRemaining()).isFalse();
        assertThat(srcs[3].hasRemaining()).isFalse();
        assertThat(srcs[4].position()).isEqualTo(2);
        assertThat(ring.write(srcs, 0, 5)).isZero();
        assertThat(drain(ring, 100)).isEqualTo("cdefghijklmnopqr");
    }

    @Test
    void scattersIntoSeveralBuffersAcrossTheWrapAndStopsWhenEmpty() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("0123456789012"));
        drain(ring, 13);
        ring.write(bytes("ABCDEFGHIJ"));
        ByteBuffer[] dsts = {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(3),
                ByteBuffer.allocate(20), ByteBuffer.allocate(5)};
        assertThat(ring.read(dsts, 0, 5)).isEqualTo(10);
        assertThat(text(dsts[0], 0, 4)).isEqualTo("ABCD");
        assertThat(text(dsts[2], 0, 3)).isEqualTo("EFG");
        assertThat(dsts[3].position()).isEqualTo(3);
        assertThat(text(dsts[3], 0, 3)).isEqualTo("HIJ");
        assertThat(dsts[4].position()).isZero();
        assertThat(ring.read(dsts, 0, 5)).isZero();
    }

    @Test
    void rejectsOutOfRangeArraySlices() {
        ByteRing ring = ByteRing.allocate(16);
        ByteBuffer[] two = {bytes("a"), bytes("b")};
        assertThatThrownBy(() -> ring.write(two, 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ring.read(two, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ring.write(bytes("abc"), 2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void writesFromAFrameAtAnAbsoluteOffsetWithoutMovingIt() {
        ByteRing ring = ByteRing.allocate(8);
        ByteBuffer frame = directBytes("HEADERpayload!");
        frame.position(3);
        assertThat(ring.write(frame, 6, 8)).isEqualTo(8);
        assertThat(frame.position()).isEqualTo(3);
        assertThat(frame.limit()).isEqualTo(14);
        assertThat(ring.write(frame, 6, 8)).isZero();
        assertThat(drain(ring, 100)).isEqualTo("payload!");
        frame.limit(10);
        assertThatThrownBy(() -> ring.write(frame, 6, 8)).as("beyond the frame's limit")
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void peeksAtAbsolutePositionsWithoutConsumingThenConsumesOnAck() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("0123456789"));
        ring.consume(10); // move so later data wraps
        ring.write(bytes("abcdefghijkl")); // positions 10..21, wrapping at 16
        ByteBuffer frame = ByteBuffer.allocateDirect(32);

        assertThat(ring.peek(10, frame, 4, 5)).isEqualTo(5);
        assertThat(text(frame, 4, 5)).isEqualTo("abcde");
        assertThat(ring.peek(14, frame, 0, 20)).isEqualTo(8);
        assertThat(text(frame, 0, 8)).isEqualTo("efghijkl");
        assertThat(frame.position()).isZero();
        assertThat(ring.readableBytes()).isEqualTo(12);
        assertThat(ring.peek(22, frame, 0, 5)).as("nothing published beyond").isZero();

        ring.consume(3); // ACK of "abc"
        assertThat(ring.readPosition()).isEqualTo(13);
        assertThat(ring.peek(13, frame, 0, 3)).isEqualTo(3);
        assertThat(text(frame, 0, 3)).isEqualTo("def");
        ring.advanceTo(20);
        assertThat(drain(ring, 100)).isEqualTo("kl");
        assertThat(ring.writableBytes()).isEqualTo(16);
    }

    @Test
    void peekRejectsConsumedAndUnpublishedPositions() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("abcdef"));
        ring.consume(2);
        ByteBuffer frame = ByteBuffer.allocate(8);
        assertThatThrownBy(() -> ring.peek(1, frame, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already consumed");
        assertThatThrownBy(() -> ring.peek(7, frame, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond");
        assertThatThrownBy(() -> ring.consume(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ring.advanceTo(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ring.readPosition()).isEqualTo(2);
    }

    @Test
    void outOfOrderDataStaysInvisibleUntilTheHoleIsFilledAndPublished() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("0123456789"));
        drain(ring, 10); // write position 10: the next segment wraps
        ByteBuffer frame = directBytes("xxHIJKLyy");

        // segment for stream bytes 15..19 arrives before 10..14
        assertThat(ring.writeAt(15, frame, 2, 5)).isEqualTo(5);
        assertThat(ring.readableBytes()).isZero();
        assertThat(ring.writePosition()).isEqualTo(10);

        assertThat(ring.write(bytes("ABCDE"))).isEqualTo(5);
        assertThat(ring.readableBytes()).isEqualTo(5);
        ring.publishTo(20);
        assertThat(ring.readableBytes()).isEqualTo(10);
        assertThat(drain(ring, 100)).isEqualTo("ABCDEHIJKL");
    }

    @Test
    void writeAtTrimsToTheWindowAndPublishToRespectsIt() {
        ByteRing ring = ByteRing.allocate(16);
        ring.write(bytes("0123"));
        ByteBuffer frame = directBytes("abcdefghijklmnop");
        // nothing consumed yet: the window ends at 0 + 16, so 4..15 are free
        assertThat(ring.writeLimit()).isEqualTo(16);
        assertThat(ring.writeAt(10, frame, 0, 16)).isEqualTo(6);
        assertThat(ring.writeAt(16, frame, 0, 4)).as("at the limit").isZero();
        assertThat(ring.writeAt(40, frame, 0, 4)).as("far beyond the limit").isZero();
        assertThatThrownBy(() -> ring.writeAt(3, frame, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already published");
        assertThatThrownBy(() -> ring.publishTo(17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond the write limit");
        assertThatThrownBy(() -> ring.publishTo(2)).isInstanceOf(IllegalArgumentException.class);

        ring.writeAt(4, frame, 10, 6); // "klmnop" fills 4..9
        ring.publishTo(16);
        assertThat(drain(ring, 100)).isEqualTo("0123klmnopabcdef");
        assertThat(ring.writeLimit()).isEqualTo(32);
    }

    @Test
    void sidesReleaseOnceEachAndTheSecondReleaseFrees() {
        ByteRing ring = ByteRing.allocate(16);
        assertThat(ring.isHeld()).isTrue();
        assertThat(ring.releaseConsumer()).isFalse();
        assertThatThrownBy(ring::releaseConsumer).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("consumer released this ring twice");
        assertThat(ring.isHeld()).isTrue();
        assertThat(ring.releaseProducer()).isTrue();
        assertThat(ring.isHeld()).isFalse();
    }

    @Test
    void allocatesNothingPerWriteOrReadAfterWarmUp() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteRing ring = ByteRing.allocate(4096);
        ByteBuffer heapSrc = ByteBuffer.allocate(1000);
        ByteBuffer directSrc = ByteBuffer.allocateDirect(700);
        ByteBuffer dst = ByteBuffer.allocateDirect(1500);
        ByteBuffer frame = ByteBuffer.allocateDirect(1514);
        ByteBuffer[] gather = {ByteBuffer.allocate(100), ByteBuffer.allocateDirect(300)};
        ByteBuffer[] scatter = {ByteBuffer.allocate(200), ByteBuffer.allocateDirect(200)};

        Runnable rounds = () -> {
            for (int i = 0; i < 20_000; i++) {
                heapSrc.clear();
                ring.write(heapSrc);
                directSrc.clear();
                ring.write(directSrc);
                gather[0].clear();
                gather[1].clear();
                ring.write(gather, 0, 2);
                ring.write(frame, 54, 1460);
                long from = ring.readPosition();
                ring.peek(from + 100, frame, 54, 1400);
                ring.consume(1000);
                dst.clear();
                ring.read(dst);
                scatter[0].clear();
                scatter[1].clear();
                ring.read(scatter, 0, 2);
                ring.writeAt(ring.writePosition() + 10, frame, 0, 100);
                ring.publishTo(ring.writePosition());
                ring.advanceTo(ring.publishedPosition());
                ring.writableBytes();
                ring.readableBytes();
            }
        };
        rounds.run(); // warm-up: let the JIT compile (and escape-analyse) the paths
        long before = threads.getCurrentThreadAllocatedBytes();
        rounds.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated over 20,000 rounds of every operation").isLessThan(2_000);
    }
}
