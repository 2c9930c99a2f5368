package io.jmtcp.engine.arp;

import io.jmtcp.engine.dev.TxQueue;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.timer.Timers;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.MacAddress;
import java.nio.ByteBuffer;
import org.agrona.collections.Int2IntHashMap;

/**
 * ARP (RFC 826) for one engine: the neighbour cache, answers to requests for our address,
 * resolution with retries, and a bounded pen of frames waiting for a neighbour's MAC.
 *
 * <p>Entries live in parallel arrays indexed by slot, with an {@link Int2IntHashMap} from IPv4
 * address to slot, so lookups and updates allocate nothing. States follow Linux's neighbour
 * machine in miniature: INCOMPLETE (asking, no MAC yet), REACHABLE (confirmed within
 * {@code jmtcp.arp.timeout}), STALE (expired; still used while one refresh is in flight).
 *
 * <p>Owned by the engine thread.
 */
public final class Arp {

    /** Timer kind of ARP retries, for {@link Timers}. */
    public static final int TIMER_KIND = 1;

    private static final byte FREE = 0;
    private static final byte INCOMPLETE = 1;
    private static final byte REACHABLE = 2;
    private static final byte STALE = 3;
    private static final int NONE = -1;

    private final long ourMac;
    private final int ourIp;
    private final long reachableNanos;
    private final long retryNanos;
    private final int maxAttempts;
    private final TxQueue tx;
    private final Counters counters;
    private final Timers timers;

    private final Int2IntHashMap slotByIp;
    private final int[] ips;
    private final long[] macs;
    private final byte[] states;
    private final long[] confirmedAt;
    private final int[] attempts;
    private final long[] timerIds;
    private final int[] pendingHead;
    private final int[] pendingTail;
    private final int[] nextFreeSlot;
    private int freeSlot;
    private int used;

    // frames waiting for resolution, copied whole into fixed-size slots
    private final ByteBuffer pen;
    private final int penSlotSize;
    private final int[] penLength;
    private final int[] penNext;
    private int penFree;

    private final EthernetFrame eth = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();

    /** Tells a layer above that a neighbour could not be resolved (e.g. to fail connects). */
    @FunctionalInterface
    public interface UnreachableListener {
        void onNeighbourUnreachable(int ip);
    }

    private UnreachableListener unreachableListener = ip -> { };

    /**
     * Passes a valid ARP packet on to the other engines of the stack. A NIC or a multi-queue TAP
     * steers ARP (which has no ports) to one queue, but every engine keeps its own neighbour
     * cache, so what one engine learns must reach the others (DESIGN.md 3.3, cross-engine queue).
     */
    @FunctionalInterface
    public interface Sharer {
        /** Copies the {@link ArpPacket#LENGTH} bytes at {@code offset} to the sibling engines. */
        void share(ByteBuffer buffer, int offset);
    }

    private Sharer sharer = (buffer, offset) -> { };

    public Arp(long ourMac, int ourIp, long reachableNanos, long retryNanos, int maxAttempts,
            int cacheSize, int pendingFrames, int frameCapacity,
            TxQueue tx, Counters counters, Timers timers) {
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        this.reachableNanos = reachableNanos;
        this.retryNanos = retryNanos;
        this.maxAttempts = maxAttempts;
        this.tx = tx;
        this.counters = counters;
        this.timers = timers;
        this.slotByIp = new Int2IntHashMap(cacheSize * 2, 0.65f, NONE);
        this.ips = new int[cacheSize];
        this.macs = new long[cacheSize];
        this.states = new byte[cacheSize];
        this.confirmedAt = new long[cacheSize];
        this.attempts = new int[cacheSize];
        this.timerIds = new long[cacheSize];
        this.pendingHead = new int[cacheSize];
        this.pendingTail = new int[cacheSize];
        this.nextFreeSlot = new int[cacheSize];
        for (int i = 0; i < cacheSize; i++) {
            nextFreeSlot[i] = i + 1 < cacheSize ? i + 1 : NONE;
            pendingHead[i] = NONE;
            pendingTail[i] = NONE;
            timerIds[i] = Timers.NONE;
        }
        this.freeSlot = 0;
        this.penSlotSize = frameCapacity;
        this.pen = ByteBuffer.allocateDirect(pendingFrames * frameCapacity);
        this.penLength = new int[pendingFrames];
        this.penNext = new int[pendingFrames];
        for (int i = 0; i < pendingFrames; i++) {
            penNext[i] = i + 1 < pendingFrames ? i + 1 : NONE;
        }
        this.penFree = 0;
    }

    /** Sets who receives valid ARP packets to pass to sibling engines. */
    public void sharer(Sharer sharer) {
        this.sharer = sharer;
    }

    /** Sets who hears about neighbours that never answered. */
    public void unreachableListener(UnreachableListener listener) {
        this.unreachableListener = listener;
    }

    // ------------------------------------------------------------------ input

