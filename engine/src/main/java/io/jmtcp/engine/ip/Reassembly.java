package io.jmtcp.engine.ip;

import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * IPv4 fragment reassembly (RFC 791 section 3.2, "reassembly procedure") with hard limits: a
 * fixed number of 64 KiB buffers per engine (allocated on first use), a timeout per datagram,
 * and the oldest datagram evicted when a new one needs a buffer. Overlapping fragments discard
 * the whole datagram, as Linux does since overlaps are only ever seen in attacks; an exact
 * duplicate of a fragment already held is dropped and counted.
 *
 * <p>Owned by the engine thread.
 */
final class Reassembly {

    static final int TIMER_KIND = 2;

    /** Room for the largest IPv4 header before the payload. */
    private static final int HEADER_ROOM = 60;
    private static final int MAX_PAYLOAD = 65535 - Ipv4Packet.MIN_HEADER_LENGTH;
    private static final int BLOCKS = (65535 + 7) / 8;

    private final int capacity;
    private final long timeoutNanos;
    private final Counters counters;
    private final Timers timers;

    private final ByteBuffer[] buffers;
    private final long[][] blocks;
    private final boolean[] inUse;
    private final int[] sources;
    private final int[] destinations;
    private final int[] identifications;
    private final int[] protocols;
    private final int[] headerLengths; // 0 until fragment 0 arrives
    private final int[] totalPayload;  // -1 until the last fragment arrives
    private final int[] receivedPayload;
    private final long[] startedAt;
    private final long[] timerIds;

    Reassembly(int capacity, long timeoutNanos, Counters counters, Timers timers) {
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
        this.counters = counters;
        this.timers = timers;
        this.buffers = new ByteBuffer[capacity];
        this.blocks = new long[capacity][];
        this.inUse = new boolean[capacity];
        this.sources = new int[capacity];
        this.destinations = new int[capacity];
        this.identifications = new int[capacity];
        this.protocols = new int[capacity];
        this.headerLengths = new int[capacity];
        this.totalPayload = new int[capacity];
        this.receivedPayload = new int[capacity];
        this.startedAt = new long[capacity];
        this.timerIds = new long[capacity];
        Arrays.fill(timerIds, Timers.NONE);
    }

