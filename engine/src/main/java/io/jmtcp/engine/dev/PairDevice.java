package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;

/**
 * One end of an in-memory Ethernet wire joining two stacks in one JVM (tests and benchmarks).
 *
 * <p>Unsteered ({@link #create(int, int, int)}): queue {@code q} of one end transmits to queue
 * {@code q} of the other, like a multi-queue link whose receiver does no RSS, so a frame may reach
 * an engine that does not own its flow. Each direction of each queue is an SPSC
 * {@link FrameRing}, so the two ends may be driven by different threads.
 *
 * <p>Steered ({@link #create(int, int, int, Steering)}): the receiving end picks the queue of
 * each frame with a {@link Steering} function, as a NIC with receive-side scaling does (DESIGN.md
 * 3.3: "devices without RSS hash in software the same way"). There is then one SPSC ring per
 * (transmit queue, receive queue) pair; a transmitted burst is staged in the queue's own buffer
 * and copied into the ring of each frame's receive queue by {@link #txBurst} (one copy per frame:
 * this is a test device).
 */
public final class PairDevice implements NetDevice {

    /**
     * Chooses the receive queue of a frame, like a NIC's RSS engine; called by the transmitting
     * thread, so it must be thread-safe (a pure function of the frame) and allocate nothing.
     */
    @FunctionalInterface
    public interface Steering {
        /** @return the receive queue, 0..queues-1, for the Ethernet frame at {@code offset} */
        int queueFor(ByteBuffer frame, int offset, int length);
    }

    private final String name;
    private final long mac;
    private final DeviceCapabilities capabilities;
    private final RingEndpoint[] queues;
    private final SteeredEndpoint[] steered;

    private PairDevice(String name, long mac, DeviceCapabilities capabilities, RingEndpoint[] queues,
            SteeredEndpoint[] steered) {
        this.name = name;
        this.mac = mac;
        this.capabilities = capabilities;
        this.queues = queues;
        this.steered = steered;
    }

    /** The two ends of one wire. */
    public record Wire(PairDevice a, PairDevice b) {}

    /** Creates a wire whose ends have MACs 02:00:00:00:01:01 and 02:00:00:00:01:02. */
    public static Wire create(int mtu, int queues, int slots) {
        return create(mtu, queues, slots, 0x02_00_00_00_01_01L, 0x02_00_00_00_01_02L);
    }

    /** Creates a wire with the given MACs. */
    public static Wire create(int mtu, int queues, int slots, long macA, long macB) {
        DeviceCapabilities caps = DeviceCapabilities.software(mtu, queues);
        RingEndpoint[] a = new RingEndpoint[queues];
        RingEndpoint[] b = new RingEndpoint[queues];
        for (int q = 0; q < queues; q++) {
            FrameRing aToB = FrameRing.allocate(slots, caps.frameCapacity());
            FrameRing bToA = FrameRing.allocate(slots, caps.frameCapacity());
            Doorbell aBell = new Doorbell();
            Doorbell bBell = new Doorbell();
            a[q] = new RingEndpoint(aToB, bToA, aBell, bBell);
            b[q] = new RingEndpoint(bToA, aToB, bBell, aBell);
        }
        return new Wire(new PairDevice("pair:a", macA, caps, a, null), new PairDevice("pair:b", macB, caps, b, null));
    }

    /**
     * Creates a steered wire (MACs as {@link #create(int, int, int)}): every frame, in both
     * directions, goes to the receive queue {@code steering} names.
     *
     * @param slots slots of each of the {@code queues * queues} rings per direction
     */
    public static Wire create(int mtu, int queues, int slots, Steering steering) {
        DeviceCapabilities caps = DeviceCapabilities.software(mtu, queues);
        // rings[from][to] per direction; bells[q] wakes the thread receiving on queue q
        FrameRing[][] aToB = new FrameRing[queues][queues];
        FrameRing[][] bToA = new FrameRing[queues][queues];
        Doorbell[] aBells = new Doorbell[queues];
        Doorbell[] bBells = new Doorbell[queues];
        for (int from = 0; from < queues; from++) {
            aBells[from] = new Doorbell();
            bBells[from] = new Doorbell();
            for (int to = 0; to < queues; to++) {
                aToB[from][to] = FrameRing.allocate(slots, caps.frameCapacity());
                bToA[from][to] = FrameRing.allocate(slots, caps.frameCapacity());
            }
        }
        SteeredEndpoint[] a = new SteeredEndpoint[queues];
        SteeredEndpoint[] b = new SteeredEndpoint[queues];
        for (int q = 0; q < queues; q++) {
            FrameRing[] intoA = new FrameRing[queues];
            FrameRing[] intoB = new FrameRing[queues];
            for (int from = 0; from < queues; from++) {
                intoA[from] = bToA[from][q];
                intoB[from] = aToB[from][q];
            }
            a[q] = new SteeredEndpoint(aToB[q], intoA, aBells[q], bBells, steering, caps.frameCapacity(), slots);
            b[q] = new SteeredEndpoint(bToA[q], intoB, bBells[q], aBells, steering, caps.frameCapacity(), slots);
        }
        return new Wire(new PairDevice("pair:a", 0x02_00_00_00_01_01L, caps, null, a),
                new PairDevice("pair:b", 0x02_00_00_00_01_02L, caps, null, b));
    }

