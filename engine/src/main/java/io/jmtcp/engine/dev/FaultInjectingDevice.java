package io.jmtcp.engine.dev;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Wraps any {@link NetDevice} and impairs the frames it transmits as a {@link FaultProfile}
 * says: random loss, duplication, reordering, single-byte corruption, delay with jitter and a
 * token-bucket rate limit. Received frames pass through untouched (wrap the peer to impair the
 * other direction). Each queue has its own {@link SplittableRandom}, seeded from the profile's
 * seed and the queue number, so the same seed, traffic and clock readings give the same outcome.
 *
 * <p>Per transmitted frame, in this order: drop ({@code loss}); flip one byte after the Ethernet
 * header ({@code corrupt}); decide whether to send it twice ({@code dup}); then either hold it
 * back until {@code gap} later frames of the engine have been passed on, or {@code hold} has
 * passed ({@code reorder}); with no delay configured those later frames reach the wire first; or
 * give it a departure time from the token bucket ({@code rate}) plus {@code delay} and a uniform
 * {@code [0, jitter]}. A duplicate is a second copy of the frame as sent and is scheduled the
 * same way (rate, delay, jitter) but never reordered. A frame held for reordering skips the rate
 * limit and the delay: reordering is modelled as a frame overtaken on another path. The rate
 * limit counts whole frame bytes (no preamble, FCS or inter-frame gap).
 *
 * <p>Frames that cannot leave at once are copied into the queue's off-heap holding pen, since a
 * transmit frame belongs to the wrapped device only until {@code txBurst}. The pen is allocated
 * when the decorator is made and bounded by {@link FaultProfile#penFrames()}; a frame that finds
 * it full is dropped and counted. Held frames leave through the wrapped device's
 * {@code txAcquire}/{@code txBurst} on the queue's next {@code txBurst}, {@code rxBurst} or
 * {@code awaitRx} once due; {@link #awaitRx} shortens its wait to the next due time so a sleeping
 * engine still releases them. The pen is drained only while the engine holds no transmit frame
 * acquired through this decorator: ring devices publish every reserved slot in order, so
 * acquiring more in the middle of an engine's burst would publish the engine's unfinished frames.
 * Frames still held when the device closes are discarded.
 *
 * <p>Corruption changes exactly one byte, never the Ethernet header, so the frame still reaches
 * its destination and the IPv4, ICMP, UDP or TCP checksum must catch it. On a device that
 * computes checksums on transmit ({@link DeviceCapabilities#txChecksumOffload()}) the checksum is
 * computed over the corrupted bytes, as for memory corrupted before the NIC; wrap the receiving
 * side's peer instead to model corruption on the wire. A device whose frames never leave the
 * process (the loopback, {@link DeviceCapabilities#inProcess}) is reported without its checksum
 * offloads when the profile corrupts, so that the stack checksums in software and the corruption
 * is caught as on a wire.
 *
 * <p>Threading is that of {@link NetDevice}: each queue's burst methods are called by its one
 * owning thread; {@link #count} may be read from any thread. Nothing is allocated per frame.
 */
public final class FaultInjectingDevice extends ForwardingDevice {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int COUNTERS = FaultCounter.values().length;
    private static final FaultCounter[] ALL = FaultCounter.values();

    private static final int NOW = 0;
    private static final int HELD = 1;
    private static final int GONE = 2;

    /** Spins avoided: when a due frame cannot leave yet, awaitRx waits at least this long. */
    private static final long MIN_WAIT_NANOS = 50_000L;

    private final FaultProfile profile;
    private final DeviceCapabilities capabilities;
    private final NanoClock clock;
    private final Lane[] lanes;

    /** Wraps {@code inner} with the system's monotonic clock. */
    public FaultInjectingDevice(NetDevice inner, FaultProfile profile) {
        this(inner, profile, SystemNanoClock.INSTANCE);
    }

    /**
     * Wraps {@code inner}.
     *
     * @param clock the time delays and rates are measured in; a manual clock makes them exact
     */
    public FaultInjectingDevice(NetDevice inner, FaultProfile profile, NanoClock clock) {
        super(inner, "fault");
        if (profile == null || clock == null) {
            throw new NullPointerException("profile and clock are required");
        }
        this.profile = profile;
        this.clock = clock;
        DeviceCapabilities caps = inner.capabilities();
        this.capabilities = profile.corruptRate() > 0 && caps.txChecksumOffload() && caps.rxChecksumVerified()
                ? caps.withoutChecksumOffload() : caps;
        this.lanes = new Lane[caps.queues()];
        for (int q = 0; q < lanes.length; q++) {
            lanes[q] = new Lane(q, caps.frameCapacity());
        }
    }

    @Override
    public DeviceCapabilities capabilities() {
        return capabilities;
    }

    /** The impairments applied. */
    public FaultProfile profile() {
        return profile;
    }

    /** How often {@code counter}'s action happened, summed over all queues. Any thread. */
    public long count(FaultCounter counter) {
        long sum = 0;
        for (Lane lane : lanes) {
            sum += (long) COUNTS.getOpaque(lane.counts, counter.ordinal());
        }
        return sum;
    }

    /** How often {@code counter}'s action happened on one queue. Any thread. */
    public long count(int queue, FaultCounter counter) {
        return (long) COUNTS.getOpaque(lanes[queue].counts, counter.ordinal());
    }

    /** Frames waiting in {@code queue}'s pen. Only the queue's owner (or a quiescent test) reads it. */
    public int held(int queue) {
        return lanes[queue].penCount;
    }

    /**
     * When the earliest frame in {@code queue}'s pen falls due by the clock, or
     * {@link Long#MAX_VALUE} when the pen is empty. Owner thread only.
     */
    public long nextDueNanos(int queue) {
        Lane lane = lanes[queue];
        return lane.penCount == 0 ? Long.MAX_VALUE : lane.minDue;
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        Lane lane = lanes[queue];
        if (lane.penCount > 0) {
            lane.release(clock.nanoTime());
        }
        return inner.rxBurst(queue, batch);
    }

    @Override
    public int txAcquire(int queue, FrameBatch batch) {
        int i = inner.txAcquire(queue, batch);
        if (i >= 0) {
            lanes[queue].outstanding++;
        }
        return i;
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        Lane lane = lanes[queue];
        long now = clock.nanoTime();
        int n = batch.size();
        lane.outstanding = Math.max(0, lane.outstanding - n);
        for (int i = 0; i < n; i++) {
            if (batch.length(i) > 0) {
                lane.impair(batch, i, now);
            }
        }
        int sent = inner.txBurst(queue, batch);
        if (lane.penCount > 0) {
            sent += lane.release(now);
        }
        return sent;
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        Lane lane = lanes[queue];
        long timeout = timeoutNanos;
        if (lane.penCount > 0) {
            long now = clock.nanoTime();
            if (lane.release(now) > 0) {
                return; // frames left: the engine has work (its peer may answer); spurious returns are allowed
            }
            if (lane.penCount > 0) {
                long wait = Math.max(MIN_WAIT_NANOS, lane.minDue - now);
                timeout = Math.min(timeout, wait);
            }
        }
        inner.awaitRx(queue, timeout);
        if (lane.penCount > 0) {
            lane.release(clock.nanoTime());
        }
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append(" [").append(profile).append(']');
        for (FaultCounter c : ALL) {
            sb.append(' ').append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(count(c));
        }
        return sb.toString();
    }

    /** One queue's random generator, token bucket, holding pen and counters; owned by its engine. */
    private final class Lane {
        final int queue;
        final SplittableRandom random;
        final long[] counts = new long[COUNTERS];
        final FrameBatch releaseBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);

        // the pen: slots of slotSize bytes in one direct buffer; `used` lists occupied slots
        final ByteBuffer pen;
        final int slotSize;
        final int[] free;
        int freeTop;
        final int[] used;
        int penCount;
        final long[] due;
        final long[] releaseAfter;
        final long[] order;
        final int[] length;
        long nextOrder;
        long minDue = Long.MAX_VALUE;
        long minReleaseAfter = Long.MAX_VALUE;

        /**
         * Engine frames passed on (sent or scheduled, not dropped, not held for reordering): the
         * clock of reordering. A held frame leaves once {@code gap} of them came after it, so
         * with no delay those frames always reach the wire first.
         */
        long passed;
        /** Transmit frames the engine acquired through us and has not given back. */
        int outstanding;
        /** Token bucket as the time it is full again (RFC 2697's bucket, kept in nanoseconds). */
        long bucketFullAt = Long.MIN_VALUE;

        Lane(int queue, int frameCapacity) {
            this.queue = queue;
            // distinct, well-mixed streams per queue from one seed (golden-ratio increment as SplitMix64)
            this.random = new SplittableRandom(profile.seed() + 0x9E3779B97F4A7C15L * (queue + 1));
            int slots = profile.penFrames();
            this.slotSize = (frameCapacity + 63) & ~63;
            long bytes = (long) slots * slotSize;
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("fault profile: pen=" + slots + " frames of " + slotSize
                        + " bytes needs " + bytes + " bytes per queue, more than one buffer holds (2 GiB);"
                        + " use a smaller pen for this MTU");
            }
            this.pen = ByteBuffer.allocateDirect((int) bytes);
            this.free = new int[slots];
            for (int s = 0; s < slots; s++) {
                free[s] = slots - 1 - s;
            }
            this.freeTop = slots;
            this.used = new int[slots];
            this.due = new long[slots];
            this.releaseAfter = new long[slots];
            this.order = new long[slots];
            this.length = new int[slots];
        }

        void increment(FaultCounter c) {
            int i = c.ordinal();
            COUNTS.setOpaque(counts, i, (long) COUNTS.getOpaque(counts, i) + 1);
        }

        /** Applies the profile to frame {@code i} of an engine's transmit batch. */
        void impair(FrameBatch batch, int i, long now) {
            ByteBuffer buffer = batch.buffer(i);
            int offset = batch.offset(i);
            int len = batch.length(i);
            FaultProfile p = profile;
            if (p.lossRate() > 0 && random.nextDouble() < p.lossRate()) {
                batch.length(i, 0);
                increment(FaultCounter.DROPPED);
                return;
            }
            if (p.corruptRate() > 0 && random.nextDouble() < p.corruptRate()
                    && len > DeviceCapabilities.ETHERNET_HEADER) {
                int at = offset + DeviceCapabilities.ETHERNET_HEADER
                        + random.nextInt(len - DeviceCapabilities.ETHERNET_HEADER);
                // XOR with 1..255 so the byte always changes
                int flip = 1 + random.nextInt(255);
                buffer.put(at, (byte) (buffer.get(at) ^ flip));
                increment(FaultCounter.CORRUPTED);
            }
            boolean duplicate = p.duplicateRate() > 0 && random.nextDouble() < p.duplicateRate();
            if (p.reorderRate() > 0 && random.nextDouble() < p.reorderRate()) {
                if (hold(buffer, offset, len, now + p.reorderHoldNanos(), passed + p.reorderGap())) {
                    increment(FaultCounter.REORDERED);
                } else {
                    increment(FaultCounter.PEN_OVERFLOW);
                }
                batch.length(i, 0);
            } else {
                int fate = schedule(buffer, offset, len, now);
                if (fate == NOW) {
                    commitRate(len, now);
                } else {
                    batch.length(i, 0);
                }
                if (fate != GONE) {
                    passed++;
                }
            }
            if (duplicate) {
                duplicate(batch, buffer, offset, len, now);
            }
        }

        /** Sends a copy of a frame: now in the engine's batch if it has room, else through the pen. */
        private void duplicate(FrameBatch batch, ByteBuffer buffer, int offset, int len, long now) {
            int fate = schedule(buffer, offset, len, now);
            if (fate == HELD) {
                increment(FaultCounter.DUPLICATED);
                return;
            }
            if (fate == GONE) {
                return;
            }
            if (!batch.isFull()) {
                int j = inner.txAcquire(queue, batch);
                if (j >= 0) {
                    if (batch.capacity(j) >= len) {
                        batch.buffer(j).put(batch.offset(j), buffer, offset, len);
                        batch.length(j, len);
                        commitRate(len, now);
                        increment(FaultCounter.DUPLICATED);
                        return;
                    }
                    batch.length(j, 0);
                }
            }
            // no room in this burst: the pen sends it right after
            if (hold(buffer, offset, len, now, Long.MAX_VALUE)) {
                commitRate(len, now);
                increment(FaultCounter.DUPLICATED);
            } else {
                increment(FaultCounter.PEN_OVERFLOW);
            }
        }

        /**
         * Gives a frame its departure time: the wait for tokens, then delay and jitter. A frame
         * due later is copied into the pen (taking its tokens); one that finds the pen full is
         * dropped and counted against the reason it had to wait.
         *
         * @return {@link #NOW} (the caller sends it and takes its tokens), {@link #HELD} or {@link #GONE}
         */
        private int schedule(ByteBuffer buffer, int offset, int len, long now) {
            long wait = rateWait(len, now);
            long jitter = profile.jitterNanos() > 0 ? random.nextLong(profile.jitterNanos() + 1) : 0;
            long lag = profile.delayNanos() + jitter;
            if (wait == 0 && lag == 0) {
                return NOW;
            }
            if (!hold(buffer, offset, len, now + wait + lag, Long.MAX_VALUE)) {
                increment(wait > 0 ? FaultCounter.RATE_DROPPED : FaultCounter.PEN_OVERFLOW);
                return GONE;
            }
            commitRate(len, now);
            if (wait > 0) {
                increment(FaultCounter.RATE_LIMITED);
            }
            if (lag > 0) {
                increment(FaultCounter.DELAYED);
            }
            return HELD;
        }

        /**
         * How long a frame of {@code len} bytes waits for tokens. The bucket holds {@code burst}
         * bytes and fills at {@code rate}; it is kept as the time it will be full again, so the
         * tokens present at {@code now} are {@code burst - (fullAt - now) * rate}. The frame may
         * leave once that reaches {@code len}.
         */
        private long rateWait(int len, long now) {
            if (profile.rateBitsPerSecond() == 0) {
                return 0;
            }
            long fullAt = Math.max(bucketFullAt, now);
            long slack = bytesToNanos(Math.max(0, profile.burstBytes() - len));
            long wait = fullAt - now - slack;
            return Math.max(0, wait);
        }

        /** Takes {@code len} bytes of tokens: the bucket is full again that much later. */
        private void commitRate(int len, long now) {
            if (profile.rateBitsPerSecond() != 0) {
                bucketFullAt = Math.max(bucketFullAt, now) + bytesToNanos(len);
            }
        }

        private long bytesToNanos(int bytes) {
            return (long) bytes * 8_000_000_000L / profile.rateBitsPerSecond();
        }

        /** Copies a frame into the pen; false when the pen is full or the frame does not fit. */
        private boolean hold(ByteBuffer buffer, int offset, int len, long dueAt, long afterEmitted) {
            if (freeTop == 0 || len > slotSize) {
                return false;
            }
            int s = free[--freeTop];
            pen.put(s * slotSize, buffer, offset, len);
            length[s] = len;
            due[s] = dueAt;
            releaseAfter[s] = afterEmitted;
            order[s] = nextOrder++;
            used[penCount++] = s;
            if (penCount == 1 || dueAt - minDue < 0) {
                minDue = dueAt;
            }
            if (afterEmitted < minReleaseAfter) {
                minReleaseAfter = afterEmitted;
            }
            return true;
        }

        /**
         * Sends every pen frame that is due, earliest first (ties in the order they were held),
         * unless the engine still holds frames it acquired or the wrapped device is full.
         *
         * @return frames sent
         */
        int release(long now) {
            if (penCount == 0 || outstanding > 0) {
                return 0;
            }
            if (now - minDue < 0 && passed < minReleaseAfter) {
                return 0;
            }
            FrameBatch batch = releaseBatch;
            int sent = 0;
            while (true) {
                int best = -1;
                for (int k = 0; k < penCount; k++) {
                    int s = used[k];
                    if (now - due[s] >= 0 || passed >= releaseAfter[s]) {
                        if (best < 0) {
                            best = k;
                        } else {
                            int b = used[best];
                            long d = due[s] - due[b];
                            if (d < 0 || (d == 0 && order[s] < order[b])) {
                                best = k;
                            }
                        }
                    }
                }
                if (best < 0) {
                    break;
                }
                int j = inner.txAcquire(queue, batch);
                if (j < 0 && !batch.isEmpty()) {
                    sent += inner.txBurst(queue, batch);
                    j = inner.txAcquire(queue, batch);
                }
                if (j < 0) {
                    break; // the wrapped device is full: keep the frames for a later call
                }
                int s = used[best];
                int len = length[s];
                if (batch.capacity(j) >= len) {
                    batch.buffer(j).put(batch.offset(j), pen, s * slotSize, len);
                    batch.length(j, len);
                } else {
                    batch.length(j, 0);
                    increment(FaultCounter.PEN_OVERFLOW);
                }
                used[best] = used[--penCount];
                free[freeTop++] = s;
                if (batch.isFull()) {
                    sent += inner.txBurst(queue, batch);
                }
            }
            if (!batch.isEmpty()) {
                sent += inner.txBurst(queue, batch);
            }
            long md = Long.MAX_VALUE;
            long mr = Long.MAX_VALUE;
            for (int k = 0; k < penCount; k++) {
                int s = used[k];
                if (k == 0 || due[s] - md < 0) {
                    md = due[s];
                }
                mr = Math.min(mr, releaseAfter[s]);
            }
            minDue = md;
            minReleaseAfter = mr;
            return sent;
        }
    }
}
