package io.jmtcp.provider.shm;

import static io.jmtcp.provider.shm.ShmLayout.INTS;
import static io.jmtcp.provider.shm.ShmLayout.LONGS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One process's hold on a shared-memory wire file: which side it is, the mapped memory, and the
 * liveness records of both sides. {@link #open} runs the open protocol under an exclusive file
 * lock (and a JVM-wide monitor, since a JVM may not hold two locks on one file): an empty or
 * missing file is created (side A); a file whose side A lives and whose side B is free is
 * attached (side B); a file with no live owner is re-initialised (side A, {@link #recovered()});
 * anything else is refused with a message naming the file and the live pid(s).
 *
 * <p>Threading: {@link #open} and {@link #close} from any thread; the heartbeat and peer reads from
 * the device's monitor thread; {@link #memory()} is shared by the queues' engine threads.
 */
public final class ShmWire implements AutoCloseable {

    /**
     * What this process asks for; 0 in {@code slots}, {@code frame} or {@code mtu} means "the
     * default" when creating and "whatever the file has" when attaching.
     *
     * @param queues queue pairs (one per engine); must equal the file's when attaching
     * @param slots slots per ring, or 0
     * @param frame frame capacity in bytes, or 0
     * @param mtu IP MTU, or 0
     */
    public record Request(int queues, int slots, int frame, int mtu) {

        /** Slots per ring when not given. */
        public static final int DEFAULT_SLOTS = 1024;
        /** IP MTU when neither the MTU nor the frame size is given: the loopback device's. */
        public static final int DEFAULT_MTU = 16384;

        /** The layout a creator writes. */
        ShmLayout layoutToCreate() {
            int m = mtu != 0 ? mtu : frame != 0 ? Math.min(65535, frame - 18) : DEFAULT_MTU;
            int f = frame != 0 ? frame : io.jmtcp.engine.dev.DeviceCapabilities.frameCapacityFor(m);
            return new ShmLayout(queues, slots != 0 ? slots : DEFAULT_SLOTS, f, m);
        }
    }

    /** Serialises opens within this JVM: a second FileLock on the same file would throw. */
    private static final Object OPEN_LOCK = new Object();
    private static final long START_TOLERANCE_MILLIS = 1000;

    private final Path file;
    private final int side;
    private final ShmLayout layout;
    private final MappedByteBuffer memory;
    private final boolean recovered;
    private final long generation;
    private final long peerPidAtOpen;
    private long heartbeat;
    private boolean closed;

    private ShmWire(Path file, int side, ShmLayout layout, MappedByteBuffer memory, boolean recovered) {
        this.file = file;
        this.side = side;
        this.layout = layout;
        this.memory = memory;
        this.recovered = recovered;
        this.generation = (long) LONGS.get(memory, ShmLayout.GENERATION_OFFSET);
        this.peerPidAtOpen = side == 1 ? pidOf(0) : 0;
    }

    /**
     * Opens {@code file} as side A (creating or recovering it) or side B (attaching).
     *
     * @throws IllegalArgumentException the file is in use, not a wire, or its layout does not
     *         match the request; the message names the file, the field or the live pid(s)
     * @throws UncheckedIOException the file cannot be created, locked or mapped
     */
    public static ShmWire open(Path file, Request request) {
        ShmLayout wanted = request.layoutToCreate(); // validates the request before touching the file
        synchronized (OPEN_LOCK) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                long size = ch.size();
                if (size == 0) {
                    return create(file, ch, wanted, 1, false);
                }
                if (size > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("shm wire " + file + ": " + size
                            + " bytes is larger than any wire; not a jmtcp shm wire: remove it or choose another path");
                }
                if (size < ShmLayout.PAGE) {
                    throw new IllegalArgumentException("shm wire " + file + ": " + size + " bytes is too short for a"
                            + " wire header (" + ShmLayout.PAGE + "); not a jmtcp shm wire: remove it or choose another path");
                }
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
                checkIdentity(file, m, size);
                boolean liveA = live(m, 0);
                boolean liveB = live(m, 1);
                if (!liveA && !liveB) {
                    // a wire left by processes that died (or closed without deleting it): nobody
                    // can be using it, so start it afresh
                    long previous = (long) LONGS.get(m, ShmLayout.GENERATION_OFFSET);
                    return create(file, ch, wanted, previous + 1, true);
                }
                if (liveA && liveB) {
                    throw new IllegalArgumentException("shm wire " + file + " is in use by pid " + pidIn(m, 0)
                            + " (side A) and pid " + pidIn(m, 1) + " (side B); a wire joins exactly two processes");
                }
                if (!liveA) {
                    throw new IllegalArgumentException("shm wire " + file + ": side B (pid " + pidIn(m, 1)
                            + ") is live but side A (pid " + pidIn(m, 0) + ") is gone, so the wire is down; stop pid "
                            + pidIn(m, 1) + "'s stack and retry");
                }
                ShmLayout layout = ShmLayout.read(file, m, size); // a live owner's file must be sound
                int stateB = (int) INTS.getVolatile(m, ShmLayout.sideOffset(1) + ShmLayout.SIDE_STATE);
                if (stateB != ShmLayout.STATE_ABSENT) {
                    throw new IllegalArgumentException("shm wire " + file + ": side A (pid " + pidIn(m, 0)
                            + ") is live but its peer (side B, pid " + pidIn(m, 1) + ") has gone, so the wire is down;"
                            + " restart pid " + pidIn(m, 0) + "'s stack (it removes the file when it closes)");
                }
                checkCompatible(file, pidIn(m, 0), layout, request);
                claim(m, 1);
                return new ShmWire(file, 1, layout, m, false);
            } catch (IOException e) {
                throw new UncheckedIOException("shm wire " + file + ": cannot open: " + e.getMessage(), e);
            }
        }
    }

    private static ShmWire create(Path file, FileChannel ch, ShmLayout layout, long generation, boolean recovered)
            throws IOException {
        // truncate first: a recovered file's old rings and records must read as zero
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(new byte[1]), layout.fileBytes() - 1L);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileBytes());
        claim(m, 0);
        layout.writeHeader(m, generation);
        return new ShmWire(file, 0, layout, m, recovered);
    }

    private static void checkIdentity(Path file, ByteBuffer m, long size) {
        long magic = (long) LONGS.getVolatile(m, ShmLayout.MAGIC_OFFSET);
        int version = (int) INTS.get(m, ShmLayout.VERSION_OFFSET);
        if (magic != ShmLayout.MAGIC || version != ShmLayout.VERSION) {
            ShmLayout.read(file, m, size); // throws naming the bad field
        }
    }

    private static void checkCompatible(Path file, long creator, ShmLayout have, Request want) {
        String where = "shm wire " + file + " (created by pid " + creator + ") has ";
        if (want.queues() != have.queues()) {
            throw new IllegalArgumentException(where + have.queues() + " queue(s) but this stack wants "
                    + want.queues() + "; run both stacks with jmtcp.engines=" + have.queues());
        }
        if (want.slots() != 0 && want.slots() != have.slots()) {
            throw new IllegalArgumentException(where + "slots=" + have.slots() + " but slots=" + want.slots()
                    + " was asked for; give both sides the same value, or none on the attaching side");
        }
        if (want.frame() != 0 && want.frame() != have.frameCapacity()) {
            throw new IllegalArgumentException(where + "frame=" + have.frameCapacity() + " but frame=" + want.frame()
                    + " was asked for; give both sides the same value, or none on the attaching side");
        }
        if (want.mtu() != 0 && want.mtu() != have.mtu()) {
            throw new IllegalArgumentException(where + "mtu " + have.mtu() + " but jmtcp.mtu=" + want.mtu()
                    + "; both stacks need the same MTU (0 takes the file's)");
        }
    }

    /** Writes this process's record into {@code side}, state last (release). */
    private static void claim(ByteBuffer m, int side) {
        int at = ShmLayout.sideOffset(side);
        ProcessHandle self = ProcessHandle.current();
        LONGS.set(m, at + ShmLayout.SIDE_PID, self.pid());
        LONGS.set(m, at + ShmLayout.SIDE_START, startMillis(self));
        LONGS.set(m, at + ShmLayout.SIDE_HEARTBEAT, 0L);
        INTS.setVolatile(m, at + ShmLayout.SIDE_STATE, ShmLayout.STATE_OPEN);
    }

    private static long pidIn(ByteBuffer m, int side) {
        return (long) LONGS.getVolatile(m, ShmLayout.sideOffset(side) + ShmLayout.SIDE_PID);
    }

    /** A side is live when it is open and its process still runs (same pid, same start time). */
    private static boolean live(ByteBuffer m, int side) {
        int at = ShmLayout.sideOffset(side);
        if ((int) INTS.getVolatile(m, at + ShmLayout.SIDE_STATE) != ShmLayout.STATE_OPEN) {
            return false;
        }
        return processAlive((long) LONGS.get(m, at + ShmLayout.SIDE_PID), (long) LONGS.get(m, at + ShmLayout.SIDE_START));
    }

    /**
     * Whether process {@code pid} runs and is the one that started at {@code startMillis} (a
     * reused pid has a later start). Allocates; not for hot paths.
     */
    static boolean processAlive(long pid, long startMillis) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        long now = startMillis(h.get());
        return startMillis == 0 || now == 0 || Math.abs(now - startMillis) <= START_TOLERANCE_MILLIS;
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private long pidOf(int s) {
        return pidIn(memory, s);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** 0 for side A (the creator), 1 for side B. */
    public int side() {
        return side;
    }

    /** The layout both sides share. */
    public ShmLayout layout() {
        return layout;
    }

    /** True when this open re-initialised a file whose owners had died. */
    public boolean recovered() {
        return recovered;
    }

    /** How many times the file has been initialised (1 when this process created it fresh). */
    public long generation() {
        return generation;
    }

    /** The mapped file: header and rings. */
    public ByteBuffer memory() {
        return memory;
    }

    /** The peer's side state ({@link ShmLayout#STATE_ABSENT}, OPEN or CLOSED), with acquire order. */
    public int peerState() {
        return (int) INTS.getAcquire(memory, ShmLayout.sideOffset(1 - side) + ShmLayout.SIDE_STATE);
    }

    /** The peer's pid, 0 while no peer has attached. */
    public long peerPid() {
        long pid = pidOf(1 - side);
        return pid != 0 ? pid : peerPidAtOpen;
    }

    /** The peer's heartbeat counter. */
    long peerHeartbeat() {
        return (long) LONGS.getAcquire(memory, ShmLayout.sideOffset(1 - side) + ShmLayout.SIDE_HEARTBEAT);
    }

    /** Whether the peer's recorded process still runs. Allocates (reads /proc). */
    boolean peerProcessAlive() {
        int at = ShmLayout.sideOffset(1 - side);
        return processAlive((long) LONGS.getVolatile(memory, at + ShmLayout.SIDE_PID),
                (long) LONGS.get(memory, at + ShmLayout.SIDE_START));
    }

    /** Advances this side's heartbeat (release: the peer reads it with acquire). Monitor thread. */
    void beat() {
        LONGS.setRelease(memory, ShmLayout.sideOffset(side) + ShmLayout.SIDE_HEARTBEAT, ++heartbeat);
    }

    /** The peer's park word on queue {@code q}: its sleep interval while it sleeps, 0 while it polls, -1 once rung. */
    long peerParkNanos(int q) {
        return (long) LONGS.getVolatile(memory, ShmLayout.parkOffset(q, 1 - side));
    }

    /**
     * Claims the right to ring the peer's doorbell on queue {@code q} for its current sleep:
     * true for exactly one caller per sleep (the park word goes from the interval it announced
     * to -1), so a sleeping peer gets one datagram however many frames or wakers reach it.
     */
    boolean claimPeerDoorbell(int q, long parkWord) {
        return LONGS.compareAndSet(memory, ShmLayout.parkOffset(q, 1 - side), parkWord, -1L);
    }

    /** Claims this side's own doorbell on queue {@code q} (a local waker), as {@link #claimPeerDoorbell}. */
    boolean claimOwnDoorbell(int q, long parkWord) {
        return LONGS.compareAndSet(memory, ShmLayout.parkOffset(q, side), parkWord, -1L);
    }

    /** This side's park word on queue {@code q} (volatile). */
    long ownParkWord(int q) {
        return (long) LONGS.getVolatile(memory, ShmLayout.parkOffset(q, side));
    }

    /**
     * Announces this side's sleep interval on queue {@code q} (0 = polling). Volatile: the store
     * is ordered before the receiver's next look at its ring, and a sender's store of its ring
     * position before its look at this word (the two halves of a Dekker handshake: one of the
     * two always sees the other).
     */
    void parkNanos(int q, long nanos) {
        LONGS.setVolatile(memory, ShmLayout.parkOffset(q, side), nanos);
    }

    /** The loopback UDP port the peer's receiver of queue {@code q} sleeps on, 0 if none. */
    int peerDoorbellPort(int q) {
        return (int) INTS.getVolatile(memory, ShmLayout.doorbellOffset(q, 1 - side));
    }

    /** Publishes this side's doorbell port for queue {@code q} (0 = none). */
    void doorbellPort(int q, int port) {
        INTS.setVolatile(memory, ShmLayout.doorbellOffset(q, side), port);
    }

    /**
     * Marks this side closed; side A also removes the file (under the file lock, so a process
     * opening it at the same time either sees it closed and recovers it, or creates a new one).
     * The mapping itself is released by the garbage collector: Java cannot unmap without Unsafe.
     */
    @Override
    public void close() {
        synchronized (OPEN_LOCK) {
            if (closed) {
                return;
            }
            closed = true;
            INTS.setVolatile(memory, ShmLayout.sideOffset(side) + ShmLayout.SIDE_STATE, ShmLayout.STATE_CLOSED);
            if (side != 0) {
                return;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                // only our own file: after our CLOSED a racing opener may have re-initialised it
                // under a new generation and now owns it
                if (ch.size() >= ShmLayout.PAGE) {
                    MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ShmLayout.PAGE);
                    if ((long) LONGS.getVolatile(m, ShmLayout.GENERATION_OFFSET) != generation
                            || (long) LONGS.get(m, ShmLayout.SIDE_A_OFFSET + ShmLayout.SIDE_PID) != ProcessHandle.current().pid()) {
                        return;
                    }
                }
                Files.deleteIfExists(file);
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed by someone else: nothing to clean
            } catch (IOException e) {
                throw new UncheckedIOException("shm wire " + file + ": cannot remove on close: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "shm wire " + file + " side " + ShmLayout.sideName(side) + " (pid " + ProcessHandle.current().pid()
                + ", generation " + generation + ")";
    }
}