    /**
     * Adds a fragment (its header already validated).
     *
     * @return the slot of a now complete datagram (read it with {@link #wrapComplete}, then
     *     {@link #release}), or -1
     */
    int add(Ipv4Packet ip, long now) {
        if (capacity == 0) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_NO_BUFFER);
            return -1;
        }
        int offset = ip.fragmentOffset();
        int length = ip.payloadLength();
        boolean more = ip.moreFragments();
        // RFC 791: every fragment but the last carries a multiple of 8 octets
        if ((more && (length & 7) != 0) || (more && length == 0) || offset + length > MAX_PAYLOAD) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_BAD);
            return -1;
        }
        int slot = find(ip.source(), ip.destination(), ip.identification(), ip.protocol());
        if (slot < 0) {
            slot = start(ip, now);
        }
        int first = offset >>> 3;
        int last = (offset + length + 7) >>> 3; // exclusive
        int held = countHeld(slot, first, last);
        if (held == last - first && length > 0) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_BAD); // exact duplicate
            return -1;
        }
        if (held != 0) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_BAD); // overlap: give up the datagram
            release(slot);
            return -1;
        }
        if (!more) {
            int total = offset + length;
            if ((totalPayload[slot] >= 0 && totalPayload[slot] != total) || highestHeld(slot) > last) {
                counters.increment(Counter.RX_DROP_IP_FRAGMENT_BAD);
                release(slot);
                return -1;
            }
            totalPayload[slot] = total;
        } else if (totalPayload[slot] >= 0 && offset + length > totalPayload[slot]) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_BAD);
            release(slot);
            return -1;
        }
        ByteBuffer b = buffers[slot];
        b.put(HEADER_ROOM + offset, ip.buffer(), ip.payloadOffset(), length);
        if (offset == 0) {
            int hl = ip.headerLength();
            headerLengths[slot] = hl;
            b.put(HEADER_ROOM - hl, ip.buffer(), ip.offset(), hl);
        }
        mark(slot, first, last);
        receivedPayload[slot] += length;
        if (totalPayload[slot] >= 0 && receivedPayload[slot] == totalPayload[slot] && headerLengths[slot] > 0) {
            counters.increment(Counter.IP_REASSEMBLED);
            return slot;
        }
        return -1;
    }

    /** Wraps {@code packet} over the complete datagram in {@code slot}, with a consistent header. */
    void wrapComplete(int slot, Ipv4Packet packet) {
        int hl = headerLengths[slot];
        int total = hl + totalPayload[slot];
        packet.wrap(buffers[slot], HEADER_ROOM - hl, total);
        packet.totalLength(total);
        packet.flagsAndFragmentOffset(packet.dontFragment(), false, 0);
        packet.computeChecksum();
    }

    /** Whether the datagram in {@code slot} has its first fragment (its header is known). */
    boolean hasFirstFragment(int slot) {
        return headerLengths[slot] > 0;
    }

    /** Wraps {@code packet} over the first fragment's header and what follows of the datagram. */
    void wrapFirst(int slot, Ipv4Packet packet) {
        int hl = headerLengths[slot];
        packet.wrap(buffers[slot], HEADER_ROOM - hl, hl + Math.min(8, receivedPayload[slot]));
    }

    /** Frees a slot. */
    void release(int slot) {
        timerIds[slot] = timers.cancel(timerIds[slot]);
        inUse[slot] = false;
    }

    /** The reassembly timer for {@code slot} fired; the caller decides about ICMP, then releases. */
    void expired(int slot) {
        timerIds[slot] = Timers.NONE;
        counters.increment(Counter.IP_REASSEMBLY_TIMEOUTS);
    }

    boolean inUse(int slot) {
        return inUse[slot];
    }

    private int find(int src, int dst, int id, int protocol) {
        for (int i = 0; i < capacity; i++) {
            if (inUse[i] && sources[i] == src && destinations[i] == dst && identifications[i] == id
                    && protocols[i] == protocol) {
                return i;
            }
        }
        return -1;
    }

    private int start(Ipv4Packet ip, long now) {
        int slot = -1;
        int oldest = 0;
        for (int i = 0; i < capacity; i++) {
            if (!inUse[i]) {
                slot = i;
                break;
            }
            if (startedAt[i] - startedAt[oldest] < 0) {
                oldest = i;
            }
        }
        if (slot < 0) {
            counters.increment(Counter.RX_DROP_IP_FRAGMENT_NO_BUFFER); // the evicted datagram
            release(oldest);
            slot = oldest;
        }
        if (buffers[slot] == null) {
            buffers[slot] = ByteBuffer.allocateDirect(HEADER_ROOM + 65535);
            blocks[slot] = new long[(BLOCKS + 63) / 64];
        }
        Arrays.fill(blocks[slot], 0L);
        inUse[slot] = true;
        sources[slot] = ip.source();
        destinations[slot] = ip.destination();
        identifications[slot] = ip.identification();
        protocols[slot] = ip.protocol();
        headerLengths[slot] = 0;
        totalPayload[slot] = -1;
        receivedPayload[slot] = 0;
        startedAt[slot] = now;
        timerIds[slot] = timers.schedule(TIMER_KIND, slot, now + timeoutNanos);
        return slot;
    }

    private int countHeld(int slot, int first, int last) {
        long[] bits = blocks[slot];
        int n = 0;
        for (int b = first; b < last; b++) {
            if ((bits[b >>> 6] & (1L << b)) != 0) {
                n++;
            }
        }
        return n;
    }

    private int highestHeld(int slot) {
        long[] bits = blocks[slot];
        for (int w = bits.length - 1; w >= 0; w--) {
            if (bits[w] != 0) {
                return w * 64 + 64 - Long.numberOfLeadingZeros(bits[w]);
            }
        }
        return 0;
    }

    private void mark(int slot, int first, int last) {
        long[] bits = blocks[slot];
        for (int b = first; b < last; b++) {
            bits[b >>> 6] |= 1L << b;
        }
    }

}
