package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;

/**
 * A burst of frames: for each, the buffer it lives in, its offset and length there, the room
 * it has, a device-private handle, the receive hash and receive flags ({@link #CHECKSUMS_VERIFIED}). Frames are borrowed from the device
 * (see {@link NetDevice}); the batch itself is reused for every burst and never allocates.
 *
 * <p>Owned by one engine thread.
 */
public final class FrameBatch {

    /** The usual burst size: big enough to amortise a device call, small enough to stay in cache. */
    public static final int DEFAULT_BURST = 64;

    /**
     * Receive flag: the device verified this frame's IPv4 header checksum and its TCP/UDP checksum
     * and found both good (a NIC's checksum-good offload flags), so the stack may skip its own
     * verification of them. Never set for fragments (a NIC cannot check their L4 checksum).
     */
    public static final int CHECKSUMS_VERIFIED = 1;

    private final ByteBuffer[] buffers;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] capacities;
    private final long[] handles;
    private final int[] hashes;
    private final int[] flags;
    private int size;

    public FrameBatch(int maxFrames) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("a batch holds at least one frame, got " + maxFrames);
        }
        buffers = new ByteBuffer[maxFrames];
        offsets = new int[maxFrames];
        lengths = new int[maxFrames];
        capacities = new int[maxFrames];
        handles = new long[maxFrames];
        hashes = new int[maxFrames];
        flags = new int[maxFrames];
    }

    /** Frames in the batch. */
    public int size() {
        return size;
    }

    /** Most frames the batch can hold. */
    public int maxFrames() {
        return buffers.length;
    }

    /** Free places left. */
    public int remaining() {
        return buffers.length - size;
    }

    public boolean isFull() {
        return size == buffers.length;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Appends a frame (device side).
     *
     * @return its index
     */
    public int add(ByteBuffer buffer, int offset, int length, int capacity, long handle, int hash) {
        return add(buffer, offset, length, capacity, handle, hash, 0);
    }

    /**
     * Appends a received frame with its receive flags (device side).
     *
     * @return its index
     */
    public int add(ByteBuffer buffer, int offset, int length, int capacity, long handle, int hash, int flags) {
        int i = size++;
        this.flags[i] = flags;
        buffers[i] = buffer;
        offsets[i] = offset;
        lengths[i] = length;
        capacities[i] = capacity;
        handles[i] = handle;
        hashes[i] = hash;
        return i;
    }

    /** Forgets all frames (device side, once they are given back). Keeps buffer references for reuse. */
    public void clear() {
        size = 0;
    }

    public ByteBuffer buffer(int i) {
        return buffers[i];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** Sets the length of a transmit frame once written; 0 means "do not send". */
    public void length(int i, int length) {
        if (length < 0 || length > capacities[i]) {
            throw new IllegalArgumentException("frame length " + length + " outside [0, " + capacities[i] + "]");
        }
        lengths[i] = length;
    }

    public int capacity(int i) {
        return capacities[i];
    }

    public long handle(int i) {
        return handles[i];
    }

    public int hash(int i) {
        return hashes[i];
    }

    public void hash(int i, int hash) {
        hashes[i] = hash;
    }

    /** The receive flags of frame {@code i} ({@link #CHECKSUMS_VERIFIED}); 0 when the device set none. */
    public int flags(int i) {
        return flags[i];
    }

    /** Sets the receive flags of frame {@code i} (device side, or a decorator standing for an offload). */
    public void flags(int i, int flags) {
        this.flags[i] = flags;
    }
}
