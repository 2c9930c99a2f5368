package io.jmtcp.engine.dev;

/**
 * The in-stack loopback: every frame a queue transmits is received by the same queue on its
 * next receive burst, zero-copy (the transmit slot is the receive slot). Both ends of a
 * connection run through the full stack. Needs no root and no native code: the embedded default.
 *
 * <p>Frames never leave the process, so the device claims both checksum offloads
 * ({@link DeviceCapabilities#inProcess}): the stack computes no TCP or IPv4 header checksum on
 * transmit and verifies none on receive, as Linux does on {@code lo}. A pcap taken on this
 * device therefore shows unfinished checksums (the TCP field holds the pseudo-header sum, the
 * IPv4 one zero), as tcpdump on {@code lo} does.
 */
public final class LoopbackDevice implements NetDevice {

    /** Largest MTU an IPv4 packet allows. */
    public static final int MAX_MTU = 65535;
    /** A locally administered unicast MAC. */
    public static final long MAC = 0x02_00_00_00_00_01L;

    private final DeviceCapabilities capabilities;
    private final RingEndpoint[] queues;

    /**
     * @param mtu IP MTU, 68..65535
     * @param queues queue pairs
     * @param slots frames each queue's ring holds (power of two)
     */
    public LoopbackDevice(int mtu, int queues, int slots) {
        if (mtu > MAX_MTU) {
            throw new IllegalArgumentException("loopback mtu " + mtu + " exceeds " + MAX_MTU);
        }
        this.capabilities = DeviceCapabilities.inProcess(mtu, queues);
        this.queues = new RingEndpoint[queues];
        for (int q = 0; q < queues; q++) {
            FrameRing ring = FrameRing.allocate(slots, capabilities.frameCapacity());
            Doorbell bell = new Doorbell();
            this.queues[q] = new RingEndpoint(ring, ring, bell, bell);
        }
    }

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public DeviceCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public long macAddress() {
        return MAC;
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
        // memory is reclaimed with the device; nothing to release eagerly
    }
}
