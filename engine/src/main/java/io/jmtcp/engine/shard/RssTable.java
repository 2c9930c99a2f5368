package io.jmtcp.engine.shard;

import java.util.Arrays;

/**
 * The RSS redirection table (RETA): maps a receive hash to a queue, and so to the engine that owns
 * the queue. As in NICs (NDIS "RSS indirection table", DPDK {@code rte_eth_rss_reta}), the low
 * bits of the hash index a power-of-two table whose entries name queues; the default fill is
 * round-robin, entry {@code i} to queue {@code i % queues}, which is what drivers program unless
 * told otherwise.
 *
 * <p>Threading: immutable; one instance is shared by all engines.
 */
public final class RssTable {

    /** The table size most NICs use (and the default of Linux's ethtool for many drivers). */
    public static final int DEFAULT_ENTRIES = 128;

    private final int queues;
    private final int mask;
    private final int[] reta;

    /**
     * A round-robin table.
     *
     * @param queues number of queues (engines), at least 1
     * @param entries table size, a power of two no smaller than {@code queues}
     * @throws IllegalArgumentException if either is out of range
     */
    public RssTable(int queues, int entries) {
        this(queues, roundRobin(queues, entries));
    }

    /**
     * A table with explicit entries, e.g. mirroring a RETA read from a NIC.
     *
     * @param queues number of queues, at least 1
     * @param reta entries, each in 0..queues-1; the length must be a power of two; copied
     * @throws IllegalArgumentException if an entry or the length is out of range
     */
    public RssTable(int queues, int[] reta) {
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be >= 1, was " + queues);
        }
        if (reta.length == 0 || Integer.bitCount(reta.length) != 1) {
            throw new IllegalArgumentException("RETA entries must be a power of two, was " + reta.length);
        }
        for (int i = 0; i < reta.length; i++) {
            if (reta[i] < 0 || reta[i] >= queues) {
                throw new IllegalArgumentException(
                        "RETA entry " + i + " names queue " + reta[i] + ", allowed 0.." + (queues - 1));
            }
        }
        this.queues = queues;
        this.reta = reta.clone();
        this.mask = reta.length - 1;
    }

    private static int[] roundRobin(int queues, int entries) {
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be >= 1, was " + queues);
        }
        if (entries < queues || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException(
                    "RETA entries must be a power of two >= queues (" + queues + "), was " + entries);
        }
        int[] table = new int[entries];
        for (int i = 0; i < entries; i++) {
            table[i] = i % queues;
        }
        return table;
    }

    /** The queue for a receive hash: the hash's low bits index the table. */
    public int queueFor(int hash) {
        return reta[hash & mask];
    }

    /** The number of table entries. */
    public int entries() {
        return reta.length;
    }

    /** The number of queues. */
    public int queues() {
        return queues;
    }

    /** Whether any entry names {@code queue}. */
    public boolean serves(int queue) {
        for (int q : reta) {
            if (q == queue) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RssTable[queues=" + queues + ", reta=" + Arrays.toString(reta) + "]";
    }
}
