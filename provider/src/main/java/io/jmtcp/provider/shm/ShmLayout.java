package io.jmtcp.provider.shm;

import io.jmtcp.engine.dev.DeviceCapabilities;
import io.jmtcp.engine.dev.FrameRing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The layout of a shared-memory wire file, and the checks a file must pass before it is used.
 *
 * <pre>
 * offset  size  field (native byte order; one writer per field)
 *      0     8  magic "JMTCPSHW" (a file of another byte order fails this check)
 *      8     4  layout version
 *     12     4  header bytes (a multiple of 4096; the rings start there)
 *     16     4  queues
 *     20     4  slots per ring (power of two)
 *     24     4  frame capacity (bytes a frame may use in a slot)
 *     28     4  IP MTU
 *     32     8  file bytes (header + 2 * queues * ring bytes)
 *     40     8  generation (incremented each time the file is (re)initialised)
 *    128    64  side A: pid (8), process start in epoch ms or 0 (8), heartbeat counter (8), state (4)
 *    256    64  side B: same fields
 *    512  64*2q per queue q and side s at 512 + (2q + s) * 64: the receiver's park word (8): its
 *               current sleep interval in ns while it sleeps, 0 while it polls, -1 once a waker
 *               has rung its doorbell for this sleep (the "waker flag"); then its doorbell (4):
 *               the loopback UDP port it sleeps on, 0 when it has none
 * header        per queue q: ring A to B, then ring B to A ({@link FrameRing} layout)
 * </pre>
 *
 * <p>Immutable once built; the static accessors are safe from any thread.
 *
 * @param queues queue pairs (one per engine)
 * @param slots slots per ring, a power of two
 * @param frameCapacity bytes a frame may use
 * @param mtu the IP MTU the two stacks share
 */
public record ShmLayout(int queues, int slots, int frameCapacity, int mtu) {

    /** "JMTCPSHW" read as a big-endian long. */
    public static final long MAGIC = 0x4A4D_5443_5053_4857L;
    /** 2: the doorbell port beside each park word, and the -1 "rung" park state. */
    public static final int VERSION = 2;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_BYTES_OFFSET = 12;
    static final int QUEUES_OFFSET = 16;
    static final int SLOTS_OFFSET = 20;
    static final int FRAME_OFFSET = 24;
    static final int MTU_OFFSET = 28;
    static final int FILE_BYTES_OFFSET = 32;
    static final int GENERATION_OFFSET = 40;
    static final int SIDE_A_OFFSET = 128;
    static final int SIDE_B_OFFSET = 256;
    static final int SIDE_PID = 0;
    static final int SIDE_START = 8;
    static final int SIDE_HEARTBEAT = 16;
    static final int SIDE_STATE = 24;
    static final int PARK_OFFSET = 512;
    /** Within a queue side's park slot: the doorbell port (int). */
    static final int DOORBELL_PORT = 8;
    static final int PAGE = 4096;

    /** Side state: nobody holds this side. */
    public static final int STATE_ABSENT = 0;
    /** Side state: a live process has the side open. */
    public static final int STATE_OPEN = 1;
    /** Side state: the side was closed cleanly; it will not come back. */
    public static final int STATE_CLOSED = 2;

