package io.jmtcp.engine.dev.shm;

import io.jmtcp.engine.dev.DeviceCapabilities;
import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One end of a shared-memory wire (see the package comment for the contract): queue {@code q}
 * transmits into this side's ring of queue {@code q} and receives from the peer's, zero-copy in
 * both directions (transmit frames are written in place in the ring, received frames are
 * borrowed from it). Until the peer attaches the link has no carrier and transmitted frames are
 * dropped and counted ({@link DeviceCounter#TX_ERRORS}), so the peer does not start with a ring of
 * stale frames.
 *
 * <p>Idle waiting ({@link #awaitRx}): there is no cross-process doorbell in Java without native
 * code, so the receiver first busy-polls the ring for {@code spin} (default 20 µs, only after it
 * has just received), then parks in growing intervals — 50 µs doubling up to {@code park}
 * (default 1 ms). The latency this adds to a frame that arrives while the receiver sleeps is at
 * most its current interval plus the kernel's timer slack (about 50 µs): under load the interval
 * stays small; after an idle spell the first frame may wait up to about 1 ms. Each receiver
 * publishes its interval in the file (the "waker flag"), so senders count the frames they handed
 * to a sleeping peer ({@link #framesToSleepingPeer()}). An idle side wakes about 1000 times a
 * second.
 *
 * <p>Liveness: a monitor thread advances this side's heartbeat every 100 ms and, once the peer
 * has attached, checks that the peer's process still runs (pid and start time), that its
 * heartbeat moves (within {@code timeout}, default 3 s) and that it has not closed. When any
 * check fails the link goes down: every burst method and {@code awaitRx} throw an
 * {@link UncheckedIOException} naming the file, the peer's pid and the reason, so the engine fails
 * and its sockets fail with an {@code IOException} within about 100 ms of a peer's death.
 *
 * <p>Threading: as {@link NetDevice}: one engine thread per queue; {@link #wakeup} from any thread.
 */
public final class ShmDevice implements NetDevice {

    /** MAC of side A: locally administered unicast. */
    public static final long MAC_A = 0x02_00_00_00_03_01L;
    /** MAC of side B. */
    public static final long MAC_B = 0x02_00_00_00_03_02L;

    /** Handle of a transmit frame that has no ring slot (no carrier): it is dropped. */
    private static final long NO_CARRIER = -1;
    private static final long MIN_PARK_NANOS = 50_000;
    private static final long MONITOR_PERIOD_NANOS = 100_000_000;

    /**
     * Tuning of one open.
     *
     * @param slots slots per ring, 0 = default (or the file's, when attaching)
     * @param frame frame capacity, 0 = from the MTU (or the file's)
     * @param spinNanos how long a receiver that just had frames busy-polls before it parks
     * @param maxParkNanos the longest park between polls of an idle receiver
     * @param peerTimeoutNanos how long a peer's heartbeat may stand still before the link is down
     */
    public record Options(int slots, int frame, long spinNanos, long maxParkNanos, long peerTimeoutNanos) {

        /** Defaults: file or default geometry, 20 µs spin, 1 ms park cap, 3 s heartbeat timeout. */
        public static Options defaults() {
            return new Options(0, 0, 20_000, 1_000_000, 3_000_000_000L);
        }

        public Options {
            if (spinNanos < 0 || maxParkNanos < MIN_PARK_NANOS || peerTimeoutNanos < 2 * MONITOR_PERIOD_NANOS) {
                throw new IllegalArgumentException("spin >= 0, park >= 50us and timeout >= 200ms, got spin "
                        + spinNanos + "ns, park " + maxParkNanos + "ns, timeout " + peerTimeoutNanos + "ns");
            }
        }
    }

    private final ShmWire wire;
    private final String name;
    private final DeviceCapabilities capabilities;
    private final Queue[] queues;
    private final Options options;
    private final Thread monitor;
    private volatile UncheckedIOException down;
    private volatile boolean closed;

    private ShmDevice(ShmWire wire, Options options) {
        this.wire = wire;
        this.options = options;
        ShmLayout layout = wire.layout();
        this.name = "shm:" + wire.file() + " side " + ShmLayout.sideName(wire.side());
        this.capabilities = new DeviceCapabilities(layout.mtu(), layout.queues(), false, false, false,
                layout.frameCapacity());
        this.queues = new Queue[layout.queues()];
        for (int q = 0; q < queues.length; q++) {
            int me = wire.side();
            FrameRing tx = new FrameRing(wire.memory(), layout.ringOffset(q, me), layout.slots(), layout.frameCapacity());
            FrameRing rx = new FrameRing(wire.memory(), layout.ringOffset(q, 1 - me), layout.slots(),
                    layout.frameCapacity());
            queues[q] = new Queue(q, tx, rx, layout.frameCapacity());
        }
        this.monitor = new Thread(this::monitor, "jmtcp-shm-monitor-" + wire.file().getFileName());
        monitor.setDaemon(true);
    }

    /**
     * Opens {@code file} as side A (create, or recover a dead process's file) or side B (attach).
     *
     * @param queues queue pairs (engines); an attaching side must ask for the file's number
     * @param mtu IP MTU, 0 for the default (16384) or the file's
     * @throws IllegalArgumentException the file is in use, not a wire, or does not match
     * @throws UncheckedIOException the file cannot be created or mapped
     */
    public static ShmDevice open(Path file, int queues, int mtu, Options options) {
        ShmWire wire = ShmWire.open(file, new ShmWire.Request(queues, options.slots(), options.frame(), mtu));
        ShmDevice device = new ShmDevice(wire, options);
        device.monitor.start();
        return device;
    }

    /** The wire this device holds (side, layout, file). */
    public ShmWire wire() {
        return wire;
    }

    /** True once the peer has attached and until the link goes down. */
    public boolean carrier() {
        return down == null && wire.peerState() == ShmLayout.STATE_OPEN;
    }

    /** Why the link is down, or null while it is up (or still waiting for the peer). */
    public IOException linkDown() {
        UncheckedIOException d = down;
        return d == null ? null : d.getCause();
    }

    /** Transmit bursts that found the peer's receiver parked (a latency it paid); engine threads' sum. */
    public long framesToSleepingPeer() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.toSleepingPeer;
        }
        return sum;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public long macAddress() {
        return wire.side() == 0 ? MAC_A : MAC_B;
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        checkUp();
        Queue q = queues[queue];
        int n = q.rx.borrow(batch, 0);
        if (n > 0) {
            q.parkNanos = 0; // traffic: the next idle spell starts with a busy-poll again
        }
        return n;
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        queues[queue].rx.releaseBorrowed();
        batch.clear();
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        checkUp();
        if (batch.isFull()) {
            return -1;
        }
        Queue q = queues[queue];
        if (!q.carrier) {
            q.carrier = wire.peerState() == ShmLayout.STATE_OPEN;
            if (!q.carrier) {
                return batch.add(q.scratch, 0, 0, q.scratch.capacity(), NO_CARRIER, 0);
            }
        }
        int offset = q.tx.reserve();
        if (offset < 0) {
            q.droppedFull++; // the peer is behind: the wire drops, as a full NIC queue does
            return -1;
        }
        return batch.add(q.tx.memory(), offset, 0, q.tx.frameCapacity(), 0, 0);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        int sent = 0;
        for (int i = 0, n = batch.size(); i < n; i++) {
            int length = batch.length(i);
            if (batch.handle(i) == NO_CARRIER) {
                if (length > 0) {
                    q.droppedNoCarrier++;
                }
                continue;
            }
            // every reserved slot gets its length, 0 included: the consumer skips those
            q.tx.setLength(batch.offset(i), length);
            if (length > 0) {
                sent++;
            }
        }
        batch.clear();
        q.tx.publish();
        if (sent > 0 && wire.peerParkNanos(q.index) != 0) {
            q.toSleepingPeer++;
        }
        checkUp();
        return sent;
    }

    /**
     * Busy-polls briefly (right after traffic), then parks in growing bounded intervals until a
     * frame arrives, {@link #wakeup} is called, the link goes down or the timeout passes.
     */
    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        checkUp();
        Queue q = queues[queue];
        if (q.ready()) {
            q.woken = false;
            return;
        }
        long now = System.nanoTime();
        long deadline = now + timeoutNanos;
        if (q.parkNanos == 0) {
            long spinEnd = now + Math.min(options.spinNanos(), timeoutNanos);
            while (System.nanoTime() - spinEnd < 0) {
                if (q.ready() || down != null) {
                    q.woken = false;
                    checkUp();
                    return;
                }
                Thread.onSpinWait();
            }
            q.parkNanos = MIN_PARK_NANOS;
        }
        q.sleeper = Thread.currentThread();
        wire.parkNanos(q.index, q.parkNanos);
        try {
            // sleeper is announced (volatile) before ready() reads woken: a concurrent wakeup
            // either sees the sleeper and unparks it, or is seen here
            while (!q.ready() && down == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, Math.min(q.parkNanos, left));
                if (q.parkNanos < options.maxParkNanos()) {
                    q.parkNanos = Math.min(2 * q.parkNanos, options.maxParkNanos());
                    wire.parkNanos(q.index, q.parkNanos);
                }
            }
        } finally {
            q.sleeper = null;
            wire.parkNanos(q.index, 0);
            q.woken = false;
        }
        checkUp();
    }

    @Override
    public void wakeup(int queue) {
        Queue q = queues[queue];
        q.woken = true;
        Thread t = q.sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public long counter(DeviceCounter counter) {
        long sum = 0;
        for (Queue q : queues) {
            if (counter == DeviceCounter.TX_DROPPED_FULL) {
                sum += q.droppedFull;
            } else if (counter == DeviceCounter.TX_ERRORS) {
                sum += q.droppedNoCarrier;
            }
        }
        return sum;
    }

    /** Stops the monitor, marks this side closed (the peer's link goes down) and, on side A, removes the file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(monitor);
        try {
            monitor.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wire.close();
    }

    private void checkUp() {
        UncheckedIOException d = down;
        if (d != null) {
            throw d;
        }
    }

    /** The monitor thread: heartbeat, then the peer's liveness, every 100 ms until closed or down. */
    private void monitor() {
        long peerSince = 0;
        long lastBeat = -1;
        long lastChange = 0;
        while (!closed) {
            wire.beat();
            long now = System.nanoTime();
            int state = wire.peerState();
            if (state != ShmLayout.STATE_ABSENT) {
                if (peerSince == 0) {
                    peerSince = now;
                }
                String problem = null;
                long beat = wire.peerHeartbeat();
                if (beat != lastBeat) {
                    lastBeat = beat;
                    lastChange = now;
                }
                if (state == ShmLayout.STATE_CLOSED) {
                    problem = "closed the wire";
                } else if (!wire.peerProcessAlive()) {
                    problem = "is gone (the process exited or was killed)";
                } else if (now - lastChange > options.peerTimeoutNanos()) {
                    problem = "sent no heartbeat for " + TimeUnit.NANOSECONDS.toMillis(now - lastChange)
                            + " ms (hung or stopped)";
                }
                if (problem != null) {
                    down = new UncheckedIOException(new IOException("shm wire " + wire.file() + ": peer pid "
                            + wire.peerPid() + " (side " + ShmLayout.sideName(1 - wire.side()) + ") " + problem
                            + "; the link is down"));
                    for (int q = 0; q < queues.length; q++) {
                        wakeup(q);
                    }
                    return;
                }
            }
            LockSupport.parkNanos(this, MONITOR_PERIOD_NANOS);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** One queue pair: its two rings, its sleeper and its counters. Fields by owner: engine thread unless volatile. */
    private static final class Queue {
        final int index;
        final FrameRing tx;
        final FrameRing rx;
        final ByteBuffer scratch;
        boolean carrier;
        long parkNanos;
        long droppedFull;
        long droppedNoCarrier;
        long toSleepingPeer;
        volatile Thread sleeper;
        volatile boolean woken;

        Queue(int index, FrameRing tx, FrameRing rx, int frameCapacity) {
            this.index = index;
            this.tx = tx;
            this.rx = rx;
            this.scratch = ByteBuffer.allocateDirect(frameCapacity);
        }

        boolean ready() {
            return woken || rx.available() > 0;
        }
    }
}
