package io.jmtcp.provider.shm;

import io.jmtcp.engine.dev.DeviceCapabilities;
import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
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
 * <p>Idle waiting ({@link #awaitRx}): each queue's receiver has a doorbell, a loopback UDP socket
 * ({@code java.net.DatagramSocket}, which reaches the kernel with no JVM flag whatever the
 * {@code SelectorProvider}) whose port it publishes in the file. A receiver with nothing to do
 * announces in its park word that it sleeps, looks at its ring once more, and blocks on its
 * doorbell for at most {@code park} (default 1 ms). A sender that has published frames, or a
 * local thread that hands the engine work ({@link #wakeup}), looks at that word afterwards and,
 * if it says "sleeping", claims it (compare-and-set to "rung") and sends the doorbell one byte:
 * so a sleeping receiver is woken by the kernel at once, exactly one datagram per sleep, and a
 * receiver that is awake costs its senders one memory read. (Store, fence, load on both sides:
 * either the receiver sees the frame before it blocks or the sender sees the sleeper.) Busy
 * polling is then unnecessary, and {@code spin} defaults to 0: on a machine with few cores a
 * spinning receiver takes the core its peer needs to produce what it waits for, and the engine's
 * idle strategy spins before it calls {@code awaitRx} anyway. The {@code park} bound remains
 * for the case where the doorbell cannot ring (the two processes in different network
 * namespaces, no loopback interface): then the receiver falls back to polling every
 * {@code park}, and when no doorbell can be opened at all it parks in growing intervals, 50 µs
 * doubling up to {@code park}, as before. Senders count the bursts they handed to a sleeping
 * peer ({@link #framesToSleepingPeer()}) and the doorbells they rang ({@link #doorbellsRung()}).
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

        /** Defaults: file or default geometry, no spin (the doorbell wakes), 1 ms park cap, 3 s heartbeat timeout. */
        public static Options defaults() {
            return new Options(0, 0, 0, 1_000_000, 3_000_000_000L);
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
            queues[q] = new Queue(q, tx, rx, layout.frameCapacity(), Doorbell.open());
            wire.parkNanos(q, 0);
            wire.doorbellPort(q, queues[q].bell == null ? 0 : queues[q].bell.port());
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

    /** Transmit bursts that found the peer's receiver asleep (it had to be woken); engine threads' sum. */
    public long framesToSleepingPeer() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.toSleepingPeer;
        }
        return sum;
    }

    /** Doorbells this side's engines rang to wake the peer's sleeping receivers. */
    public long doorbellsRung() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.peerRings;
        }
        return sum;
    }

    /** Times this side's receivers blocked (on a doorbell or a park) in {@link #awaitRx}. */
    public long sleeps() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.sleeps;
        }
        return sum;
    }

    /** True when every queue of this side has a doorbell (its loopback UDP socket opened). */
    public boolean hasDoorbells() {
        for (Queue q : queues) {
            if (q.bell == null) {
                return false;
            }
        }
        return true;
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
            q.parkNanos = 0; // traffic: the next idle spell starts with a busy-poll (if any) again
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
        if (sent > 0) {
            // the store of the ring position (release) must precede the look at the peer's park
            // word: without this fence the two could reorder, the peer could miss the frames
            // and the sender the sleeper (store-load, the one order x86 does not keep)
            VarHandle.fullFence();
            long peer = wire.peerParkNanos(q.index);
            if (peer != 0) {
                q.toSleepingPeer++;
                if (peer > 0 && wire.claimPeerDoorbell(q.index, peer)) {
                    ringPeer(q);
                }
            }
        }
        checkUp();
        return sent;
    }

    /**
     * Busy-polls for {@code spin} (right after traffic; 0 by default), then sleeps on the
     * doorbell in {@code park} slices until a frame arrives, {@link #wakeup} is called, the link
     * goes down or the timeout passes. Without a doorbell (or for a wait shorter than the
     * doorbell's 1 ms resolution) it parks in growing bounded intervals instead.
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
        if (q.bell != null && timeoutNanos >= Doorbell.RESOLUTION_NANOS) {
            sleepOnDoorbell(q, deadline);
        } else {
            sleepParked(q, deadline);
        }
        checkUp();
    }

    /** Blocks on the queue's doorbell in {@code park} slices: a peer or local waker rings it. */
    private void sleepOnDoorbell(Queue q, long deadline) {
        try {
            while (down == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                long slice = Math.max(Doorbell.RESOLUTION_NANOS, Math.min(options.maxParkNanos(), left));
                // announce, then look: a sender publishes, then looks at this word (Dekker)
                wire.parkNanos(q.index, slice);
                if (q.ready()) {
                    return;
                }
                q.sleeps++;
                if (!q.bell.await(slice) && closed) {
                    return;
                }
                if (q.ready()) {
                    return;
                }
            }
        } finally {
            wire.parkNanos(q.index, 0);
            q.woken = false;
        }
    }

    /** The fallback without a doorbell: parks in growing intervals, re-reading the ring after each. */
    private void sleepParked(Queue q, long deadline) {
        q.sleeper = Thread.currentThread();
        wire.parkNanos(q.index, q.bell == null ? q.parkNanos : 0);
        try {
            // sleeper is announced (volatile) before ready() reads woken: a concurrent wakeup
            // either sees the sleeper and unparks it, or is seen here
            while (!q.ready() && down == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                q.sleeps++;
                LockSupport.parkNanos(this, Math.min(q.parkNanos, left));
                if (q.parkNanos < options.maxParkNanos()) {
                    q.parkNanos = Math.min(2 * q.parkNanos, options.maxParkNanos());
                    if (q.bell == null) {
                        wire.parkNanos(q.index, q.parkNanos);
                    }
                }
            }
        } finally {
            q.sleeper = null;
            wire.parkNanos(q.index, 0);
            q.woken = false;
        }
    }

    @Override
    public void wakeup(int queue) {
        Queue q = queues[queue];
        q.woken = true;
        Thread t = q.sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
        if (q.bell != null) {
            // woken (volatile) is stored before the park word is read; the sleeper stores the
            // word before it reads woken: one of the two sees the other
            long word = wire.ownParkWord(q.index);
            if (word > 0 && wire.claimOwnDoorbell(q.index, word)) {
                q.bell.ring(q.bell.self);
            }
        }
    }

    /** Rings the peer's doorbell of queue {@code q} (the caller claimed it). Engine thread. */
    private void ringPeer(Queue q) {
        int port = wire.peerDoorbellPort(q.index);
        if (port == 0 || q.bell == null) {
            return; // the peer has no doorbell: it polls every park interval
        }
        if (q.peerPacket == null || q.peerPacket.getPort() != port) {
            q.peerPacket = Doorbell.packetTo(port);
        }
        q.peerRings++;
        q.bell.ring(q.peerPacket);
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
        for (Queue q : queues) {
            if (q.bell != null) {
                q.bell.close(); // a receiver blocked on it returns
            }
        }
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
        long peerRings;
        long sleeps;
        /** This queue's doorbell, or null when no loopback UDP socket could be opened. */
        final Doorbell bell;
        /** The datagram that rings the peer's doorbell (rebuilt only if the peer's port changes). */
        DatagramPacket peerPacket;
        volatile Thread sleeper;
        volatile boolean woken;

        Queue(int index, FrameRing tx, FrameRing rx, int frameCapacity, Doorbell bell) {
            this.index = index;
            this.tx = tx;
            this.rx = rx;
            this.scratch = ByteBuffer.allocateDirect(frameCapacity);
            this.bell = bell;
        }

        boolean ready() {
            return woken || rx.available() > 0;
        }
    }

    /**
     * A receiver's doorbell: a UDP socket bound to the loopback address that its receiver blocks
     * on, and rings sent to it. {@code java.net.DatagramSocket} is used because it reaches the
     * kernel with no JVM flag even when jmtcp is the process's {@code SelectorProvider}, and
     * because a datagram wakes the blocked thread through the kernel at once, across processes,
     * where {@code LockSupport.unpark} reaches only this JVM. Its timeout has a resolution of 1
     * ms. {@link #await} is called by the queue's engine thread only; {@link #ring} from any
     * thread (the socket serialises sends).
     */
    static final class Doorbell {
        static final long RESOLUTION_NANOS = 1_000_000;
        private static final byte[] RING = {1};

        private final DatagramSocket socket;
        private final DatagramPacket in = new DatagramPacket(new byte[1], 1);
        /** A ring to this doorbell, for local wakers; never modified, so it may be shared. */
        final DatagramPacket self;
        private int timeoutMillis = -1;

        private Doorbell(DatagramSocket socket) {
            this.socket = socket;
            this.self = packetTo(socket.getLocalPort());
        }

        /** A doorbell on an ephemeral loopback port, or null when none can be opened (no loopback). */
        static Doorbell open() {
            try {
                return new Doorbell(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            } catch (IOException | SecurityException e) {
                return null;
            }
        }

        static DatagramPacket packetTo(int port) {
            return new DatagramPacket(RING, 1, InetAddress.getLoopbackAddress(), port);
        }

        int port() {
            return socket.getLocalPort();
        }

        /**
         * Blocks until a ring arrives (true) or about {@code nanos} pass (false; rounded up to the
         * 1 ms resolution). A closed doorbell returns false at once.
         */
        boolean await(long nanos) {
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + RESOLUTION_NANOS - 1) / RESOLUTION_NANOS));
            try {
                if (millis != timeoutMillis) {
                    socket.setSoTimeout(millis);
                    timeoutMillis = millis;
                }
                socket.receive(in);
                return true;
            } catch (SocketTimeoutException timeout) {
                return false;
            } catch (IOException closedOrFailed) {
                return false; // closed under the sleeper (device close): the caller re-checks
            }
        }

        /** Sends one ring; a failure (the receiver's socket gone) only costs the receiver a poll interval. */
        void ring(DatagramPacket to) {
            try {
                socket.send(to);
            } catch (IOException gone) {
                // the receiver polls every park interval anyway
            }
        }

        void close() {
            socket.close();
        }
    }
}
