package io.jmtcp.engine.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

// Field groups padded apart by inheritance (JCTools' trick: the JVM lays out a superclass's
// fields before a subclass's), so the producer's and the consumer's hot fields never share a
// cache line and one side's stores do not invalidate the line the other side keeps reading.

abstract class ByteRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** Written by the producer only. */
abstract class ByteRingProducerFields extends ByteRingPad0 {
    /** Next stream position to publish to; read by the consumer with acquire loads. */
    long writePosition;
    /** The producer's last view of {@code readPosition}; never ahead of it. */
    long readPositionCache;
}

abstract class ByteRingPad1 extends ByteRingProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/** Written by the consumer only. */
abstract class ByteRingConsumerFields extends ByteRingPad1 {
    /** First stream position not yet consumed; read by the producer with acquire loads. */
    long readPosition;
    /** The consumer's last view of {@code writePosition}; never ahead of it. */
    long writePositionCache;
}

abstract class ByteRingPad2 extends ByteRingConsumerFields {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}

/**
 * A single-producer single-consumer byte stream ring over off-heap memory: the receive or send
 * buffer of one socket, shared by an application thread and an engine thread (DESIGN.md §3.2).
 *
 * <p>Positions are ever-growing 64-bit stream counters (they do not wrap in practice); a byte at
 * position {@code p} lives at index {@code p & (capacity - 1)}. The producer owns the write
 * position and publishes it with a release store after copying bytes in; the consumer owns the
 * read position and publishes it with a release store after it is done with the bytes. Each side
 * caches the other side's position and re-reads it (an acquire load) only when the cached value
 * does not allow the operation, so in steady state the two threads seldom touch each other's
 * cache lines. Copies are bulk {@link ByteBuffer} copies, at most two per buffer (the second one
 * when the data wraps around the end of the memory). No method locks or allocates.
 *
 * <p>Producer methods: {@link #writableBytes()}, the {@code write} family, {@link #writeAt} and
 * {@link #publishTo} (TCP reassembly places out-of-order segments ahead of the write position and
 * publishes once the hole is filled, RFC 9293 §3.10.7.4 step 7). Consumer methods:
 * {@link #readableBytes()}, the {@code read} family, {@link #peek} and {@link #consume} /
 * {@link #advanceTo} (TCP keeps sent data in the send ring until it is acknowledged, RFC 9293
 * §3.8.1, and retransmits from it). Calling a side's method from a thread other than that side's
 * current owner is a data race; the owners may change only with a happens-before hand-over
 * (a lock, as NIO's read and write locks give).
 *
 * <p>Lifetime: a ring starts with two holders, its producer and its consumer; each calls its
 * {@code release} once when done, and the second call returns the memory to the
 * {@link RingSlab} it came from. Neither side may touch the ring after its own release.
 */
public final class ByteRing extends ByteRingPad2 {

    private static final VarHandle WRITE_POSITION;
    private static final VarHandle READ_POSITION;
    private static final VarHandle HOLDERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITE_POSITION = lookup.findVarHandle(ByteRingProducerFields.class, "writePosition", long.class);
            READ_POSITION = lookup.findVarHandle(ByteRingConsumerFields.class, "readPosition", long.class);
            HOLDERS = lookup.findVarHandle(ByteRing.class, "holders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int PRODUCER = 1;
    private static final int CONSUMER = 2;

    private final ByteBuffer memory;
    private final int capacity;
    private final int mask;
    private final RingSlab.Slice slice;

    /** Bit set of the sides still holding the ring ({@link #PRODUCER}, {@link #CONSUMER}). */
    @SuppressWarnings("unused") // accessed through HOLDERS
    private volatile int holders = PRODUCER | CONSUMER;

    /** A ring over fresh direct memory not taken from a slab (tests, standalone use). */
    public static ByteRing allocate(int capacity) {
        checkCapacity(capacity);
        return new ByteRing(ByteBuffer.allocateDirect(capacity), null);
    }

    /**
     * A ring over all of {@code memory}, whose capacity must be a power of two. The buffer's
     * position and limit are ignored and never changed: the ring uses absolute copies only, so
     * both threads may use the same buffer object.
     */
    public ByteRing(ByteBuffer memory) {
        this(memory, null);
    }

    /** A ring over a slab slice, returned to the slab when both sides have released it. */
    ByteRing(RingSlab.Slice slice) {
        this(slice.buffer(), slice);
    }

    private ByteRing(ByteBuffer memory, RingSlab.Slice slice) {
        if (!memory.isDirect()) {
            throw new IllegalArgumentException("a byte ring needs direct memory");
        }
        checkCapacity(memory.capacity());
        this.memory = memory;
        this.capacity = memory.capacity();
        this.mask = capacity - 1;
        this.slice = slice;
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 2, got " + capacity);
        }
    }

