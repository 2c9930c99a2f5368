package io.jmtcp.jni;

import io.jmtcp.engine.dev.DeviceCapabilities;
import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.wire.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TAP interface as a jmtcp device: the kernel's network stack is the peer on the other
 * side of the wire. The TAP is opened (created if absent) with {@code IFF_TAP | IFF_NO_PI |
 * IFF_MULTI_QUEUE}, one non-blocking fd per queue; the kernel spreads flows across the queues.
 * Opening also sets the interface's MTU and brings its link up; its IP address is configured by
 * whoever owns the kernel side (e.g. {@code ip addr add} inside a test namespace).
 *
 * <p>Each queue owns an off-heap pool of frame slots in one direct buffer, shared by receive and
 * transmit. {@link #rxBurst} reads straight into free slots with one JNI call (one {@code read}
 * per frame inside, stopping at {@code EAGAIN}); {@link #txAcquire} hands out a free slot;
 * {@link #txBurst} writes all frames in one JNI call and returns the slots. Per-frame offsets and
 * lengths travel through a descriptor array in native memory whose layout C reports. Nothing is
 * allocated after {@link #open}. {@link #awaitRx} polls the queue's fd together with an eventfd
 * that {@link #wakeup} writes.
 *
 * <p>The stack's MAC ({@link #macAddress()}) differs from the kernel interface's own MAC
 * ({@link #kernelMacAddress()}): the two are the two ends of the wire. By default it is a locally
 * administered address derived from the interface name ({@link #stableMac}), so it stays the
 * same across runs. Needs {@code CAP_NET_ADMIN}. Close the device only after its engines have
 * stopped: closing frees the fds, which the kernel may reuse at once.
 */
public final class TapDevice implements NetDevice {

    /** MTU used when none is configured. */
    public static final int DEFAULT_MTU = 1500;
    /** Largest MTU accepted: an IPv4 packet's maximum less the Ethernet header. */
    public static final int MAX_MTU = 65535 - DeviceCapabilities.ETHERNET_HEADER;
    /** Frame slots per queue when none are configured: several bursts of room in each direction. */
    public static final int DEFAULT_SLOTS = 512;
    /** Most queues a TAP may have (the kernel's MAX_TAP_QUEUES). */
    public static final int MAX_QUEUES = 256;

    private static final int DESC_SIZE;
    private static final int DESC_OFFSET;
    private static final int DESC_LENGTH;
    private static final int STATS_BYTES;
    private static final int STATS_RX_ERRORS;
    private static final int STATS_RX_TRUNCATED;
    private static final int STATS_TX_ERRORS;
    private static final int STATS_TX_DROPPED_FULL;

    static {
        int abi = Native.layout0(Native.LAYOUT_ABI_VERSION);
        if (abi != Native.ABI_VERSION) {
            throw new UnsatisfiedLinkError("libjmtcp ABI " + abi + " does not match the Java side's "
                    + Native.ABI_VERSION + " (stale library on the class path?)");
        }
        DESC_SIZE = Native.layout0(Native.LAYOUT_DESC_SIZE);
        DESC_OFFSET = Native.layout0(Native.LAYOUT_DESC_OFFSET);
        DESC_LENGTH = Native.layout0(Native.LAYOUT_DESC_LENGTH);
        // round the stats block to a cache line so the descriptors start on their own
        STATS_BYTES = (Native.layout0(Native.LAYOUT_STATS_SIZE) + 63) & ~63;
        STATS_RX_ERRORS = Native.layout0(Native.LAYOUT_STATS_RX_ERRORS);
        STATS_RX_TRUNCATED = Native.layout0(Native.LAYOUT_STATS_RX_TRUNCATED);
        STATS_TX_ERRORS = Native.layout0(Native.LAYOUT_STATS_TX_ERRORS);
        STATS_TX_DROPPED_FULL = Native.layout0(Native.LAYOUT_STATS_TX_DROPPED_FULL);
    }

    private final String ifname;
    private final String name;
    private final DeviceCapabilities capabilities;
    private final long mac;
    private final long kernelMac;
    private final int slotSize;
    private final int txCapacity;
    private final Queue[] queues;
    private volatile boolean closed;

    /** One queue: its fds, its slot pool and the native control block (stats + descriptors). */
    private static final class Queue {
        final int fd;
        final int eventFd;
        final ByteBuffer pool;
        final long poolAddress;
        final ByteBuffer control;
        final long statsAddress;
        final long descAddress;
        final int[] free;
        int freeCount;

        Queue(int fd, int eventFd, int slots, int slotSize) throws IOException {
            this.fd = fd;
            this.eventFd = eventFd;
            this.pool = ByteBuffer.allocateDirect(slots * slotSize);
            this.poolAddress = Errno.check(Native.address0(pool), "address of TAP slot pool");
            this.control = ByteBuffer.allocateDirect(STATS_BYTES + slots * DESC_SIZE + 64)
                    .order(ByteOrder.nativeOrder());
            long controlAddress = Errno.check(Native.address0(control), "address of TAP control block");
            // align the block to 64 bytes: C's structures want natural alignment
            int pad = (int) ((64 - (controlAddress & 63)) & 63);
            this.statsAddress = controlAddress + pad;
            this.descAddress = statsAddress + STATS_BYTES;
            this.statsBase = pad;
            this.descBase = pad + STATS_BYTES;
            this.free = new int[slots];
            for (int i = 0; i < slots; i++) {
                free[i] = slots - 1 - i;
            }
            this.freeCount = slots;
        }

        final int statsBase;
        final int descBase;

        long stat(int offset) {
            return control.getLong(statsBase + offset);
        }
    }

    private TapDevice(String ifname, int mtu, long mac, long kernelMac, int slots, int[] fds, int[] eventFds)
            throws IOException {
        this.ifname = ifname;
        this.name = "tap:" + ifname;
        this.capabilities = DeviceCapabilities.software(mtu, fds.length);
        this.mac = mac;
        this.kernelMac = kernelMac;
        this.slotSize = capabilities.frameCapacity();
        this.txCapacity = mtu + DeviceCapabilities.ETHERNET_HEADER;
        this.queues = new Queue[fds.length];
        for (int q = 0; q < fds.length; q++) {
            queues[q] = new Queue(fds[q], eventFds[q], slots, slotSize);
        }
    }

    /**
     * Opens (creating if needed) TAP {@code ifname} with the default MAC and slot count.
     *
     * @see #open(String, int, int, long, int)
     */
    public static TapDevice open(String ifname, int queues, int mtu) throws IOException {
        return open(ifname, queues, mtu, stableMac(ifname), DEFAULT_SLOTS);
    }

    /**
     * Opens (creating if needed) TAP {@code ifname}: {@code queues} fds, MTU set on the
     * interface, link up.
     *
     * @param ifname interface name, 1 to 15 of {@code [A-Za-z0-9_.-]}
     * @param queues queue pairs, 1 to {@value #MAX_QUEUES}
     * @param mtu IP MTU, 68 to {@value #MAX_MTU}
     * @param mac the stack's unicast MAC in the low 48 bits (see {@link MacAddress#parse})
     * @param slotsPerQueue frame slots of each queue's pool (receive and transmit together), at least 2
     * @throws IllegalArgumentException for a bad argument, naming it
     * @throws IOException naming the errno and the step that failed (e.g. {@code EPERM} without
     *     {@code CAP_NET_ADMIN}); nothing stays open
     */
    public static TapDevice open(String ifname, int queues, int mtu, long mac, int slotsPerQueue) throws IOException {
        requireInterfaceName(ifname);
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("TAP queues " + queues + " outside [1, " + MAX_QUEUES + "]");
        }
        if (mtu < 68 || mtu > MAX_MTU) {
            throw new IllegalArgumentException("TAP mtu " + mtu + " outside [68, " + MAX_MTU + "]");
        }
        if ((mac & ~0xFFFF_FFFF_FFFFL) != 0 || (mac & 0x0100_0000_0000L) != 0 || mac == 0) {
            throw new IllegalArgumentException("TAP mac " + MacAddress.format(mac) + " is not a unicast MAC");
        }
        if (slotsPerQueue < 2 || slotsPerQueue > 1 << 16) {
            throw new IllegalArgumentException("TAP slots " + slotsPerQueue + " outside [2, 65536]");
        }
        int[] fds = new int[queues];
        int[] eventFds = new int[queues];
        java.util.Arrays.fill(eventFds, -1);
        int rc = Native.tapOpen0(ifname, queues, fds);
        if (rc < 0) {
            throw Errno.exception(rc, "open TAP " + ifname + " with " + queues + " queue(s) via /dev/net/tun");
        }
        try {
            Errno.check(Native.ifSetMtu0(ifname, mtu), "set MTU " + mtu + " on " + ifname);
            long kernelMac = Errno.check(Native.ifMac0(ifname), "read the MAC of " + ifname);
            if (kernelMac == mac) {
                // the two ends of a wire must differ; flip a bit the kernel's random MAC set
                mac ^= 1L;
            }
            Errno.check(Native.ifSetUp0(ifname), "set link up on " + ifname);
            for (int q = 0; q < queues; q++) {
                eventFds[q] = (int) Errno.check(Native.eventfd0(), "create the wakeup eventfd of queue " + q);
            }
            return new TapDevice(ifname, mtu, mac, kernelMac, slotsPerQueue, fds, eventFds);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(fds);
            closeAll(eventFds);
            throw e;
        }
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                Native.close0(fd);
            }
        }
    }

    /** Throws unless {@code ifname} is a name the kernel accepts unchanged. */
    static void requireInterfaceName(String ifname) {
        if (ifname == null || !ifname.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("TAP interface name '" + ifname
                    + "' must be 1 to 15 characters of A-Z a-z 0-9 _ . -");
        }
    }

    /**
     * A locally administered unicast MAC derived from {@code ifname}: random-looking, the same on
     * every run for the same name (so neighbour caches stay valid across restarts).
     */
    public static long stableMac(String ifname) {
        long h = 0xcbf29ce484222325L; // FNV-1a, then a murmur finaliser to spread the bits
        for (byte b : ("jmtcp-tap:" + ifname).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        // first octet 0x02: locally administered (bit 1), unicast (bit 0 clear) — IEEE 802 §8.2
        return 0x02_00_00_00_00_00L | (h & 0xFF_FFFF_FFFFL);
    }



    /** The kernel interface's name. */
    public String interfaceName() {
        return ifname;
    }

    /** The kernel side's own MAC: where frames to the kernel go. */
    public long kernelMacAddress() {
        return kernelMac;
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
        Queue q = queues[queue];
        int n = Math.min(batch.remaining(), q.freeCount);
        if (n == 0) {
            return 0;
        }
        ByteBuffer control = q.control;
        int top = q.freeCount - 1;
        for (int i = 0; i < n; i++) {
            control.putInt(q.descBase + i * DESC_SIZE + DESC_OFFSET, q.free[top - i] * slotSize);
        }
        int got = Native.rxBurst0(q.fd, q.poolAddress, slotSize, q.descAddress, q.statsAddress, n);
        for (int i = 0; i < got; i++) {
            int slot = q.free[--q.freeCount];
            int length = control.getInt(q.descBase + i * DESC_SIZE + DESC_LENGTH);
            batch.add(q.pool, slot * slotSize, length, slotSize, slot, 0);
        }
        return Math.max(got, 0);
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        giveBack(queues[queue], batch);
        batch.clear();
    }

    private static void giveBack(Queue q, FrameBatch batch) {
        for (int i = 0, n = batch.size(); i < n; i++) {
            if (batch.buffer(i) != q.pool) {
                throw new IllegalStateException("frame " + i + " of the batch was not borrowed from this queue");
            }
            q.free[q.freeCount++] = (int) batch.handle(i);
        }
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        if (batch.isFull() || q.freeCount == 0) {
            return -1;
        }
        int slot = q.free[--q.freeCount];
        return batch.add(q.pool, slot * slotSize, 0, txCapacity, slot, 0);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        ByteBuffer control = q.control;
        int k = 0;
        for (int i = 0, n = batch.size(); i < n; i++) {
            int length = batch.length(i);
            if (length > 0) {
                int d = q.descBase + k * DESC_SIZE;
                control.putInt(d + DESC_OFFSET, batch.offset(i));
                control.putInt(d + DESC_LENGTH, length);
                k++;
            }
        }
        // slots go back before the write: the owner thread is the only user and write() copies
        giveBack(q, batch);
        batch.clear();
        if (k == 0) {
            return 0;
        }
        return Math.max(Native.txBurst0(q.fd, q.poolAddress, q.descAddress, q.statsAddress, k), 0);
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        Queue q = queues[queue];
        // errors (EBADF after a close) and EINTR return as a spurious wakeup, which the SPI allows
        Native.awaitReadable0(q.fd, q.eventFd, timeoutNanos);
    }

    @Override
    public void wakeup(int queue) {
        if (!closed) {
            Native.wake0(queues[queue].eventFd);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sums the native per-queue counters; from a thread other than the owners the values may
     * lag slightly.
     */
    @Override
    public long counter(DeviceCounter counter) {
        long sum = 0;
        for (Queue q : queues) {
            switch (counter) {
                case RX_ERRORS -> sum += q.stat(STATS_RX_ERRORS) + q.stat(STATS_RX_TRUNCATED);
                case TX_ERRORS -> sum += q.stat(STATS_TX_ERRORS);
                case TX_DROPPED_FULL -> sum += q.stat(STATS_TX_DROPPED_FULL);
                default -> {
                    // TX_DROPPED_TOO_BIG cannot happen: a frame's capacity is the MTU
                }
            }
        }
        return sum;
    }

    /** Closes every queue's fds; the kernel removes the TAP unless it was made persistent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Queue q : queues) {
            Native.close0(q.fd);
            Native.close0(q.eventFd);
        }
    }

    @Override
    public String toString() {
        return name + " (queues=" + queues.length + ", mtu=" + capabilities.mtu() + ", mac=" + MacAddress.format(mac)
                + ", kernel mac=" + MacAddress.format(kernelMac) + ")";
    }
}