    /** Processes a received ARP packet at {@code offset} (absolute) of {@code length} bytes. */
    public void input(ByteBuffer buffer, int offset, int length, long now) {
        arp.wrap(buffer, offset, length);
        if (!arp.checkLength()) {
            counters.increment(Counter.RX_DROP_ARP_TRUNCATED);
            return;
        }
        if (!arp.isEthernetIpv4()) {
            counters.increment(Counter.RX_DROP_ARP_UNSUPPORTED);
            return;
        }
        int op = arp.operation();
        if (op != ArpPacket.OP_REQUEST && op != ArpPacket.OP_REPLY) {
            counters.increment(Counter.RX_DROP_ARP_BAD_OPERATION);
            return;
        }
        long senderMac = arp.senderHardwareAddress();
        int senderIp = arp.senderProtocolAddress();
        int targetIp = arp.targetProtocolAddress();
        if (MacAddress.isMulticast(senderMac) || senderMac == ourMac
                || (senderIp == ourIp && senderIp != 0)
                || Ipv4Address.isMulticast(senderIp) || Ipv4Address.isBroadcast(senderIp)) {
            counters.increment(Counter.RX_DROP_ARP_BAD_SENDER);
            return;
        }
        counters.increment(op == ArpPacket.OP_REQUEST ? Counter.ARP_RX_REQUESTS : Counter.ARP_RX_REPLIES);
        learn(senderMac, senderIp, targetIp, now);
        if (op == ArpPacket.OP_REQUEST && targetIp == ourIp) {
            sendArp(ArpPacket.OP_REPLY, senderMac, senderMac, senderIp);
        }
        sharer.share(buffer, offset);
    }

    /**
     * Learns from an ARP packet another engine of this stack received and already validated:
     * the same cache update as {@link #input}, without counting or replying.
     */
    public void learnShared(ByteBuffer buffer, int offset, long now) {
        arp.wrap(buffer, offset, ArpPacket.LENGTH);
        learn(arp.senderHardwareAddress(), arp.senderProtocolAddress(), arp.targetProtocolAddress(), now);
    }

    private void learn(long senderMac, int senderIp, int targetIp, long now) {
        // RFC 826 "Packet Reception": update the sender if we know it; add it if we are the target.
        // A sender of 0.0.0.0 is an address probe (RFC 5227 2.1.1): answer it, learn nothing.
        if (senderIp != 0) {
            int slot = slotByIp.get(senderIp);
            if (slot != NONE) {
                confirm(slot, senderMac, now);
            } else if (targetIp == ourIp) {
                slot = allocate(senderIp, now);
                confirm(slot, senderMac, now);
            }
        }
    }

    private void confirm(int slot, long mac, long now) {
        macs[slot] = mac;
        states[slot] = REACHABLE;
        confirmedAt[slot] = now;
        attempts[slot] = 0;
        timerIds[slot] = timers.cancel(timerIds[slot]);
        flushPending(slot);
    }

    // ------------------------------------------------------------------ output side

    /**
     * The MAC for a neighbour, starting or refreshing resolution as needed.
     *
     * @return the MAC, or -1 while it is unknown (queue the frame with {@link #enqueue})
     */
    public long lookup(int ip, long now) {
        int slot = slotByIp.get(ip);
        if (slot == NONE) {
            slot = allocate(ip, now);
            states[slot] = INCOMPLETE;
            startAsking(slot, now);
            return -1;
        }
        switch (states[slot]) {
            case REACHABLE:
                if (now - confirmedAt[slot] >= reachableNanos) {
                    states[slot] = STALE;
                    startAsking(slot, now);
                }
                return macs[slot];
            case STALE:
                return macs[slot];
            default:
                return -1;
        }
    }

    /**
     * Keeps a copy of a frame (Ethernet header included; its destination MAC is filled in on
     * resolution) until {@code ip} is resolved. Drops and counts it when the pen is full.
     */
    public void enqueue(int ip, ByteBuffer buffer, int offset, int length) {
        int slot = slotByIp.get(ip);
        if (slot == NONE || states[slot] != INCOMPLETE || penFree == NONE || length > penSlotSize) {
            counters.increment(Counter.ARP_PENDING_DROPPED);
            return;
        }
        int p = penFree;
        penFree = penNext[p];
        penNext[p] = NONE;
        penLength[p] = length;
        pen.put(p * penSlotSize, buffer, offset, length);
        if (pendingTail[slot] == NONE) {
            pendingHead[slot] = p;
        } else {
            penNext[pendingTail[slot]] = p;
        }
        pendingTail[slot] = p;
    }

    /** Announces our address (gratuitous ARP request, RFC 5227 3). */
    public void announce() {
        sendArp(ArpPacket.OP_REQUEST, MacAddress.BROADCAST, 0L, ourIp);
    }