    /** Bytes the ring holds when full. */
    public int capacity() {
        return capacity;
    }

    // ------------------------------------------------------------ position accessors
    // lv = load with acquire semantics, so = store with release semantics, lp = plain load by the
    // position's owner (JCTools' naming).

    private long lvWritePosition() {
        return (long) WRITE_POSITION.getAcquire(this);
    }

    private long lpWritePosition() {
        return (long) WRITE_POSITION.get(this);
    }

    private void soWritePosition(long position) {
        WRITE_POSITION.setRelease(this, position);
    }

    private long lvReadPosition() {
        return (long) READ_POSITION.getAcquire(this);
    }

    private long lpReadPosition() {
        return (long) READ_POSITION.get(this);
    }

    private void soReadPosition(long position) {
        READ_POSITION.setRelease(this, position);
    }

    // ------------------------------------------------------------ producer side

    /** Producer: the stream position the next written byte gets (bytes written so far). */
    public long writePosition() {
        return lpWritePosition();
    }

    /** Producer: free space now; fresh (re-reads the consumer's position). */
    public int writableBytes() {
        long read = lvReadPosition();
        readPositionCache = read;
        return (int) (read + capacity - lpWritePosition());
    }

    /**
     * Producer: the first position beyond the free space (read position + capacity), the end of
     * what {@link #writeAt} may fill; fresh. For a receive ring this is the right edge of the
     * receive window.
     */
    public long writeLimit() {
        long read = lvReadPosition();
        readPositionCache = read;
        return read + capacity;
    }

    /** Free space from {@code position}, re-reading the consumer only when the cache says less than wanted. */
    private long spaceFrom(long position, int wanted) {
        long space = readPositionCache + capacity - position;
        if (space < wanted) {
            readPositionCache = lvReadPosition();
            space = readPositionCache + capacity - position;
        }
        return space;
    }

    /**
     * Producer: copies as many of {@code src}'s remaining bytes as fit, advances its position by
     * as many and publishes them.
     *
     * @return bytes written, 0 when the ring is full or {@code src} is empty
     */
    public int write(ByteBuffer src) {
        int wanted = src.remaining();
        if (wanted == 0) {
            return 0;
        }
        long position = lpWritePosition();
        int n = (int) Math.min(wanted, spaceFrom(position, wanted));
        if (n == 0) {
            return 0;
        }
        int from = src.position();
        copyIn(position, src, from, n);
        src.position(from + n);
        soWritePosition(position + n);
        return n;
    }

    /**
     * Producer: gathering write, as {@link java.nio.channels.GatheringByteChannel#write(ByteBuffer[], int, int)}:
     * fills from {@code srcs[offset]} onwards until the ring is full, advancing each buffer's
     * position, and publishes once.
     *
     * @return bytes written
     */
    public long write(ByteBuffer[] srcs, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long start = lpWritePosition();
        long position = start;
        long space = readPositionCache + capacity - position;
        for (int i = offset, end = offset + length; i < end; i++) {
            ByteBuffer src = srcs[i];
            int wanted = src.remaining();
            if (wanted == 0) {
                continue;
            }
            if (space < wanted) {
                readPositionCache = lvReadPosition();
                space = readPositionCache + capacity - position;
                if (space == 0) {
                    break;
                }
            }
            int n = (int) Math.min(wanted, space);
            int from = src.position();
            copyIn(position, src, from, n);
            src.position(from + n);
            position += n;
            space -= n;
            if (n < wanted) {
                break;
            }
        }
        if (position != start) {
            soWritePosition(position);
        }
        return position - start;
    }

