package io.jmtcp.engine.dev;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A single-producer single-consumer ring of fixed-size frame slots in one {@link ByteBuffer}
 * (direct, or mapped from a file so that two processes can share it, as DPDK's memif does).
 *
 * <p>Layout: a 256-byte header — producer position at 64, consumer position at 128, each on its
 * own cache line — followed by {@code slots} slots of {@code slotSize} bytes, each a 4-byte
 * length followed by the frame. Positions are ever-growing 64-bit counters; a slot's index is
 * the position masked by {@code slots - 1}.
 *
 * <p>The producer reserves slots, writes frames in place and publishes a whole burst with one
 * release store; the consumer borrows published frames in place and releases them in order with
 * one release store. A reserved slot published with length 0 is skipped by the consumer. One
 * thread produces and one consumes (they may be the same thread).
 */
public final class FrameRing {

    static final int PRODUCER_OFFSET = 64;
    static final int CONSUMER_OFFSET = 128;
    /** Bytes before the first slot. */
    public static final int HEADER_BYTES = 256;
    static final int LENGTH_BYTES = 4;

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer memory;
    private final int base;
    private final int slots;
    private final int mask;
    private final int slotSize;

    // producer-local
    private long producerPosition;
    private int reserved;
    private long consumerCache;

    // consumer-local
    private long consumerPosition;
    private int borrowed;
    private long producerCache;

    /** Bytes a ring of {@code slots} slots of {@code frameCapacity} bytes each needs. */
    public static int bytesFor(int slots, int frameCapacity) {
        return HEADER_BYTES + slots * slotSize(frameCapacity);
    }

    private static int slotSize(int frameCapacity) {
        return (frameCapacity + LENGTH_BYTES + 63) & ~63;
    }

    /** A ring in fresh direct memory. */
    public static FrameRing allocate(int slots, int frameCapacity) {
        return new FrameRing(ByteBuffer.allocateDirect(bytesFor(slots, frameCapacity)), 0, slots, frameCapacity);
    }

    /**
     * A ring over {@code memory} starting at {@code base} (64-byte aligned). The header must be
     * zero (fresh memory) or left by a ring of the same geometry.
     */
    public FrameRing(ByteBuffer memory, int base, int slots, int frameCapacity) {
        if (slots < 2 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("ring slots must be a power of two >= 2, got " + slots);
        }
        if (!memory.isDirect()) {
            throw new IllegalArgumentException("a frame ring needs direct or mapped memory");
        }
        if ((base & 63) != 0) {
            throw new IllegalArgumentException("ring base must be 64-byte aligned, got " + base);
        }
        this.memory = memory;
        this.base = base;
        this.slots = slots;
        this.mask = slots - 1;
        this.slotSize = slotSize(frameCapacity);
        if ((long) base + bytesFor(slots, frameCapacity) > memory.capacity()) {
            throw new IllegalArgumentException("ring of " + slots + " x " + frameCapacity + " bytes does not fit");
        }
        this.producerPosition = (long) LONGS.getAcquire(memory, base + PRODUCER_OFFSET);
        this.consumerPosition = (long) LONGS.getAcquire(memory, base + CONSUMER_OFFSET);
        this.consumerCache = consumerPosition;
        this.producerCache = producerPosition;
    }

    /** Number of slots. */
    public int slots() {
        return slots;
    }

    /** Bytes a frame may occupy in one slot. */
    public int frameCapacity() {
        return slotSize - LENGTH_BYTES;
    }

    /** The memory the ring lives in (frames are addressed in it by absolute offsets). */
    public ByteBuffer memory() {
        return memory;
    }

    // ---------------------------------------------------------------- producer

    /**
     * Slots the producer could still reserve (producer side); re-reads the consumer's position
     * when the cached view shows fewer than {@code wanted}, so the answer is never too low for long.
     */
    public int freeSlots(int wanted) {
        long next = producerPosition + reserved;
        int free = (int) (slots - (next - consumerCache));
        if (free < wanted) {
            consumerCache = (long) LONGS.getAcquire(memory, base + CONSUMER_OFFSET);
            free = (int) (slots - (next - consumerCache));
        }
        return free;
    }

    /**
     * Reserves the next slot for writing.
     *
     * @return the absolute offset of the frame's first byte in {@link #memory()}, or -1 when full
     */
    public int reserve() {
        long next = producerPosition + reserved;
        if (next - consumerCache >= slots) {
            consumerCache = (long) LONGS.getAcquire(memory, base + CONSUMER_OFFSET);
            if (next - consumerCache >= slots) {
                return -1;
            }
        }
        reserved++;
        return frameOffset(next);
    }

    /** Sets the length of a reserved frame (by the offset {@link #reserve()} returned); 0 = skip. */
    public void setLength(int frameOffset, int length) {
        memory.putInt(frameOffset - LENGTH_BYTES, length);
    }

    /** Slots reserved and not yet published. */
    public int reserved() {
        return reserved;
    }

    /** Makes every reserved slot visible to the consumer, with one release-and-fence store. */
    public void publish() {
        if (reserved == 0) {
            return;
        }
        producerPosition += reserved;
        reserved = 0;
        // volatile, not just release: the doorbell check that follows must not move before it
        LONGS.setVolatile(memory, base + PRODUCER_OFFSET, producerPosition);
    }

    // ---------------------------------------------------------------- consumer

    /** Published frames not yet borrowed (may be stale-low; never too high). */
    public int available() {
        long next = consumerPosition + borrowed;
        if (producerCache - next <= 0) {
            producerCache = (long) LONGS.getAcquire(memory, base + PRODUCER_OFFSET);
        }
        return (int) (producerCache - next);
    }

    /**
     * Borrows up to {@code batch.remaining()} published frames into {@code batch}, skipping
     * zero-length slots.
     *
     * @return frames appended
     */
    public int borrow(FrameBatch batch, int hash) {
        int added = 0;
        int n;
        // available() answers from a cached producer position and refreshes it only once the
        // cached frames are used up; loop so that a run of skipped zero-length slots does not
        // hide frames published after the cache was taken (the burst would come back empty)
        while (!batch.isFull() && (n = available()) > 0) {
            for (int i = 0; i < n && !batch.isFull(); i++) {
                long position = consumerPosition + borrowed;
                int offset = frameOffset(position);
                int length = memory.getInt(offset - LENGTH_BYTES);
                borrowed++;
                if (length > 0 && length <= slotSize - LENGTH_BYTES) {
                    batch.add(memory, offset, length, slotSize - LENGTH_BYTES, position, hash);
                    added++;
                }
            }
        }
        return added;
    }

    /** Gives back every borrowed slot to the producer, in order, with one release store. */
    public void releaseBorrowed() {
        if (borrowed == 0) {
            return;
        }
        consumerPosition += borrowed;
        borrowed = 0;
        LONGS.setRelease(memory, base + CONSUMER_OFFSET, consumerPosition);
    }

    private int frameOffset(long position) {
        return base + HEADER_BYTES + (int) (position & mask) * slotSize + LENGTH_BYTES;
    }
}
