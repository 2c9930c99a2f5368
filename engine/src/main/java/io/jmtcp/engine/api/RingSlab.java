package io.jmtcp.engine.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One engine's memory for socket rings: large direct {@link ByteBuffer} chunks, allocated on
 * demand up to a cap ({@code jmtcp.memory.max}), carved into power-of-two slices from
 * {@link #MIN_SLICE} (4 KiB) up to the chunk size (4 MiB by default) with a binary buddy
 * allocator, so freed neighbours merge back and a cap reached by small rings still serves a
 * large one once they are gone. One {@code allocateDirect} per chunk instead of per socket:
 * direct buffers are freed only by the GC and count against {@code MaxDirectMemorySize}.
 *
 * <p>Threading: any thread may allocate ({@link #allocate}, {@link #tryAllocate},
 * {@link #newRing}, {@link #tryNewRing}) and call {@link #drainReturned}: the engine when the first
 * payload byte of a connection arrives (its receive ring), an application thread on its first
 * write (its send ring, DESIGN.md 3.2). These take one lock, the slab's monitor: a ring is
 * allocated once per connection and direction (or when a ring grows), never per segment, so the
 * lock is uncontended in practice and the engine's per-segment path never takes it.
 * {@link Slice#free()} may run on any thread too (an application thread releasing the last side
 * of a ring) and takes no lock: it pushes the slice onto a lock-free intrusive stack, with no
 * allocation, and the next allocation merges the whole stack back into the buddy trees. Until
 * then the memory counts as in use; it is never handed out twice. {@link #freeCount()} tells a
 * starved engine, without the lock, that memory may have come back.
 */
public final class RingSlab {

    /** The smallest slice, and the unit the buddy trees track. */
    public static final int MIN_SLICE = 4096;
    /** The default chunk size, which is also the largest slice. */
    public static final int DEFAULT_CHUNK = 4 << 20;

    private static final VarHandle RETURNED;
    private static final VarHandle SLICE_STATE;
    private static final VarHandle FREES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RETURNED = lookup.findVarHandle(RingSlab.class, "returned", Slice.class);
            SLICE_STATE = lookup.findVarHandle(Slice.class, "state", int.class);
            FREES = lookup.findVarHandle(RingSlab.class, "frees", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int chunkSize;
    private final int maxDepth;
    private final int maxChunks;
    private final long maxBytes;
    /** Guarded by {@code this}. */
    private final List<Chunk> chunks = new ArrayList<>();
    /** Written under {@code this}; volatile so that statistics read it without the lock. */
    private volatile long inUseBytes;
    /** Slices freed so far, by any thread (see {@link #freeCount()}). */
    @SuppressWarnings("unused") // accessed through FREES
    private volatile long frees;

    /** Head of the stack of slices freed by any thread and not yet merged back (intrusive, via Slice.next). */
    @SuppressWarnings("unused") // accessed through RETURNED
    private volatile Slice returned;

    /** A slab of 4 MiB chunks holding at most {@code maxBytes} (rounded down to whole chunks). */
    public RingSlab(long maxBytes) {
        this(DEFAULT_CHUNK, maxBytes);
    }

    /**
     * A slab of {@code chunkSize} chunks (a power of two, at least {@link #MIN_SLICE}, at most
     * 1 GiB) holding at most {@code maxBytes}, rounded down to whole chunks.
     */
    public RingSlab(int chunkSize, long maxBytes) {
        if (chunkSize < MIN_SLICE || Integer.bitCount(chunkSize) != 1 || chunkSize > (1 << 30)) {
            throw new IllegalArgumentException(
                    "slab chunk size must be a power of two in [4 KiB, 1 GiB], got " + chunkSize);
        }
        if (maxBytes < chunkSize) {
            throw new IllegalArgumentException("jmtcp.memory.max must be at least one slab chunk ("
                    + size(chunkSize) + "), got " + maxBytes);
        }
        long chunkCount = maxBytes / chunkSize;
        if (chunkCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("jmtcp.memory.max too large: " + maxBytes);
        }
        this.chunkSize = chunkSize;
        this.maxDepth = Integer.numberOfTrailingZeros(chunkSize / MIN_SLICE);
        this.maxChunks = (int) chunkCount;
        this.maxBytes = chunkCount * chunkSize;
        // the free stack's head starts empty (null)
    }

    /** The largest slice this slab hands out (its chunk size). */
    public int maxSlice() {
        return chunkSize;
    }

    /** The cap, in bytes (whole chunks). */
    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes in slices handed out and not yet merged back. Any thread (a racy snapshot). */
    public long inUseBytes() {
        return inUseBytes;
    }

    /** Bytes of direct memory allocated for chunks so far (never shrinks). Any thread. */
    public synchronized long reservedBytes() {
        return (long) chunks.size() * chunkSize;
    }

    /**
     * How many slices have been freed since the slab was made; any thread, no lock. A thread
     * that found the slab exhausted retries only once this has changed, since only a free can
     * make room under the cap.
     */
    public long freeCount() {
        return (long) FREES.getVolatile(this);
    }

    /** The slice size a request for {@code capacity} bytes gets: the next power of two, at least 4 KiB. */
    public static int sliceSizeFor(int capacity) {
        if (capacity <= MIN_SLICE) {
            return MIN_SLICE;
        }
        if (capacity > (1 << 30)) {
            throw new IllegalArgumentException("ring capacity too large: " + capacity);
        }
        return Integer.highestOneBit(capacity - 1) << 1;
    }

    /** A ring of at least {@code capacity} bytes, holders producer and consumer. Any thread. */
    public ByteRing newRing(int capacity) throws RingMemoryExhaustedException {
        return new ByteRing(allocate(capacity));
    }

    /** As {@link #newRing(int)} but null when the cap is reached. Any thread. */
    public ByteRing tryNewRing(int capacity) {
        Slice slice = tryAllocate(capacity);
        return slice == null ? null : new ByteRing(slice);
    }

    /**
     * A slice of {@link #sliceSizeFor(int) sliceSizeFor(capacity)} bytes. Any thread.
     *
     * @throws RingMemoryExhaustedException when the cap is reached
     * @throws IllegalArgumentException if {@code capacity} exceeds {@link #maxSlice()}
     */
    public Slice allocate(int capacity) throws RingMemoryExhaustedException {
        Slice slice = tryAllocate(capacity);
        if (slice == null) {
            throw new RingMemoryExhaustedException("jmtcp.memory.max reached: " + size(inUseBytes)
                    + " of ring memory in use (cap " + size(maxBytes) + ", " + size(reservedBytes())
                    + " reserved); cannot allocate a " + size(sliceSizeFor(capacity)) + " ring");
        }
        return slice;
    }

    /**
     * As {@link #allocate(int)} but returns null when the cap is reached. Any thread (takes
     * the slab's lock).
     *
     * @throws IllegalArgumentException if {@code capacity} exceeds {@link #maxSlice()}
     */
    public synchronized Slice tryAllocate(int capacity) {
        int size = sliceSizeFor(capacity);
        if (size > chunkSize) {
            throw new IllegalArgumentException(
                    "ring capacity " + capacity + " exceeds the largest slab slice " + size(chunkSize));
        }
        drainReturned();
        int depth = maxDepth - Integer.numberOfTrailingZeros(size / MIN_SLICE);
        for (int i = 0, n = chunks.size(); i < n; i++) {
            Slice slice = chunks.get(i).allocate(depth);
            if (slice != null) {
                inUseBytes += size;
                return slice;
            }
        }
        if (chunks.size() == maxChunks) {
            return null;
        }
        Chunk chunk = new Chunk(chunks.size(), ByteBuffer.allocateDirect(chunkSize));
        chunks.add(chunk);
        Slice slice = chunk.allocate(depth);
        inUseBytes += size;
        return slice;
    }

    /**
     * Merges every slice freed since the last call back into the buddy trees. Allocation does
     * this by itself. Any thread (takes the slab's lock).
     *
     * @return the number of slices merged back
     */
    public synchronized int drainReturned() {
        Slice slice = (Slice) RETURNED.getAndSet(this, null);
        int count = 0;
        while (slice != null) {
            Slice next = slice.next;
            slice.next = null;
            chunks.get(slice.chunk).free(slice.node);
            inUseBytes -= slice.buffer.capacity();
            slice = next;
            count++;
        }
        return count;
    }

    private void pushReturned(Slice slice) {
        Slice head;
        do {
            head = (Slice) RETURNED.getVolatile(this);
            slice.next = head;
        } while (!RETURNED.compareAndSet(this, head, slice));
        FREES.getAndAdd(this, 1L);
    }

    static String size(long bytes) {
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    /**
     * A power-of-two piece of a slab chunk, handed out by {@link RingSlab#allocate(int)} and
     * returned with {@link #free()} exactly once, from any thread. Rings made by
     * {@link RingSlab#newRing(int)} free their slice themselves when both sides release them.
     */
    public static final class Slice {
        private static final int IN_USE = 0;
        private static final int FREED = 1;

        private final RingSlab slab;
        private final ByteBuffer buffer;
        final int chunk;
        final int node;
        /** Next in the slab's returned stack; written before the push's CAS publishes it. */
        Slice next;
        @SuppressWarnings("unused") // accessed through SLICE_STATE
        private volatile int state = IN_USE;

        Slice(RingSlab slab, ByteBuffer buffer, int chunk, int node) {
            this.slab = slab;
            this.buffer = buffer;
            this.chunk = chunk;
            this.node = node;
        }

        /** The slice's memory: a direct buffer of the slice size, position 0, limit = capacity. */
        public ByteBuffer buffer() {
            return buffer;
        }

        /** The slice size in bytes. */
        public int capacity() {
            return buffer.capacity();
        }

        /**
         * Returns the slice to its slab; any thread, exactly once. The caller must not touch
         * {@link #buffer()} afterwards.
         *
         * @throws IllegalStateException when called a second time
         */
        public void free() {
            if (!SLICE_STATE.compareAndSet(this, IN_USE, FREED)) {
                throw new IllegalStateException("slab slice freed twice");
            }
            slab.pushReturned(this);
        }
    }

    /**
     * One chunk's buddy tree, as a complete binary tree in an array (node 1 is the whole chunk,
     * node i's halves are 2i and 2i+1, depth d nodes are chunkSize >> d bytes). Each entry holds
     * the smallest depth at which its subtree still has a wholly free node; {@code maxDepth + 1}
     * means nothing free. Allocating at depth d descends towards a node whose entry is d and
     * marks it used; freeing restores it and merges halves that are both wholly free.
     */
    private final class Chunk {
        private final int index;
        private final ByteBuffer memory;
        private final byte[] tree;
        private final byte unusable;

        Chunk(int index, ByteBuffer memory) {
            this.index = index;
            this.memory = memory;
            this.tree = new byte[2 << maxDepth];
            this.unusable = (byte) (maxDepth + 1);
            for (int id = 1; id < tree.length; id++) {
                tree[id] = (byte) depth(id);
            }
        }

        private int depth(int id) {
            return 31 - Integer.numberOfLeadingZeros(id);
        }

        Slice allocate(int depth) {
            if (tree[1] > depth) {
                return null;
            }
            int id = 1;
            while (depth(id) < depth) {
                id <<= 1;
                if (tree[id] > depth) {
                    id ^= 1; // the left half has nothing that big free; the right one must
                }
            }
            tree[id] = unusable;
            for (int up = id >>> 1; up >= 1; up >>>= 1) {
                tree[up] = (byte) Math.min(tree[up << 1], tree[(up << 1) | 1]);
            }
            int size = chunkSize >>> depth;
            int offset = (id - (1 << depth)) * size;
            return new Slice(RingSlab.this, memory.slice(offset, size), index, id);
        }

        void free(int id) {
            tree[id] = (byte) depth(id);
            for (int up = id >>> 1; up >= 1; up >>>= 1) {
                int half = depth(up) + 1;
                byte left = tree[up << 1];
                byte right = tree[(up << 1) | 1];
                tree[up] = (left == half && right == half) ? (byte) depth(up) : (byte) Math.min(left, right);
            }
        }
    }
}
