package io.jmtcp.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A producer thread and a consumer thread move a long pseudo-random stream through a small ring
 * in random-size chunks, using every write and read variant, and waiting on a {@link Waiter}
 * (parking, not spinning) when the ring is full or empty.
 */
class ByteRingStressTest {

    private static final long TOTAL = 256L << 20;
    private static final int RING = 8192;
    private static final int MAX_CHUNK = 3000;
    private static final long STREAM_SEED = 0x9E3779B97F4A7C15L;

    /** The test stream: xorshift64 words, little end first; the same bytes however it is chunked. */
    static final class Stream {
        private long state;
        private long word;
        private int left;

        Stream(long seed) {
            this.state = seed;
        }

        void fill(byte[] b, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) {
                if (left == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    left = 8;
                }
                b[i] = (byte) word;
                word >>>= 8;
                left--;
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void transfers256MiBIntact() throws InterruptedException {
        ByteRing ring = ByteRing.allocate(RING);
        Waiter waiter = new Waiter();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] producerCrc = new long[1];
        long[] consumerCrc = new long[1];
        long[] waits = new long[2];

        Thread producer = new Thread(() -> {
            try {
                producerCrc[0] = produce(ring, waiter, deadline, waits);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                waiter.close();
            }
        }, "ring-producer");
        Thread consumer = new Thread(() -> {
            try {
                consumerCrc[0] = consume(ring, waiter, deadline, waits);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                waiter.close();
            }
        }, "ring-consumer");
        producer.start();
        consumer.start();
        producer.join(TimeUnit.SECONDS.toMillis(170));
        consumer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(failure.get()).as("failure in a ring thread").isNull();
        assertThat(producer.isAlive() || consumer.isAlive()).as("threads still running").isFalse();
        assertThat(ring.readPosition()).isEqualTo(TOTAL);
        assertThat(consumerCrc[0]).as("CRC-32C of the received stream").isEqualTo(producerCrc[0]);
        System.out.printf("ByteRing stress: %d MiB, producer waited %d times, consumer %d times%n",
                TOTAL >> 20, waits[0], waits[1]);
    }

    private static long produce(ByteRing ring, Waiter waiter, long deadline, long[] waits) {
        Stream stream = new Stream(STREAM_SEED);
        CRC32C crc = new CRC32C();
        SplittableRandom random = new SplittableRandom(1);
        byte[] chunk = new byte[MAX_CHUNK];
        ByteBuffer frame = ByteBuffer.allocateDirect(MAX_CHUNK + 64);
        BooleanSupplier writable = () -> ring.writableBytes() > 0;
        long sent = 0;
        while (sent < TOTAL) {
            int n = (int) Math.min(1 + random.nextInt(MAX_CHUNK), TOTAL - sent);
            stream.fill(chunk, 0, n);
            crc.update(chunk, 0, n);
            int mode = random.nextInt(3);
            int split = random.nextInt(n + 1);
            ByteBuffer src = ByteBuffer.wrap(chunk, 0, n);
            ByteBuffer[] srcs = {ByteBuffer.wrap(chunk, 0, split), ByteBuffer.wrap(chunk, split, n - split)};
            int frameOffset = 64 - (n & 31);
            frame.put(frameOffset, chunk, 0, n);
            int done = 0;
            while (done < n) {
                int w;
                if (mode == 0) {
                    w = ring.write(src);
                } else if (mode == 1) {
                    w = (int) ring.write(srcs, 0, 2);
                } else {
                    w = ring.write(frame, frameOffset + done, n - done);
                }
                done += w;
                if (w > 0) {
                    waiter.signal(Waiter.READER);
                } else {
                    waits[0]++;
                    awaitOrFail(waiter, Waiter.WRITER, writable, deadline);
                }
            }
            sent += n;
        }
        return crc.getValue();
    }

    private static long consume(ByteRing ring, Waiter waiter, long deadline, long[] waits) {
        Stream stream = new Stream(STREAM_SEED);
        CRC32C crc = new CRC32C();
        SplittableRandom random = new SplittableRandom(2);
        byte[] expected = new byte[MAX_CHUNK];
        byte[] actual = new byte[MAX_CHUNK];
        ByteBuffer frame = ByteBuffer.allocateDirect(2 * MAX_CHUNK);
        BooleanSupplier readable = () -> ring.readableBytes() > 0;
        long received = 0;
        while (received < TOTAL) {
            int want = 1 + random.nextInt(MAX_CHUNK);
            int mode = random.nextInt(3);
            int got;
            if (mode == 0) {
                ByteBuffer dst = ByteBuffer.wrap(actual, 0, want);
                got = ring.read(dst);
            } else if (mode == 1) {
                int split = random.nextInt(want + 1);
                ByteBuffer[] dsts = {ByteBuffer.wrap(actual, 0, split), ByteBuffer.wrap(actual, split, want - split)};
                got = (int) ring.read(dsts, 0, 2);
            } else {
                // the engine's transmit path: peek (twice, the second a "retransmission" of the
                // tail from a later position), then consume on "acknowledgement"
                long from = ring.readPosition();
                got = ring.peek(from, frame, 0, want);
                if (got > 1) {
                    int half = got / 2;
                    int again = ring.peek(from + half, frame, MAX_CHUNK, got - half);
                    if (again != got - half
                            || !frame.slice(half, got - half).equals(frame.slice(MAX_CHUNK, got - half))) {
                        throw new AssertionError("second peek at " + (from + half) + " differs from the first");
                    }
                }
                frame.get(0, actual, 0, got);
                ring.consume(got);
            }
            if (got == 0) {
                waits[1]++;
                awaitOrFail(waiter, Waiter.READER, readable, deadline);
                continue;
            }
            waiter.signal(Waiter.WRITER);
            stream.fill(expected, 0, got);
            int mismatch = Arrays.mismatch(actual, 0, got, expected, 0, got);
            if (mismatch >= 0) {
                throw new AssertionError("stream differs at position " + (received + mismatch));
            }
            crc.update(actual, 0, got);
            received += got;
        }
        return crc.getValue();
    }

    private static void awaitOrFail(Waiter waiter, int slot, BooleanSupplier ready, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new AssertionError("no progress before the deadline");
        }
        int outcome = waiter.await(slot, ready, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
        if (outcome == Waiter.CLOSED) {
            throw new AssertionError("the other side failed");
        }
    }
}
