package io.jmtcp.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread-safety lazy rings rely on: slab allocation from several threads at once (the engine
 * making receive rings, application threads making send rings), and the send gate, under which
 * the engine releases an idle send ring while the application keeps writing.
 */
class LazyRingConcurrencyTest {

    @Test
    @Timeout(60)
    void threadsAllocatingAndFreeingAtOnceNeverShareASlice() throws Exception {
        RingSlab slab = new RingSlab(64 * 1024, 1 << 20);
        int threads = 3;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(id);
                List<RingSlab.Slice> held = new ArrayList<>();
                try {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        if (held.size() < 8 && random.nextBoolean()) {
                            RingSlab.Slice s = slab.tryAllocate(4096 << random.nextInt(3));
                            if (s != null) {
                                fill(s.buffer(), (id << 24) | i);
                                held.add(s);
                            }
                        } else if (!held.isEmpty()) {
                            RingSlab.Slice s = held.remove(random.nextInt(held.size()));
                            int tag = s.buffer().getInt(0);
                            // another thread writing into this slice would have changed a word
                            assertThat(check(s.buffer(), tag)).as("slice content intact").isTrue();
                            s.free();
                        }
                    }
                    held.forEach(RingSlab.Slice::free);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : workers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        slab.drainReturned();
        assertThat(slab.inUseBytes()).isZero();
        assertThat(slab.freeCount()).isPositive();
    }

    private static void fill(ByteBuffer b, int tag) {
        for (int i = 0; i < b.capacity(); i += 4) {
            b.putInt(i, tag);
        }
    }

    private static boolean check(ByteBuffer b, int tag) {
        for (int i = 0; i < b.capacity(); i += 4) {
            if (b.getInt(i) != tag) {
                return false;
            }
        }
        return true;
    }

    /**
     * An application thread writes a counting byte stream as fast as it can; the "engine" thread
     * consumes whatever is published and, whenever the ring is empty, releases it as idle. Every
     * byte must come through exactly once and in order, across dozens of ring replacements: a
     * ring freed under a writer would lose the bytes copied into it (and the slab hands the same
     * memory to the next ring at once).
     */
    @Test
    @Timeout(60)
    void theEngineReleasesIdleSendRingsUnderAWritingApplicationWithoutLosingAByte() throws Exception {
        RingSlab slab = new RingSlab(64 * 1024, 1 << 20);
        TcpSocket socket = new TcpSocket();
        socket.ringMemory(slab, 4096);
        socket.setState(TcpSocket.CONNECTED);
        long total = 1L << 20;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            ByteBuffer chunk = ByteBuffer.allocate(97);
            long written = 0;
            try {
                while (written < total) {
                    chunk.clear();
                    int n = (int) Math.min(chunk.capacity(), total - written);
                    for (int i = 0; i < n; i++) {
                        chunk.put(i, (byte) (written + i));
                    }
                    chunk.limit(n);
                    while (chunk.hasRemaining()) {
                        if (socket.write(chunk) == 0) {
                            Thread.yield();
                        }
                    }
                    written += n;
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        writer.start();
        ByteBuffer frame = ByteBuffer.allocateDirect(4096);
        long received = 0;
        int releases = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
        while (received < total && failure.get() == null && System.nanoTime() < deadline) {
            ByteRing ring = socket.sendRing();
            if (ring != null) {
                long from = ring.readPosition();
                int n = ring.peek(from, frame, 0, frame.capacity());
                for (int i = 0; i < n; i++) {
                    if (frame.get(i) != (byte) (received + i)) {
                        throw new AssertionError("byte " + (received + i) + " wrong after " + releases + " releases");
                    }
                }
                ring.advanceTo(from + n);
                received += n;
            }
            if (socket.releaseIdleSendRing() && ring != null) {
                releases++;
            }
            socket.takeRequests();
        }
        writer.join();
        assertThat(failure.get()).isNull();
        assertThat(received).isEqualTo(total);
        assertThat(releases).as("rings released under the writer").isPositive();
        socket.releaseRings();
        slab.drainReturned();
        assertThat(slab.inUseBytes()).isZero();
    }
}