    /**
     * Producer (engine side of a receive ring): copies up to {@code length} bytes from
     * {@code frame} at absolute index {@code offset}, as many as fit, and publishes them.
     * The range must lie below {@code frame}'s limit, as for the JDK's absolute bulk methods;
     * its position and limit are not changed.
     *
     * @return bytes written
     */
    public int write(ByteBuffer frame, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, frame.limit());
        if (length == 0) {
            return 0;
        }
        long position = lpWritePosition();
        int n = (int) Math.min(length, spaceFrom(position, length));
        if (n == 0) {
            return 0;
        }
        copyIn(position, frame, offset, n);
        soWritePosition(position + n);
        return n;
    }

    /**
     * Producer: places bytes at stream {@code position}, at or ahead of the write position,
     * without publishing them (out-of-order data waiting for a hole before it to be filled).
     * Bytes beyond {@link #writeLimit()} are not stored (a TCP receiver trims a segment to its
     * window, RFC 9293 §3.10.7.4). A later {@link #publishTo} makes them readable; until then
     * the consumer cannot see them.
     *
     * @return bytes stored, counted from the first; 0 when {@code position} is at or beyond the limit
     * @throws IllegalArgumentException if {@code position} is before the write position
     */
    public int writeAt(long position, ByteBuffer frame, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, frame.limit());
        long written = lpWritePosition();
        if (position < written) {
            throw new IllegalArgumentException(
                    "position " + position + " is before the write position " + written + ": already published");
        }
        if (length == 0) {
            return 0;
        }
        long space = spaceFrom(position, length);
        if (space <= 0) {
            return 0;
        }
        int n = (int) Math.min(length, space);
        copyIn(position, frame, offset, n);
        return n;
    }

    /**
     * Producer: publishes every byte before {@code position}, which the producer must have
     * stored (by {@link #writeAt}); the ring cannot tell a stored byte from a stale one.
     *
     * @throws IllegalArgumentException if {@code position} is before the write position or
     *         beyond {@link #writeLimit()}
     */
    public void publishTo(long position) {
        long written = lpWritePosition();
        if (position < written) {
            throw new IllegalArgumentException(
                    "cannot publish to " + position + ": before the write position " + written);
        }
        if (position == written) {
            return;
        }
        if (spaceFrom(position, 0) < 0) {
            throw new IllegalArgumentException("cannot publish to " + position
                    + ": beyond the write limit " + (readPositionCache + capacity));
        }
        soWritePosition(position);
    }

    /** Copies n bytes (n at most the free space) from src[from..] into the ring at stream position. */
    private void copyIn(long position, ByteBuffer src, int from, int n) {
        int index = (int) position & mask;
        int first = Math.min(n, capacity - index);
        memory.put(index, src, from, first);
        if (first < n) {
            memory.put(0, src, from + first, n - first);
        }
    }

    // ------------------------------------------------------------ consumer side

    /** Consumer: the stream position of the next byte to consume (bytes consumed so far). */
    public long readPosition() {
        return lpReadPosition();
    }

    /** Consumer: published bytes not yet consumed; fresh (re-reads the producer's position). */
    public int readableBytes() {
        long written = lvWritePosition();
        writePositionCache = written;
        return (int) (written - lpReadPosition());
    }

    /** Consumer: the producer's published write position; fresh. */
    public long publishedPosition() {
        long written = lvWritePosition();
        writePositionCache = written;
        return written;
    }

    /** Published bytes from {@code position}, re-reading the producer only when the cache says less than wanted. */
    private long availableFrom(long position, int wanted) {
        long available = writePositionCache - position;
        if (available < wanted) {
            writePositionCache = lvWritePosition();
            available = writePositionCache - position;
        }
        return available;
    }

    /**
     * Consumer: copies as many readable bytes as {@code dst} has room for, advances its position
     * and consumes them.
     *
     * @return bytes read, 0 when the ring is empty or {@code dst} is full
     */
    public int read(ByteBuffer dst) {
        int wanted = dst.remaining();
        if (wanted == 0) {
            return 0;
        }
        long position = lpReadPosition();
        int n = (int) Math.min(wanted, availableFrom(position, wanted));
        if (n == 0) {
            return 0;
        }
        int to = dst.position();
        copyOut(position, dst, to, n);
        dst.position(to + n);
        soReadPosition(position + n);
        return n;
    }

    /**
     * Consumer: scattering read, as {@link java.nio.channels.ScatteringByteChannel#read(ByteBuffer[], int, int)}:
     * fills {@code dsts[offset]} onwards until the ring is empty, advancing each buffer's
     * position, and consumes once.
     *
     * @return bytes read
     */
    public long read(ByteBuffer[] dsts, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        long start = lpReadPosition();
        long position = start;
        long available = writePositionCache - position;
        for (int i = offset, end = offset + length; i < end; i++) {
            ByteBuffer dst = dsts[i];
            int wanted = dst.remaining();
            if (wanted == 0) {
                continue;
            }
            if (available < wanted) {
                writePositionCache = lvWritePosition();
                available = writePositionCache - position;
                if (available == 0) {
                    break;
                }
            }
            int n = (int) Math.min(wanted, available);
            int to = dst.position();
            copyOut(position, dst, to, n);
            dst.position(to + n);
            position += n;
            available -= n;
            if (n < wanted) {
                break;
            }
        }
        if (position != start) {
            soReadPosition(position);
        }
        return position - start;
    }

    /**
     * Consumer (engine side of a send ring): copies up to {@code length} published bytes starting
     * at stream position {@code fromPosition} into {@code frame} at absolute index
     * {@code frameOffset}, without consuming them, so they stay available for retransmission.
     * The range must lie below {@code frame}'s limit, as for the JDK's absolute bulk methods;
     * its position and limit are not changed.
     *
     * @return bytes copied: fewer than {@code length} when fewer are published from there
     * @throws IllegalArgumentException if {@code fromPosition} is already consumed or beyond the
     *         published data
     */
    public int peek(long fromPosition, ByteBuffer frame, int frameOffset, int length) {
        Objects.checkFromIndexSize(frameOffset, length, frame.limit());
        long consumed = lpReadPosition();
        if (fromPosition < consumed) {
            throw new IllegalArgumentException(
                    "position " + fromPosition + " is already consumed (read position " + consumed + ")");
        }
        long available = availableFrom(fromPosition, length);
        if (available < 0) {
            throw new IllegalArgumentException(
                    "position " + fromPosition + " is beyond the published data (" + writePositionCache + ")");
        }
        int n = (int) Math.min(length, available);
        if (n > 0) {
            copyOut(fromPosition, frame, frameOffset, n);
        }
        return n;
    }

    /**
     * Consumer: consumes {@code bytes} published bytes without copying them (a TCP sender's
     * acknowledged data), freeing their space for the producer.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or more than are published
     */
    public void consume(int bytes) {
        advanceTo(lpReadPosition() + bytes);
    }

    /**
     * Consumer: consumes every byte before stream {@code position} (e.g. SND.UNA after an ACK).
     *
     * @throws IllegalArgumentException if {@code position} is before the read position or beyond
     *         the published data
     */
    public void advanceTo(long position) {
        long consumed = lpReadPosition();
        if (position < consumed || availableFrom(position, 0) < 0) {
            throw new IllegalArgumentException("cannot advance to " + position + ": read position "
                    + consumed + ", published up to " + writePositionCache);
        }
        if (position != consumed) {
            soReadPosition(position);
        }
    }

    /** Copies n published bytes at stream position into dst at absolute index to. */
    private void copyOut(long position, ByteBuffer dst, int to, int n) {
        int index = (int) position & mask;
        int first = Math.min(n, capacity - index);
        dst.put(to, memory, index, first);
        if (first < n) {
            dst.put(to + first, memory, 0, n - first);
        }
    }

    // ------------------------------------------------------------ lifetime

    /** The producer is done with the ring; returns true if this release freed its memory. */
    public boolean releaseProducer() {
        return release(PRODUCER, "producer");
    }

    /** The consumer is done with the ring; returns true if this release freed its memory. */
    public boolean releaseConsumer() {
        return release(CONSUMER, "consumer");
    }

    /** True while at least one side still holds the ring. */
    public boolean isHeld() {
        return (int) HOLDERS.getVolatile(this) != 0;
    }

    private boolean release(int side, String name) {
        int before = (int) HOLDERS.getAndBitwiseAnd(this, ~side);
        if ((before & side) == 0) {
            throw new IllegalStateException("the " + name + " released this ring twice");
        }
        if (before != side) {
            return false;
        }
        // last holder out: the getAndBitwiseAnd is a full fence, so every access either side
        // made to the memory happens-before the slab hands it to another ring
        if (slice != null) {
            slice.free();
        }
        return true;
    }
}
