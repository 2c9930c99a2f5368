package io.jmtcp.engine.dev;

/**
 * One end of an in-memory Ethernet wire joining two stacks in one JVM (tests and benchmarks).
 * Queue {@code q} of one end transmits to queue {@code q} of the other. Each direction of each
 * queue is an SPSC {@link FrameRing}, so the two ends may be driven by different threads.
 */
public final class PairDevice implements NetDevice {

    private final String name;
    private final long mac;
    private final DeviceCapabilities capabilities;
    private final RingEndpoint[] queues;

    private PairDevice(String name, long mac, DeviceCapabilities capabilities, RingEndpoint[] queues) {
        this.name = name;
        this.mac = mac;
        this.capabilities = capabilities;
        this.queues = queues;
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
        return new Wire(new PairDevice("pair:a", macA, caps, a), new PairDevice("pair:b", macB, caps, b));
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
        return queues[queue].rxBurst(batch);
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        queues[queue].rxRelease(batch);
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        return queues[queue].txAcquire(batch);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        return queues[queue].txBurst(batch);
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        queues[queue].awaitRx(timeoutNanos);
    }

    @Override
    public void wakeup(int queue) {
        queues[queue].rxBell.ring();
    }

    @Override
    public long counter(DeviceCounter counter) {
        if (counter != DeviceCounter.TX_DROPPED_FULL) {
            return 0;
        }
        long sum = 0;
        for (RingEndpoint q : queues) {
            sum += q.droppedFull;
        }
        return sum;
    }

    @Override
    public void close() {
        // rings are plain direct memory, reclaimed with the device
    }
}
