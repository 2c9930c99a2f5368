package io.jmtcp.jni;

import io.jmtcp.engine.dev.DeviceCapabilities;
import io.jmtcp.engine.dev.DeviceCounter;
import io.jmtcp.engine.dev.Doorbell;
import io.jmtcp.engine.dev.ExceptionSink;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.RingExceptionSink;
import io.jmtcp.engine.wire.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A DPDK ethdev port as a jmtcp device: a real NIC bound to DPDK, or one of DPDK's virtual PMDs
 * ({@code net_tap}, {@code net_ring}, {@code net_memif}, {@code net_af_packet}). One rx/tx queue
 * pair per engine, each with its own mempool.
 *
 * <p>Frames are never copied: mempool memory is wrapped once as direct buffers ("regions"), and a
 * received frame is handed to the engine as (region buffer, offset, length) inside its mbuf. A
 * transmit frame is an mbuf taken from a per-queue stock and written in place. Each burst is one
 * JNI call: {@link #rxBurst} also frees the mbufs the previous batch released
 * ({@link #rxRelease} only records their handles), and {@link #txBurst} also refills the stock of
 * empty transmit mbufs in bulk. Per-frame data crosses in native arrays whose layout the C side
 * reports. Nothing is allocated on the Java heap per burst.
 *
 * <p>Checksums: the engine computes transmit checksums itself, so the device does not claim
 * transmit offload ({@link #portCanOffloadTxChecksums()} says whether the port could); frames the
 * NIC flags with a bad IP or TCP checksum are dropped in the shim and counted, and frames it
 * flags good in both carry {@link FrameBatch#CHECKSUMS_VERIFIED}, so the engine skips its own
 * IPv4 and TCP verification for them. Idle engines sleep
 * on the queue's receive interrupt where the PMD has one ({@code net_tap}, NICs), together with an
 * eventfd that {@link #wakeup} writes; elsewhere ({@code net_ring}, {@code net_memif}) they nap
 * for at most {@code poll-us}, woken early by {@link #wakeup}.
 *
 * <p>Each queue is driven by one engine thread at a time (the {@link NetDevice} contract).
 * {@link #close} may come from any thread, also while engines still run (e.g. the JVM's shutdown
 * hook): it waits for a burst in progress to leave the native code before stopping the port.
 */
public final class DpdkDevice implements NetDevice {

    private static final int FRAME;
    private static final int F_MBUF;
    private static final int F_REGION;
    private static final int F_OFFSET;
    private static final int F_LENGTH;
    private static final int F_CAPACITY;
    private static final int F_HASH;
    private static final int F_FLAGS;
    /** JMTCP_FRAME_CKSUM_GOOD of jmtcp_dpdk.c: the NIC found the IPv4 and the L4 checksum good. */
    private static final int FRAME_CKSUM_GOOD = 2;
    private static final int STATS_BYTES;
    private static final int S_RX_FOREIGN;
    private static final int S_RX_SEGMENTED;
    private static final int S_RX_BAD_CKSUM;
    private static final int S_TX_DROPPED_FULL;
    private static final int S_TX_ALLOC_FAILED;
    private static final int S_TX_SENT;
    static final int INFO_SIZE;
    static final int I_MAC;
    static final int I_RSS;
    static final int I_RX_CKSUM;
    static final int I_TX_CKSUM;
    static final int I_FRAME_CAPACITY;
    static final int I_RX_INTR;

    static {
        int abi = DpdkNative.layout0(DpdkNative.L_ABI);
        if (abi != DpdkNative.ABI_VERSION) {
            throw new UnsatisfiedLinkError("libjmtcp-dpdk ABI " + abi + " does not match the Java side's "
                    + DpdkNative.ABI_VERSION + " (stale library on the class path?)");
        }
        FRAME = DpdkNative.layout0(DpdkNative.L_FRAME_SIZE);
        F_MBUF = DpdkNative.layout0(DpdkNative.L_FRAME_MBUF);
        F_REGION = DpdkNative.layout0(DpdkNative.L_FRAME_REGION);
        F_OFFSET = DpdkNative.layout0(DpdkNative.L_FRAME_OFFSET);
        F_LENGTH = DpdkNative.layout0(DpdkNative.L_FRAME_LENGTH);
        F_CAPACITY = DpdkNative.layout0(DpdkNative.L_FRAME_CAPACITY);
        F_HASH = DpdkNative.layout0(DpdkNative.L_FRAME_HASH);
        F_FLAGS = DpdkNative.layout0(DpdkNative.L_FRAME_FLAGS);
        STATS_BYTES = (DpdkNative.layout0(DpdkNative.L_QSTATS_SIZE) + 63) & ~63;
        S_RX_FOREIGN = DpdkNative.layout0(DpdkNative.L_QSTATS_RX_FOREIGN);
        S_RX_SEGMENTED = DpdkNative.layout0(DpdkNative.L_QSTATS_RX_SEGMENTED);
        S_RX_BAD_CKSUM = DpdkNative.layout0(DpdkNative.L_QSTATS_RX_BAD_CKSUM);
        S_TX_DROPPED_FULL = DpdkNative.layout0(DpdkNative.L_QSTATS_TX_DROPPED_FULL);
        S_TX_ALLOC_FAILED = DpdkNative.layout0(DpdkNative.L_QSTATS_TX_ALLOC_FAILED);
        S_TX_SENT = DpdkNative.layout0(DpdkNative.L_QSTATS_TX_SENT);
        INFO_SIZE = DpdkNative.layout0(DpdkNative.L_INFO_SIZE);
        I_MAC = DpdkNative.layout0(DpdkNative.L_INFO_MAC);
        I_RSS = DpdkNative.layout0(DpdkNative.L_INFO_RSS);
        I_RX_CKSUM = DpdkNative.layout0(DpdkNative.L_INFO_RX_CKSUM);
        I_TX_CKSUM = DpdkNative.layout0(DpdkNative.L_INFO_TX_CKSUM);
        I_FRAME_CAPACITY = DpdkNative.layout0(DpdkNative.L_INFO_FRAME_CAPACITY);
        I_RX_INTR = DpdkNative.layout0(DpdkNative.L_INFO_RX_INTR);
        if (F_OFFSET != F_REGION + 4 || F_CAPACITY != F_LENGTH + 4 || F_FLAGS != F_HASH + 4
                || (F_REGION & 7) != 0 || (F_LENGTH & 7) != 0 || (F_HASH & 7) != 0) {
            throw new UnsatisfiedLinkError("libjmtcp-dpdk frame descriptor fields are not in adjacent int pairs");
        }
    }

    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The int at the lower address of a native-order long read from a descriptor. */
    private static int lo(long pair) {
        return LITTLE ? (int) pair : (int) (pair >>> 32);
    }

    /** The int at the higher address of a native-order long read from a descriptor. */
    private static int hi(long pair) {
        return LITTLE ? (int) (pair >>> 32) : (int) pair;
    }

    /** Frames one rx burst may return, and one tx crossing may carry. */
    static final int BURST_MAX = 256;
    /** Released rx mbufs remembered before a burst frees them (more are freed at once). */
    private static final int FREE_MAX = 1024;
    /** Most empty transmit mbufs kept per queue, refilled in bulk by each tx burst. */
    static final int STOCK = 64;
    /**
     * Fewest a tx burst tops the stock up to. Above it the stock follows the size of the batch
     * just sent: mbufs standing unused in the stock only enlarge the set of mbufs a queue cycles
     * through (and so its cache footprint), which costs a 32-frame rx+tx round ~2 ns per frame.
     */
    static final int STOCK_MIN = 16;

    /** One queue pair: its native control block and the owner's bookkeeping. */
    private static final class Queue {
        final ByteBuffer control;
        final long statsAddress;
        final long rxAddress;
        final long freeAddress;
        final long txAddress;
        final long stockAddress;
        final int statsBase;
        final int rxBase;
        final int freeBase;
        final int txBase;
        final int stockBase;
        final Doorbell doorbell = new Doorbell();
        /** eventfd that {@link #wakeup} writes when the queue sleeps on its receive interrupt, else -1. */
        int eventFd = -1;
        ByteBuffer[] views = new ByteBuffer[0];
        int pendingFree;
        int stock;
        /** 1 while the owner is inside a native burst; read by close (Dekker with {@code closed}). */
        volatile int inBurst;

        Queue() throws IOException {
            int bytes = STATS_BYTES + BURST_MAX * FRAME + FREE_MAX * 8 + BURST_MAX * FRAME + STOCK * FRAME;
            control = ByteBuffer.allocateDirect(bytes + 64).order(ByteOrder.nativeOrder());
            long a = Errno.check(DpdkNative.address0(control), "address of a DPDK queue control block");
            int pad = (int) ((64 - (a & 63)) & 63);
            statsBase = pad;
            rxBase = statsBase + STATS_BYTES;
            freeBase = rxBase + BURST_MAX * FRAME;
            txBase = freeBase + FREE_MAX * 8;
            stockBase = txBase + BURST_MAX * FRAME;
            statsAddress = a + statsBase;
            rxAddress = a + rxBase;
            freeAddress = a + freeBase;
            txAddress = a + txBase;
            stockAddress = a + stockBase;
        }

        long stat(int offset) {
            return control.getLong(statsBase + offset);
        }

        /** This queue's own view of region {@code r} (its own position/limit, never shared). */
        ByteBuffer view(int r) {
            ByteBuffer[] v = views;
            if (r >= v.length) {
                v = refresh();
            }
            return v[r];
        }

        private ByteBuffer[] refresh() {
            ByteBuffer[] all = Dpdk.regions();
            ByteBuffer[] v = java.util.Arrays.copyOf(views, all.length);
            for (int i = views.length; i < all.length; i++) {
                v[i] = all[i].duplicate();
            }
            views = v;
            return v;
        }
    }

    private static final BooleanSupplier NEVER_READY = () -> false;

    private final String name;
    private final int port;
    private final DeviceCapabilities capabilities;
    private final long mac;
    private final boolean portTxOffload;
    private final boolean portRxChecksum;
    private final int txCapacity;
    private final long pollNanos;
    private final boolean rxInterrupts;
    private final Queue[] queues;
    private final long[] portStats = new long[7];
    private volatile boolean closed;

    // exception path: a kernel TAP that gets the frames the stack does not consume; the TAP, the
    // batches and the consumer side of every queue's sink ring belong to queue 0's owner
    private TapDevice exception;
    private RingExceptionSink[] sinks = new RingExceptionSink[0];
    private FrameBatch sinkBatch;
    private FrameBatch exceptionOut;
    private FrameBatch exceptionIn;
    private FrameBatch exceptionTx;
    private volatile long toKernel;
    private volatile long fromKernel;

    DpdkDevice(String name, int port, int queueCount, int mtu, long mac, ByteBuffer info, long pollNanos)
            throws IOException {
        this.name = name;
        this.port = port;
        this.mac = mac;
        this.pollNanos = pollNanos;
        boolean rss = info.getInt(I_RSS) != 0;
        this.portRxChecksum = info.getInt(I_RX_CKSUM) != 0;
        this.portTxOffload = info.getInt(I_TX_CKSUM) != 0;
        int frameCapacity = info.getInt(I_FRAME_CAPACITY);
        // the engine computes every checksum it sends; on receive the NIC's verdict goes per frame
        // (FrameBatch.CHECKSUMS_VERIFIED when IPv4 and L4 are good, the shim drops bad ones), so
        // the device as a whole does not claim to verify
        this.capabilities = new DeviceCapabilities(mtu, queueCount, false, false, rss, frameCapacity);
        this.txCapacity = mtu + DeviceCapabilities.ETHERNET_HEADER;
        this.rxInterrupts = info.getInt(I_RX_INTR) != 0;
        this.queues = new Queue[queueCount];
        try {
            for (int q = 0; q < queueCount; q++) {
                queues[q] = new Queue();
                queues[q].refresh();
                if (rxInterrupts) {
                    queues[q].eventFd = (int) Errno.check(Native.eventfd0(), "create the wakeup eventfd of queue " + q);
                }
            }
        } catch (IOException | RuntimeException e) {
            closeEventFds();
            throw e;
        }
        Dpdk.opened(this);
    }

    /**
     * Hands the frames this stack does not consume to a kernel TAP, and sends what the kernel
     * writes to it out of the port, so the host keeps its own connectivity on a port DPDK owns
     * (F-Stack's KNI). Two splits feed the TAP:
     * <ul>
     * <li>by MAC address, here: unicast frames to another MAC (the port is promiscuous) go only to
     * the kernel, without a trip through the engine — for a kernel side with its own MAC;
     * <li>by content, in the engine ({@link io.jmtcp.engine.ip.ExceptionPath}): every queue offers
     * an {@link ExceptionSink} ({@link #exceptionSink}), and its engine hands it other EtherTypes,
     * multicast, UDP, other IP protocols, TCP for ports with no jmtcp socket, and copies of ARP and
     * non-echo ICMP — for a kernel side with the same MAC and IPv4 address as the stack, as KNI
     * configures it (the ephemeral port ranges must then not overlap: {@code jmtcp.tcp.ports}
     * against {@code net.ipv4.ip_local_port_range}).
     * </ul>
     * Each queue's sink is a {@link FrameRing} its engine copies frames into; queue 0's owner drains
     * them all into the TAP at each receive burst, and relays the TAP's frames out on queue 0. An
     * idle queue 0 naps at most 1 ms so the kernel's frames are not held back; other queues ring it
     * when they hand a frame over. Call before the engines start.
     */
    void attachException(TapDevice tap) {
        this.exception = tap;
        this.exceptionOut = new FrameBatch(BURST_MAX);
        this.exceptionIn = new FrameBatch(64);
        this.exceptionTx = new FrameBatch(64);
        this.sinkBatch = new FrameBatch(64);
        int frame = txCapacity;
        RingExceptionSink[] s = new RingExceptionSink[queues.length];
        for (int q = 0; q < s.length; q++) {
            s[q] = new RingExceptionSink(FrameRing.allocate(256, frame), q == 0 ? null : () -> wakeup(0));
        }
        this.sinks = s;
    }

    /** The sink of {@code queue} when an exception TAP is attached, else null. */
    @Override
    public ExceptionSink exceptionSink(int queue) {
        return queue < sinks.length ? sinks[queue] : null;
    }

    /** Frames handed to the exception TAP, and frames from it sent out of the port. */
    public long[] exceptionCounters() {
        return new long[] {toKernel, fromKernel};
    }

    /** The DPDK port id. */
    public int portId() {
        return port;
    }

    /** Whether the port reported IPv4 and TCP transmit checksum offload (unused: the engine computes them). */
    public boolean portCanOffloadTxChecksums() {
        return portTxOffload;
    }

    /** Whether the port verifies IPv4 and TCP receive checksums (bad ones are dropped in the shim). */
    public boolean portVerifiesRxChecksums() {
        return portRxChecksum;
    }

    /** Whether the port's link is up right now. */
    public boolean linkUp() {
        return !closed && DpdkNative.linkUp0(port) == 1;
    }

    /**
     * The port's extended statistics ({@code rte_eth_xstats}) by name; empty once closed. Cold path.
     */
    public Map<String, Long> xstats() {
        Map<String, Long> out = new LinkedHashMap<>();
        String s = closed ? null : DpdkNative.xstats0(port);
        if (s != null) {
            for (String line : s.split("\n")) {
                int eq = line.lastIndexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), Long.parseUnsignedLong(line.substring(eq + 1)));
                }
            }
        }
        return out;
    }

    /**
     * The port's basic statistics: {@code ipackets, opackets, ibytes, obytes, imissed+ierrors,
     * oerrors, rx_nombuf}. Cold path.
     */
    public synchronized long[] portStatistics() {
        if (!closed) {
            DpdkNative.stats0(port, portStats);
        }
        return portStats.clone();
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

    private boolean enter(Queue q) {
        q.inBurst = 1;
        if (closed) {
            q.inBurst = 0;
            return false;
        }
        return true;
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        int n = Math.min(batch.remaining(), BURST_MAX);
        if (!enter(q)) {
            return 0;
        }
        int got;
        try {
            got = DpdkNative.rxBurst0(port, queue, q.rxAddress, n, q.freeAddress, q.pendingFree, q.statsAddress);
            q.pendingFree = 0;
        } finally {
            q.inBurst = 0;
        }
        ByteBuffer c = q.control;
        if (exception != null && queue == 0) {
            return rxWithException(q, batch, got);
        }
        // one queue's frames come from one mempool, so nearly always one region: its view is
        // looked up once per burst, and each descriptor is read as three longs (the int pairs
        // region|offset, length|capacity, hash|flags are adjacent: checked at class load)
        int lastRegion = -1;
        ByteBuffer view = null;
        for (int i = 0, d = q.rxBase; i < got; i++, d += FRAME) {
            long ro = c.getLong(d + F_REGION);
            long lc = c.getLong(d + F_LENGTH);
            long hf = c.getLong(d + F_HASH);
            int region = lo(ro);
            if (region != lastRegion) {
                view = q.view(region);
                lastRegion = region;
            }
            batch.add(view, hi(ro), lo(lc), hi(lc), c.getLong(d + F_MBUF), lo(hf),
                    (hi(hf) & FRAME_CKSUM_GOOD) != 0 ? FrameBatch.CHECKSUMS_VERIFIED : 0);
        }
        return Math.max(got, 0);
    }

    /**
     * Queue 0's receive with the exception path: unicast to other MACs goes to the kernel, the
     * rest to the engine; then what the engines handed to their sinks goes to the kernel, and the
     * kernel's frames go out of the port.
     */
    private int rxWithException(Queue q, FrameBatch batch, int got) {
        ByteBuffer c = q.control;
        int kept = 0;
        for (int i = 0; i < got; i++) {
            int d = q.rxBase + i * FRAME;
            ByteBuffer buf = q.view(c.getInt(d + F_REGION));
            int off = c.getInt(d + F_OFFSET);
            int len = c.getInt(d + F_LENGTH);
            long dst = ((buf.getInt(off) & 0xFFFF_FFFFL) << 16) | (buf.getShort(off + 4) & 0xFFFFL);
            boolean group = (dst & 0x0100_0000_0000L) != 0; // I/G bit: broadcast or multicast (IEEE 802 8.2)
            if (!group && dst != mac) {
                toKernel(buf, off, len);
                release(q, c.getLong(d + F_MBUF));
                continue;
            }
            // group frames and ours: the engine decides, and hands the kernel its share (ExceptionPath)
            batch.add(buf, off, len, c.getInt(d + F_CAPACITY), c.getLong(d + F_MBUF), c.getInt(d + F_HASH),
                    rxFlags(c, d));
            kept++;
        }
        for (RingExceptionSink sink : sinks) {
            FrameRing ring = sink.ring();
            int m = ring.borrow(sinkBatch, 0);
            for (int i = 0; i < m; i++) {
                toKernel(sinkBatch.buffer(i), sinkBatch.offset(i), sinkBatch.length(i));
            }
            ring.releaseBorrowed();
            sinkBatch.clear();
        }
        if (!exceptionOut.isEmpty()) {
            exception.txBurst(0, exceptionOut);
        }
        // the kernel's frames go out of the port on queue 0 (this thread owns its transmit side)
        int n = exception.rxBurst(0, exceptionIn);
        for (int i = 0; i < n; i++) {
            int t = txAcquire(0, exceptionTx);
            if (t < 0) {
                break;
            }
            int len = Math.min(exceptionIn.length(i), exceptionTx.capacity(t));
            ByteBuffer in = exceptionIn.buffer(i);
            ByteBuffer out = exceptionTx.buffer(t);
            int from = exceptionIn.offset(i);
            int at = exceptionTx.offset(t);
            for (int k = 0; k < len; k++) {
                out.put(at + k, in.get(from + k));
            }
            exceptionTx.length(t, len);
        }
        exception.rxRelease(0, exceptionIn);
        if (!exceptionTx.isEmpty()) {
            fromKernel += txBurst(0, exceptionTx);
        }
        return kept;
    }

    /** The engine's receive flags of a described frame: the NIC's checksum-good verdict. */
    private static int rxFlags(ByteBuffer c, int d) {
        return (c.getInt(d + F_FLAGS) & FRAME_CKSUM_GOOD) != 0 ? FrameBatch.CHECKSUMS_VERIFIED : 0;
    }

    /** Copies one frame into the exception TAP's next transmit frame (sent at the end of the burst). */
    private void toKernel(ByteBuffer buf, int off, int len) {
        if (exceptionOut.isFull()) {
            exception.txBurst(0, exceptionOut);
        }
        int t = exception.txAcquire(0, exceptionOut);
        if (t >= 0 && len <= exceptionOut.capacity(t)) {
            exceptionOut.buffer(t).put(exceptionOut.offset(t), buf, off, len);
            exceptionOut.length(t, len);
            toKernel++;
        }
    }

    @Override
    public void rxRelease(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        for (int i = 0, n = batch.size(); i < n; i++) {
            release(q, batch.handle(i));
        }
        batch.clear();
    }

    /** Remembers an mbuf to free with the next rx burst; frees a full list at once. */
    private void release(Queue q, long mbuf) {
        if (q.pendingFree == FREE_MAX) {
            if (enter(q)) {
                try {
                    DpdkNative.freeBulk0(q.freeAddress, FREE_MAX);
                } finally {
                    q.inBurst = 0;
                }
            }
            q.pendingFree = 0;
        }
        q.control.putLong(q.freeBase + 8 * q.pendingFree++, mbuf);
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        if (batch.isFull()) {
            return -1;
        }
        if (q.stock == 0) {
            if (!enter(q)) {
                return -1;
            }
            try {
                q.stock = Math.max(0, DpdkNative.txBurst0(port, queue, q.txAddress, 0, q.stockAddress, STOCK,
                        q.statsAddress));
            } finally {
                q.inBurst = 0;
            }
            if (q.stock == 0) {
                return -1;
            }
        }
        int d = q.stockBase + --q.stock * FRAME;
        ByteBuffer c = q.control;
        long ro = c.getLong(d + F_REGION);
        return batch.add(q.view(lo(ro)), hi(ro), 0, Math.min(c.getInt(d + F_CAPACITY), txCapacity),
                c.getLong(d + F_MBUF), 0);
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        Queue q = queues[queue];
        ByteBuffer c = q.control;
        int k = 0;
        int sent = 0;
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            int length = batch.length(i);
            if (length == 0) {
                release(q, batch.handle(i)); // acquired, not written: back to the pool with the next rx burst
                continue;
            }
            int d = q.txBase + k * FRAME;
            c.putLong(d + F_MBUF, batch.handle(i));
            c.putInt(d + F_LENGTH, length);
            if (++k == BURST_MAX) {
                sent += send(q, queue, k, 0);
                k = 0;
            }
        }
        batch.clear();
        int want = Math.min(STOCK, Math.max(n, STOCK_MIN));
        return sent + send(q, queue, k, Math.max(0, want - q.stock));
    }

    /** Sends k described frames and refills up to {@code refill} stock mbufs, in one crossing. */
    private int send(Queue q, int queue, int k, int refill) {
        if (k == 0 && refill == 0) {
            return 0;
        }
        if (!enter(q)) {
            // closed: the frames' mbufs go with the pool when EAL is cleaned up
            return 0;
        }
        try {
            int got = DpdkNative.txBurst0(port, queue, q.txAddress, k, q.stockAddress + (long) q.stock * FRAME,
                    refill, q.statsAddress);
            q.stock += Math.max(got, 0);
            return k == 0 ? 0 : (int) q.stat(S_TX_SENT);
        } finally {
            q.inBurst = 0;
        }
    }

    /** Whether idle engines sleep on the port's receive interrupts (else they nap for {@code poll-us}). */
    public boolean sleepsOnRxInterrupts() {
        return rxInterrupts;
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        Queue q = queues[queue];
        if (exception != null && queue == 0) {
            timeoutNanos = exceptionCap(timeoutNanos);
        }
        if (rxInterrupts) {
            if (enter(q)) {
                try {
                    // errors and EINTR return early, as a spurious wakeup (the SPI allows it)
                    DpdkNative.awaitRx0(port, queue, q.eventFd, timeoutNanos);
                } finally {
                    q.inBurst = 0;
                }
            }
            return;
        }
        // no receive interrupts (net_ring, net_memif): nap briefly, or until wakeup() rings
        q.doorbell.sleep(Math.min(timeoutNanos, pollNanos), NEVER_READY);
    }

    private static long exceptionCap(long timeoutNanos) {
        return Math.min(timeoutNanos, 1_000_000L);
    }

    @Override
    public void wakeup(int queue) {
        Queue q = queues[queue];
        if (rxInterrupts) {
            if (!closed) {
                Native.wake0(q.eventFd);
            }
        } else {
            q.doorbell.ring();
        }
    }

    private void closeEventFds() {
        for (Queue q : queues) {
            if (q != null && q.eventFd >= 0) {
                Native.close0(q.eventFd);
                q.eventFd = -1;
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sums the shim's per-queue counters and the port's own statistics. Cold path.
     */
    @Override
    public long counter(DeviceCounter counter) {
        long sum = 0;
        for (Queue q : queues) {
            switch (counter) {
                case RX_ERRORS -> sum += q.stat(S_RX_FOREIGN) + q.stat(S_RX_SEGMENTED) + q.stat(S_RX_BAD_CKSUM);
                case TX_DROPPED_FULL -> sum += q.stat(S_TX_DROPPED_FULL);
                default -> {
                    // TX_DROPPED_TOO_BIG cannot happen: a frame's capacity is the MTU
                }
            }
        }
        long[] s = portStatistics();
        return switch (counter) {
            case RX_ERRORS -> sum + s[4] + s[6];
            case TX_ERRORS -> s[5];
            default -> sum;
        };
    }

    /** Frames the shim dropped because the NIC flagged a bad checksum, over all queues. */
    public long rxBadChecksum() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.stat(S_RX_BAD_CKSUM);
        }
        return sum;
    }

    /** Transmit mbuf allocations that found the mempool empty, over all queues. */
    public long txAllocFailures() {
        long sum = 0;
        for (Queue q : queues) {
            sum += q.stat(S_TX_ALLOC_FAILED);
        }
        return sum;
    }

    /**
     * Stops and closes the port ({@code net_tap} removes its interface). Waits, at most a second,
     * for bursts in progress to return first. Idempotent; any thread.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        for (Queue q : queues) {
            if (q.eventFd >= 0) {
                Native.wake0(q.eventFd); // a queue asleep on its interrupt returns at once
            }
            q.doorbell.ring();
            while (q.inBurst != 0 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        DpdkNative.portClose0(port, queues.length);
        closeEventFds();
        if (exception != null) {
            exception.close();
        }
        Dpdk.closed(this);
    }

    @Override
    public String toString() {
        return name + " (port " + port + ", queues=" + queues.length + ", mtu=" + capabilities.mtu() + ", mac="
                + MacAddress.format(mac) + ", rss=" + capabilities.rssHash() + ")";
    }
}
