package io.jmtcp.engine.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SPSC frame ring under devices (and shared-memory wires). */
class FrameRingTest {

    private static int write(FrameRing ring, long seq, int length) {
        int off = ring.reserve();
        if (off < 0) {
            return -1;
        }
        ByteBuffer m = ring.memory();
        for (int i = 0; i < length; i++) {
            m.put(off + i, (byte) (seq + i));
        }
        ring.setLength(off, length);
        return off;
    }

    private static void check(FrameBatch batch, int i, long seq, int length) {
        assertThat(batch.length(i)).isEqualTo(length);
        for (int k = 0; k < length; k++) {
            assertThat(batch.buffer(i).get(batch.offset(i) + k)).isEqualTo((byte) (seq + k));
        }
    }

    @Test
    void wrapsAroundOverManyBursts() {
        FrameRing ring = FrameRing.allocate(8, 128);
        FrameBatch batch = new FrameBatch(8);
        Random random = new Random(1);
        long produced = 0;
        long consumed = 0;
        for (int burst = 0; burst < 2_000; burst++) {
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                assertThat(write(ring, produced, 1 + (int) (produced % 128))).isNotNegative();
                produced++;
            }
            ring.publish();
            int got = ring.borrow(batch, 0);
            assertThat(got).isEqualTo(n);
            for (int i = 0; i < got; i++) {
                check(batch, i, consumed, 1 + (int) (consumed % 128));
                consumed++;
            }
            ring.releaseBorrowed();
            batch.clear();
        }
        assertThat(consumed).isEqualTo(produced);
    }

    @Test
    void fullRingRefusesUntilTheConsumerReleases() {
        FrameRing ring = FrameRing.allocate(4, 64);
        for (int i = 0; i < 4; i++) {
            assertThat(write(ring, i, 10)).isNotNegative();
        }
        assertThat(ring.reserve()).isEqualTo(-1);
        ring.publish();
        assertThat(ring.reserve()).as("published but not consumed").isEqualTo(-1);
        FrameBatch batch = new FrameBatch(2);
        assertThat(ring.borrow(batch, 0)).isEqualTo(2);
        assertThat(ring.reserve()).as("borrowed, not yet released").isEqualTo(-1);
        ring.releaseBorrowed();
        assertThat(write(ring, 9, 10)).isNotNegative();
        assertThat(write(ring, 9, 10)).isNotNegative();
        assertThat(ring.reserve()).isEqualTo(-1);
    }

    @Test
    void zeroLengthFramesAreSkipped() {
        FrameRing ring = FrameRing.allocate(8, 64);
        write(ring, 1, 5);
        write(ring, 2, 0);
        write(ring, 3, 7);
        ring.publish();
        FrameBatch batch = new FrameBatch(8);
        assertThat(ring.borrow(batch, 0)).isEqualTo(2);
        check(batch, 0, 1, 5);
        check(batch, 1, 3, 7);
    }

    @Test
    void framePublishedAfterSkippedSlotsIsNotHidden() {
        // regression: the consumer's cached producer position held only skipped slots, so a
        // burst came back empty although a newer frame was published
        FrameRing ring = FrameRing.allocate(8, 64);
        FrameBatch one = new FrameBatch(1);
        write(ring, 1, 5);
        write(ring, 2, 0);
        ring.publish();
        assertThat(ring.borrow(one, 0)).isEqualTo(1);
        ring.releaseBorrowed();
        one.clear();
        write(ring, 3, 6);
        ring.publish();
        assertThat(ring.borrow(one, 0)).isEqualTo(1);
        check(one, 0, 3, 6);
    }

    @Test
    void unpublishedFramesAreInvisible() {
        FrameRing ring = FrameRing.allocate(4, 64);
        write(ring, 1, 5);
        assertThat(ring.reserved()).isEqualTo(1);
        assertThat(ring.available()).isZero();
        assertThat(ring.borrow(new FrameBatch(4), 0)).isZero();
        ring.publish();
        assertThat(ring.available()).isEqualTo(1);
    }

    @Test
    void rejectsBadGeometry() {
        assertThatThrownBy(() -> FrameRing.allocate(6, 64)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> FrameRing.allocate(1, 64)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new FrameRing(ByteBuffer.allocate(4096), 0, 2, 64)).hasMessageContaining("direct");
        assertThatThrownBy(() -> new FrameRing(ByteBuffer.allocateDirect(4096), 8, 2, 64)).hasMessageContaining("aligned");
        assertThatThrownBy(() -> new FrameRing(ByteBuffer.allocateDirect(256), 0, 2, 64)).hasMessageContaining("fit");
    }

    @Test
    void reopeningOverTheSameMemoryResumesWhereTheOtherLeft() {
        ByteBuffer memory = ByteBuffer.allocateDirect(FrameRing.bytesFor(4, 64));
        FrameRing producer = new FrameRing(memory, 0, 4, 64);
        write(producer, 1, 3);
        write(producer, 2, 4);
        producer.publish();
        FrameRing consumer = new FrameRing(memory, 0, 4, 64);
        FrameBatch batch = new FrameBatch(4);
        assertThat(consumer.borrow(batch, 0)).isEqualTo(2);
        check(batch, 1, 2, 4);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void producerAndConsumerOnTwoThreadsSeeEveryFrameInOrder() throws Exception {
        ByteBuffer memory = ByteBuffer.allocateDirect(FrameRing.bytesFor(16, 64));
        FrameRing producer = new FrameRing(memory, 0, 16, 64);
        FrameRing consumer = new FrameRing(memory, 0, 16, 64);
        int total = 200_000;
        Thread t = new Thread(() -> {
            for (int seq = 0; seq < total; ) {
                int off = producer.reserve();
                if (off < 0) {
                    producer.publish();
                    Thread.yield();
                    continue;
                }
                producer.memory().putInt(off, seq);
                producer.setLength(off, 4);
                seq++;
                if ((seq & 7) == 0) {
                    producer.publish();
                }
            }
            producer.publish();
        });
        t.start();
        FrameBatch batch = new FrameBatch(32);
        int expected = 0;
        while (expected < total) {
            int n = consumer.borrow(batch, 0);
            for (int i = 0; i < n; i++) {
                assertThat(batch.buffer(i).getInt(batch.offset(i))).isEqualTo(expected++);
            }
            consumer.releaseBorrowed();
            batch.clear();
            if (n == 0) {
                Thread.yield();
            }
        }
        t.join();
    }
}