    /** A retry timer fired. */
    public void onTimer(int slot, long now) {
        timerIds[slot] = Timers.NONE;
        byte state = states[slot];
        if (state != INCOMPLETE && state != STALE) {
            return;
        }
        if (attempts[slot] < maxAttempts) {
            ask(slot, now);
            return;
        }
        int ip = ips[slot];
        if (state == INCOMPLETE) {
            counters.increment(Counter.ARP_RESOLVE_FAILED);
        }
        release(slot);
        unreachableListener.onNeighbourUnreachable(ip);
    }

    private void startAsking(int slot, long now) {
        attempts[slot] = 0;
        ask(slot, now);
    }

    private void ask(int slot, long now) {
        attempts[slot]++;
        sendArp(ArpPacket.OP_REQUEST, MacAddress.BROADCAST, 0L, ips[slot]);
        timerIds[slot] = timers.cancel(timerIds[slot]);
        timerIds[slot] = timers.schedule(TIMER_KIND, slot, now + retryNanos);
    }

    private void sendArp(int op, long ethDestination, long targetMac, int targetIp) {
        int f = tx.acquire();
        if (f < 0) {
            counters.increment(Counter.TX_DROP_NO_BUFFER);
            return;
        }
        ByteBuffer b = tx.buffer(f);
        int off = tx.offset(f);
        eth.wrap(b, off, EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
        eth.destination(ethDestination);
        eth.source(ourMac);
        eth.etherType(EthernetFrame.ETHERTYPE_ARP);
        arp.wrap(b, off + EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        arp.writeEthernetIpv4Header();
        arp.operation(op);
        arp.senderHardwareAddress(ourMac);
        arp.senderProtocolAddress(ourIp);
        arp.targetHardwareAddress(targetMac);
        arp.targetProtocolAddress(targetIp);
        tx.commit(f, EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
        counters.increment(op == ArpPacket.OP_REQUEST ? Counter.ARP_TX_REQUESTS : Counter.ARP_TX_REPLIES);
    }

    private void flushPending(int slot) {
        long mac = macs[slot];
        for (int p = pendingHead[slot]; p != NONE; ) {
            int next = penNext[p];
            int f = tx.acquire();
            if (f < 0) {
                counters.increment(Counter.TX_DROP_NO_BUFFER);
            } else {
                int off = tx.offset(f);
                tx.buffer(f).put(off, pen, p * penSlotSize, penLength[p]);
                MacAddress.put(tx.buffer(f), off, mac);
                tx.commit(f, penLength[p]);
            }
            freePen(p);
            p = next;
        }
        pendingHead[slot] = NONE;
        pendingTail[slot] = NONE;
    }

    private void dropPending(int slot) {
        for (int p = pendingHead[slot]; p != NONE; ) {
            int next = penNext[p];
            counters.increment(Counter.ARP_PENDING_DROPPED);
            freePen(p);
            p = next;
        }
        pendingHead[slot] = NONE;
        pendingTail[slot] = NONE;
    }

    private void freePen(int p) {
        penNext[p] = penFree;
        penFree = p;
    }

    // ------------------------------------------------------------------ slots

    private int allocate(int ip, long now) {
        if (freeSlot == NONE) {
            evictOldest();
        }
        int slot = freeSlot;
        freeSlot = nextFreeSlot[slot];
        ips[slot] = ip;
        states[slot] = INCOMPLETE;
        macs[slot] = 0;
        confirmedAt[slot] = now;
        attempts[slot] = 0;
        slotByIp.put(ip, slot);
        used++;
        return slot;
    }

    private void evictOldest() {
        int victim = 0;
        for (int i = 1; i < states.length; i++) {
            if (confirmedAt[i] - confirmedAt[victim] < 0) {
                victim = i;
            }
        }
        counters.increment(Counter.ARP_EVICTIONS);
        release(victim);
    }

    private void release(int slot) {
        dropPending(slot);
        timerIds[slot] = timers.cancel(timerIds[slot]);
        slotByIp.remove(ips[slot]);
        states[slot] = FREE;
        nextFreeSlot[slot] = freeSlot;
        freeSlot = slot;
        used--;
    }

    /** Neighbours known now, one line each ("198.18.0.1 02:..:01 REACHABLE"); for JMX (allocates). */
    public String[] describe() {
        String[] out = new String[used];
        int n = 0;
        for (int i = 0; i < states.length && n < out.length; i++) {
            if (states[i] != FREE) {
                String state = states[i] == INCOMPLETE ? "INCOMPLETE" : states[i] == REACHABLE ? "REACHABLE" : "STALE";
                out[n++] = Ipv4Address.format(ips[i]) + " " + MacAddress.format(macs[i]) + " " + state;
            }
        }
        return out;
    }

    /** The MAC currently cached for {@code ip} (any state with a MAC), or -1. Engine thread. */
    public long cachedMac(int ip) {
        int slot = slotByIp.get(ip);
        return slot == NONE || states[slot] == INCOMPLETE ? -1 : macs[slot];
    }
}