    /** Most queues a file may have (one per engine; the configuration allows 64 engines). */
    public static final int MAX_QUEUES = 64;
    /** Most slots per ring. */
    public static final int MAX_SLOTS = 1 << 16;
    /** Smallest frame capacity: a minimal Ethernet frame (68-byte IP MTU plus header) rounded. */
    public static final int MIN_FRAME = 128;
    /** Largest frame capacity: an IPv4 packet of 65535 bytes plus Ethernet and VLAN headers. */
    public static final int MAX_FRAME = DeviceCapabilities.frameCapacityFor(65535);

    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /**
     * Validates the geometry.
     *
     * @throws IllegalArgumentException naming the first bad value and what is allowed
     */
    public ShmLayout {
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queues=" + queues + " is not in [1, " + MAX_QUEUES + "]");
        }
        if (slots < 2 || slots > MAX_SLOTS || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots=" + slots + " is not a power of two in [2, " + MAX_SLOTS + "]");
        }
        if (frameCapacity < MIN_FRAME || frameCapacity > MAX_FRAME) {
            throw new IllegalArgumentException("frame=" + frameCapacity + " is not in [" + MIN_FRAME + ", " + MAX_FRAME + "]");
        }
        if (mtu < 68 || mtu + DeviceCapabilities.ETHERNET_HEADER > frameCapacity) {
            throw new IllegalArgumentException("mtu " + mtu + " does not fit a frame of " + frameCapacity
                    + " bytes (needs 68 <= mtu <= frame - " + DeviceCapabilities.ETHERNET_HEADER + ")");
        }
        long total = headerBytes(queues) + 2L * queues * FrameRing.bytesFor(slots, frameCapacity);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(queues + " queue(s) of 2 x " + slots + " slots of " + frameCapacity
                    + " bytes need " + total + " bytes; one mapping holds at most " + Integer.MAX_VALUE);
        }
    }

    /** Header bytes for {@code queues} queues: the fixed part and the park words, in whole pages. */
    static int headerBytes(int queues) {
        int raw = PARK_OFFSET + 2 * queues * 64;
        return (raw + PAGE - 1) / PAGE * PAGE;
    }

    /** Bytes before the first ring. */
    public int headerBytes() {
        return headerBytes(queues);
    }

    /** Bytes of one ring. */
    public int ringBytes() {
        return FrameRing.bytesFor(slots, frameCapacity);
    }

    /** Size of the whole file. */
    public int fileBytes() {
        return headerBytes() + 2 * queues * ringBytes();
    }

    /** Where the ring that side {@code from} (0 = A, 1 = B) transmits into on queue {@code q} starts. */
    public int ringOffset(int q, int from) {
        return headerBytes() + (2 * q + from) * ringBytes();
    }

    /** Where the park word of the receiver {@code side} on queue {@code q} lives. */
    static int parkOffset(int q, int side) {
        return PARK_OFFSET + (2 * q + side) * 64;
    }

    /** Where the doorbell port of the receiver {@code side} on queue {@code q} lives. */
    static int doorbellOffset(int q, int side) {
        return parkOffset(q, side) + DOORBELL_PORT;
    }

    static int sideOffset(int side) {
        return side == 0 ? SIDE_A_OFFSET : SIDE_B_OFFSET;
    }

    /** Writes a fresh header (the memory must be zero); sides absent, generation as given. */
    void writeHeader(ByteBuffer m, long generation) {
        INTS.set(m, VERSION_OFFSET, VERSION);
        INTS.set(m, HEADER_BYTES_OFFSET, headerBytes());
        INTS.set(m, QUEUES_OFFSET, queues);
        INTS.set(m, SLOTS_OFFSET, slots);
        INTS.set(m, FRAME_OFFSET, frameCapacity);
        INTS.set(m, MTU_OFFSET, mtu);
        LONGS.set(m, FILE_BYTES_OFFSET, (long) fileBytes());
        LONGS.set(m, GENERATION_OFFSET, generation);
        // the magic last, with a fence: a reader that sees it sees the whole header
        LONGS.setVolatile(m, MAGIC_OFFSET, MAGIC);
    }

    /**
     * Reads the layout of an existing file, checking every field.
     *
     * @param m the file's first bytes (at least one page) mapped or read
     * @param fileSize the file's size on disk
     * @throws IllegalArgumentException naming the file, the bad field, its value and what was expected
     */
    static ShmLayout read(Path file, ByteBuffer m, long fileSize) {
        String where = "shm wire " + file + ": ";
        if (fileSize < PAGE || m.capacity() < PAGE) {
            throw new IllegalArgumentException(where + fileSize + " bytes is too short for a wire header (" + PAGE
                    + "); not a jmtcp shm wire: remove it or choose another path");
        }
        long magic = (long) LONGS.getVolatile(m, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(where + "bad magic 0x" + Long.toHexString(magic) + " (expected 0x"
                    + Long.toHexString(MAGIC) + "); not a jmtcp shm wire of this byte order: remove it or choose"
                    + " another path");
        }
        int version = (int) INTS.get(m, VERSION_OFFSET);
        if (version != VERSION) {
            throw new IllegalArgumentException(where + "layout version " + version + ", this jmtcp reads version "
                    + VERSION + "; both sides must run the same jmtcp");
        }
        int queues = (int) INTS.get(m, QUEUES_OFFSET);
        int slots = (int) INTS.get(m, SLOTS_OFFSET);
        int frame = (int) INTS.get(m, FRAME_OFFSET);
        int mtu = (int) INTS.get(m, MTU_OFFSET);
        ShmLayout layout;
        try {
            layout = new ShmLayout(queues, slots, frame, mtu);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "bad header: " + e.getMessage(), e);
        }
        int header = (int) INTS.get(m, HEADER_BYTES_OFFSET);
        if (header != layout.headerBytes()) {
            throw new IllegalArgumentException(where + "bad header: header bytes " + header + ", expected "
                    + layout.headerBytes() + " for " + queues + " queue(s)");
        }
        long recorded = (long) LONGS.get(m, FILE_BYTES_OFFSET);
        if (recorded != layout.fileBytes()) {
            throw new IllegalArgumentException(where + "bad header: file bytes " + recorded + ", expected "
                    + layout.fileBytes() + " for " + layout);
        }
        if (fileSize != recorded) {
            throw new IllegalArgumentException(where + "the file has " + fileSize + " bytes but its header says "
                    + recorded + " (truncated or extended by someone else)");
        }
        for (int side = 0; side < 2; side++) {
            int state = (int) INTS.getVolatile(m, sideOffset(side) + SIDE_STATE);
            if (state < STATE_ABSENT || state > STATE_CLOSED) {
                throw new IllegalArgumentException(where + "bad header: side " + sideName(side) + " state " + state
                        + " (expected 0 absent, 1 open or 2 closed)");
            }
        }
        return layout;
    }

    static String sideName(int side) {
        return side == 0 ? "A" : "B";
    }
}