    /** Whether this end's peer steers frames by a {@link Steering} function. */
    public boolean steered() {
        return steered != null;
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
        return mac;
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        return steered != null ? steered[queue].rxBurst(batch) : queues[queue].rxBurst(batch);
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        if (steered != null) {
            steered[queue].rxRelease(batch);
        } else {
            queues[queue].rxRelease(batch);
        }
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        return steered != null ? steered[queue].txAcquire(batch) : queues[queue].txAcquire(batch);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        return steered != null ? steered[queue].txBurst(batch) : queues[queue].txBurst(batch);
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        if (steered != null) {
            steered[queue].awaitRx(timeoutNanos);
        } else {
            queues[queue].awaitRx(timeoutNanos);
        }
    }

    @Override
    public void wakeup(int queue) {
        if (steered != null) {
            steered[queue].rxBell.ring();
        } else {
            queues[queue].rxBell.ring();
        }
    }

    @Override
    public long counter(DeviceCounter counter) {
        if (counter != DeviceCounter.TX_DROPPED_FULL) {
            return 0;
        }
        long sum = 0;
        if (steered != null) {
            for (SteeredEndpoint q : steered) {
                sum += q.droppedFull;
            }
            return sum;
        }
        for (RingEndpoint q : queues) {
            sum += q.droppedFull;
        }
        return sum;
    }

    @Override
    public void close() {
        // rings are plain direct memory, reclaimed with the device
    }

    /**
     * One queue of a steered end: a staging area for the burst being built, the rings to every
     * receive queue of the peer, and the rings from every transmit queue of the peer.
     */
    private static final class SteeredEndpoint {
        private final FrameRing[] out;
        private final FrameRing[] in;
        final Doorbell rxBell;
        private final Doorbell[] peerBells;
        private final Steering steering;
        private final int frameCapacity;
        private final int stagingSlots;
        private final ByteBuffer staging;
        private final boolean[] touched;
        private final java.util.function.BooleanSupplier rxReady;
        private int staged;
        long droppedFull;

        SteeredEndpoint(FrameRing[] out, FrameRing[] in, Doorbell rxBell, Doorbell[] peerBells, Steering steering,
                int frameCapacity, int slots) {
            this.out = out;
            this.in = in;
            this.rxBell = rxBell;
            this.peerBells = peerBells;
            this.steering = steering;
            this.frameCapacity = frameCapacity;
            this.stagingSlots = slots;
            this.staging = ByteBuffer.allocateDirect(slots * frameCapacity);
            this.touched = new boolean[out.length];
            this.rxReady = () -> {
                for (FrameRing r : in) {
                    if (r.available() > 0) {
                        return true;
                    }
                }
                return false;
            };
        }

        int rxBurst(FrameBatch batch) {
            int n = 0;
            for (FrameRing r : in) {
                n += r.borrow(batch, 0);
            }
            return n;
        }

        void rxRelease(FrameBatch batch) {
            for (FrameRing r : in) {
                r.releaseBorrowed();
            }
            batch.clear();
        }

        int txAcquire(FrameBatch batch) {
            if (batch.isFull()) {
                return -1;
            }
            if (staged == stagingSlots) {
                droppedFull++;
                return -1;
            }
            return batch.add(staging, staged++ * frameCapacity, 0, frameCapacity, 0, 0);
        }

        int txBurst(FrameBatch batch) {
            int sent = 0;
            for (int i = 0, n = batch.size(); i < n; i++) {
                int length = batch.length(i);
                if (length <= 0) {
                    continue;
                }
                int offset = batch.offset(i);
                int q = steering.queueFor(staging, offset, length);
                FrameRing ring = out[q];
                int slot = ring.reserve();
                if (slot < 0) {
                    droppedFull++; // the receiver is behind: the wire drops, as a full NIC queue does
                    continue;
                }
                ring.memory().put(slot, staging, offset, length);
                ring.setLength(slot, length);
                touched[q] = true;
                sent++;
            }
            batch.clear();
            staged = 0;
            for (int q = 0; q < out.length; q++) {
                if (touched[q]) {
                    touched[q] = false;
                    out[q].publish();
                    peerBells[q].ring();
                }
            }
            return sent;
        }

        void awaitRx(long timeoutNanos) {
            rxBell.sleep(timeoutNanos, rxReady);
        }
    }
}
