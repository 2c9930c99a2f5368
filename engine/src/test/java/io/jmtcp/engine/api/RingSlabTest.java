package io.jmtcp.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RingSlabTest {

    private static final int K = 1024;

    @Test
    void roundsCapacitiesUpToPowerOfTwoSizeClassesFrom4KiB() throws Exception {
        assertThat(RingSlab.sliceSizeFor(1)).isEqualTo(4 * K);
        assertThat(RingSlab.sliceSizeFor(4 * K)).isEqualTo(4 * K);
        assertThat(RingSlab.sliceSizeFor(4 * K + 1)).isEqualTo(8 * K);
        assertThat(RingSlab.sliceSizeFor(65 * K)).isEqualTo(128 * K);
        RingSlab slab = new RingSlab(16L << 20);
        assertThat(slab.maxSlice()).isEqualTo(4 << 20);
        assertThat(slab.allocate(5000).capacity()).isEqualTo(8 * K);
        assertThat(slab.allocate(4 << 20).capacity()).isEqualTo(4 << 20);
        assertThat(slab.newRing(100_000).capacity()).isEqualTo(128 * K);
        assertThat(slab.inUseBytes()).isEqualTo(8 * K + (4 << 20) + 128 * K);
        assertThatThrownBy(() -> slab.allocate((4 << 20) + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the largest slab slice 4 MiB");
    }

    @Test
    void rejectsACapBelowOneChunk() {
        assertThatThrownBy(() -> new RingSlab(1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jmtcp.memory.max").hasMessageContaining("4 MiB");
        assertThatThrownBy(() -> new RingSlab(3000, 1 << 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allocatesChunksOnDemandUpToTheCapThenFailsWithAClearError() throws Exception {
        RingSlab slab = new RingSlab(64 * K, 130 * K); // rounds down to two chunks
        assertThat(slab.maxBytes()).isEqualTo(128 * K);
        assertThat(slab.reservedBytes()).isZero();
        slab.allocate(4 * K);
        assertThat(slab.reservedBytes()).isEqualTo(64 * K);
        slab.allocate(64 * K);
        assertThat(slab.reservedBytes()).isEqualTo(128 * K);
        slab.allocate(32 * K);
        slab.allocate(16 * K);
        slab.allocate(8 * K);
        assertThat(slab.inUseBytes()).isEqualTo(124 * K);

        assertThat(slab.tryAllocate(8 * K)).isNull();
        assertThatThrownBy(() -> slab.allocate(8 * K)).isInstanceOf(RingMemoryExhaustedException.class)
                .hasMessage("jmtcp.memory.max reached: 124 KiB of ring memory in use (cap 128 KiB, "
                        + "128 KiB reserved); cannot allocate a 8 KiB ring");
        assertThat(slab.allocate(4 * K).capacity()).isEqualTo(4 * K);
        assertThat(slab.tryAllocate(1)).isNull();
    }

    @Test
    void slicesNeverOverlap() throws Exception {
        RingSlab slab = new RingSlab(256 * K, 1024 * K);
        SplittableRandom random = new SplittableRandom(7);
        List<RingSlab.Slice> live = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        int tag = 0;
        for (int round = 0; round < 2000; round++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                int victim = random.nextInt(live.size());
                live.remove(victim).free();
                tags.remove(victim);
                continue;
            }
            RingSlab.Slice slice = slab.tryAllocate(4 * K << random.nextInt(6));
            if (slice == null) {
                continue;
            }
            tag++;
            fill(slice.buffer(), tag);
            live.add(slice);
            tags.add(tag);
        }
        long total = 0;
        for (int i = 0; i < live.size(); i++) {
            assertThat(isFilledWith(live.get(i).buffer(), tags.get(i))).as("slice %d intact", i).isTrue();
            total += live.get(i).capacity();
        }
        slab.drainReturned();
        assertThat(slab.inUseBytes()).isEqualTo(total);
    }

    @Test
    void freedBuddiesMergeSoSmallRingsGoneLeaveRoomForALargeOne() throws Exception {
        RingSlab slab = new RingSlab(64 * K, 64 * K);
        List<RingSlab.Slice> small = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            small.add(slab.allocate(4 * K));
        }
        assertThat(slab.tryAllocate(4 * K)).isNull();
        // free in an order that merges late: every other slice first
        for (int i = 0; i < 16; i += 2) {
            small.get(i).free();
        }
        assertThat(slab.tryAllocate(8 * K)).as("no two free 4 KiB buddies are adjacent yet").isNull();
        for (int i = 1; i < 16; i += 2) {
            small.get(i).free();
        }
        assertThat(slab.allocate(64 * K).capacity()).isEqualTo(64 * K);
        assertThat(slab.reservedBytes()).isEqualTo(64 * K);
    }

    @Test
    void ringMemoryIsNotReusedUntilBothSidesRelease() throws Exception {
        RingSlab slab = new RingSlab(16 * K, 16 * K);
        ByteRing receive = slab.newRing(4 * K);
        byte[] data = "bytes of a connection that was just reset".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertThat(receive.write(frame, 0, data.length)).isEqualTo(data.length);

        // the engine resets the connection and lets go of its side; the app has not read yet
        assertThat(receive.releaseProducer()).isFalse();

        // new connections take the rest of the slab; they must not get the reset ring's memory
        List<ByteRing> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteRing other = slab.newRing(4 * K);
            ByteBuffer junk = ByteBuffer.allocate(4 * K);
            while (junk.hasRemaining()) {
                junk.put((byte) 0xEE);
            }
            other.write(junk.flip());
            others.add(other);
        }
        assertThat(slab.tryAllocate(4 * K)).as("the reset ring is still held by the app").isNull();

        // the app still reads exactly what the connection received
        ByteBuffer dst = ByteBuffer.allocate(100);
        receive.read(dst);
        assertThat(new String(dst.array(), 0, dst.position(), StandardCharsets.US_ASCII))
                .isEqualTo(new String(data, StandardCharsets.US_ASCII));

        // the app closes its channel from its own thread; only now may the memory be reused
        Thread app = new Thread(() -> assertThat(receive.releaseConsumer()).isTrue());
        app.start();
        app.join();
        ByteRing next = slab.newRing(4 * K);
        assertThat(next.readableBytes()).as("a new ring starts empty").isZero();
        assertThat(slab.reservedBytes()).as("the same chunk, so the freed memory").isEqualTo(16 * K);
        assertThat(slab.inUseBytes()).isEqualTo(16 * K);
    }

    @Test
    void aSliceCannotBeFreedTwiceNorARingReleasedTwiceBySameSide() throws Exception {
        RingSlab slab = new RingSlab(16 * K, 16 * K);
        RingSlab.Slice slice = slab.allocate(4 * K);
        slice.free();
        assertThatThrownBy(slice::free).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        assertThat(slab.drainReturned()).isEqualTo(1);
        assertThat(slab.inUseBytes()).isZero();

        ByteRing ring = slab.newRing(4 * K);
        ring.releaseProducer();
        assertThatThrownBy(ring::releaseProducer).isInstanceOf(IllegalStateException.class);
        assertThat(slab.drainReturned()).as("the consumer still holds it").isZero();
        assertThat(ring.releaseConsumer()).isTrue();
        assertThat(slab.drainReturned()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ringsReleasedConcurrentlyFromManyThreadsAllComeBack() throws Exception {
        RingSlab slab = new RingSlab(1 << 20, 4L << 20);
        int threads = 4;
        int perThread = 256; // 4 x 256 x 4 KiB = the whole cap
        List<List<ByteRing>> rings = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<ByteRing> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                ByteRing ring = slab.newRing(4 * K);
                ring.releaseProducer(); // the engine's side goes first
                mine.add(ring);
            }
            rings.add(mine);
        }
        assertThat(slab.tryAllocate(4 * K)).isNull();

        CountDownLatch start = new CountDownLatch(1);
        List<Thread> apps = new ArrayList<>();
        for (List<ByteRing> mine : rings) {
            Thread app = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                mine.forEach(ByteRing::releaseConsumer);
            });
            app.start();
            apps.add(app);
        }
        start.countDown();
        int drained = 0;
        // the engine keeps draining while the app threads release, as its duty cycle would
        while (apps.stream().anyMatch(Thread::isAlive)) {
            drained += slab.drainReturned();
            Thread.sleep(1);
        }
        for (Thread app : apps) {
            app.join();
        }
        drained += slab.drainReturned();
        assertThat(drained).isEqualTo(threads * perThread);
        assertThat(slab.inUseBytes()).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(slab.allocate(1 << 20).capacity()).as("chunks whole again").isEqualTo(1 << 20);
        }
    }

    private static void fill(ByteBuffer buffer, int tag) {
        for (int i = 0; i < buffer.capacity(); i += 4) {
            buffer.putInt(i, tag);
        }
    }

    private static boolean isFilledWith(ByteBuffer buffer, int tag) {
        for (int i = 0; i < buffer.capacity(); i += 4) {
            if (buffer.getInt(i) != tag) {
                return false;
            }
        }
        return true;
    }
}
