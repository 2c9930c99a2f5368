package io.jmtcp.engine.tcp;

import java.util.ConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The engine's demultiplexing table: an open-addressing hash map from a TCP 4-tuple (local
 * address, local port, remote address, remote port; RFC 9293 §3.3.1 "a connection is fully
 * specified by the pair of sockets") to the connection's state {@code T}, with no key objects and
 * no boxing.
 *
 * <p>Layout: one {@code int[]} holds the keys interleaved four ints per slot (local address,
 * remote address, the two ports packed as {@code localPort << 16 | remotePort}, and the slot's
 * 32-bit hash), so a probe reads a single 16-byte record that never straddles a cache line; a
 * parallel {@code Object[]} holds the values, and a {@code null} value marks an empty slot (so
 * {@code null} values are not allowed). Collisions are resolved by linear probing; removal uses
 * backward-shift deletion (Knuth, TAOCP vol. 3, §6.4 Algorithm R), so there are no tombstones and
 * lookups never slow down as connections come and go. The hash is a murmur3-style finaliser over
 * the 96 key bits and a per-table random seed; it is deliberately not the RSS Toeplitz hash, which
 * is linear and, with the symmetric key, maps a whole family of tuples to the same value. The seed
 * keeps remote peers, who choose their addresses and ports, from precomputing tuples that pile
 * into one probe chain (the finaliser alone is invertible).
 *
 * <p>Allocation: {@link #get}, {@link #containsKey}, {@link #remove} and a {@link #put} that does
 * not grow the table allocate nothing. When a {@code put} would take the load factor above 0.7
 * the table doubles, which allocates new arrays; size the table at construction for the
 * expected connection count and that rare event never happens on the data path.
 *
 * <p>Threading: not thread-safe; one instance belongs to one engine thread.
 *
 * @param <T> the per-connection state
 */
public final class ConnectionTable<T> {

    private static final int STRIDE = 4;
    private static final int LOCAL_IP = 0;
    private static final int REMOTE_IP = 1;
    private static final int PORTS = 2;
    private static final int HASH = 3;

    /** Load factor numerator / denominator: grow when size would exceed 7/10 of the capacity. */
    private static final int LOAD_NUM = 7;
    private static final int LOAD_DEN = 10;
    private static final int MAX_CAPACITY = 1 << 28;

    private int[] keys;
    private Object[] values;
    private int mask;
    private int size;
    private int resizeAt;
    /** Bumped by every structural change, so {@link #forEach} can detect modification. */
    private int modCount;
    private final long seed;

    /**
     * Creates a table that holds {@code initialCapacity} connections without growing.
     *
     * @param initialCapacity expected number of connections, at least 0
     * @throws IllegalArgumentException if negative or too large for one table
     */
    public ConnectionTable(int initialCapacity) {
        this(initialCapacity, ThreadLocalRandom.current().nextLong());
    }

    /** As {@link #ConnectionTable(int)} with a fixed hash seed, so tests can build collisions. */
    ConnectionTable(int initialCapacity, long seed) {
        this.seed = seed;
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, was " + initialCapacity);
        }
        long slots = ((long) initialCapacity * LOAD_DEN + LOAD_NUM - 1) / LOAD_NUM + 1;
        if (slots > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "initialCapacity " + initialCapacity + " exceeds the maximum of " + maxEntries(MAX_CAPACITY));
        }
        allocate(Math.max(16, nextPowerOfTwo((int) slots)));
    }

    /** Returns the connection for the 4-tuple, or {@code null}. */
    @SuppressWarnings("unchecked")
    public T get(int localIp, int localPort, int remoteIp, int remotePort) {
        if (!validPorts(localPort, remotePort)) {
            return null;
        }
        int slot = find(localIp, remoteIp, ports(localPort, remotePort));
        return slot < 0 ? null : (T) values[slot];
    }

    /** Returns whether a connection is registered under the 4-tuple. */
    public boolean containsKey(int localIp, int localPort, int remoteIp, int remotePort) {
        return validPorts(localPort, remotePort) && find(localIp, remoteIp, ports(localPort, remotePort)) >= 0;
    }

    /**
     * Maps the 4-tuple to {@code value}.
     *
     * @return the value previously mapped, or {@code null}
     * @throws NullPointerException if {@code value} is null (null marks an empty slot)
     * @throws IllegalArgumentException if a port is outside 0..65535
     * @throws IllegalStateException if the table would need more than 2^28 slots
     */
    @SuppressWarnings("unchecked")
    public T put(int localIp, int localPort, int remoteIp, int remotePort, T value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        if (!validPorts(localPort, remotePort)) {
            throw new IllegalArgumentException(
                    "ports must be 0..65535, were " + localPort + " and " + remotePort);
        }
        int ports = ports(localPort, remotePort);
        int hash = hash(localIp, remoteIp, ports);
        int[] k = keys;
        Object[] v = values;
        int m = mask;
        for (int slot = hash & m; ; slot = (slot + 1) & m) {
            Object existing = v[slot];
            if (existing == null) {
                if (size >= resizeAt) {
                    grow();
                    insertNew(localIp, remoteIp, ports, hash, value);
                } else {
                    store(k, v, slot, localIp, remoteIp, ports, hash, value);
                }
                size++;
                modCount++;
                return null;
            }
            int base = slot * STRIDE;
            if (k[base + HASH] == hash && k[base + LOCAL_IP] == localIp
                    && k[base + REMOTE_IP] == remoteIp && k[base + PORTS] == ports) {
                v[slot] = value;
                return (T) existing;
            }
        }
    }

    /**
     * Removes the 4-tuple's mapping.
     *
     * @return the value that was mapped, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public T remove(int localIp, int localPort, int remoteIp, int remotePort) {
        if (!validPorts(localPort, remotePort)) {
            return null;
        }
        int slot = find(localIp, remoteIp, ports(localPort, remotePort));
        if (slot < 0) {
            return null;
        }
        T previous = (T) values[slot];
        deleteAt(slot);
        size--;
        modCount++;
        return previous;
    }

    /** Returns the number of mapped connections. */
    public int size() {
        return size;
    }

    /**
     * Calls {@code action} for every value, in slot order (unspecified to callers). The table must
     * not be modified from inside {@code action}: backward-shift deletion moves entries, so a
     * removal during iteration could skip or repeat one; such a modification is detected and
     * reported with a {@link ConcurrentModificationException}. Replacing the value of an existing
     * key through {@link #put} is not a structural change and is allowed.
     */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<T> action) {
        Object[] v = values;
        int expected = modCount;
        for (int slot = 0; slot < v.length; slot++) {
            Object value = v[slot];
            if (value != null) {
                action.accept((T) value);
                if (modCount != expected) {
                    throw new ConcurrentModificationException("ConnectionTable modified during forEach");
                }
            }
        }
    }

    /** The number of slots, for tests and sizing diagnostics. */
    int capacity() {
        return mask + 1;
    }

    private int find(int localIp, int remoteIp, int ports) {
        int hash = hash(localIp, remoteIp, ports);
        int[] k = keys;
        Object[] v = values;
        int m = mask;
        for (int slot = hash & m; ; slot = (slot + 1) & m) {
            if (v[slot] == null) {
                return -1;
            }
            int base = slot * STRIDE;
            if (k[base + HASH] == hash && k[base + LOCAL_IP] == localIp
                    && k[base + REMOTE_IP] == remoteIp && k[base + PORTS] == ports) {
                return slot;
            }
        }
    }

    /**
     * Empties {@code hole} and closes the gap: walks the cluster after it and moves back every
     * entry whose home slot does not lie cyclically in (hole, entry], i.e. every entry that a
     * lookup would otherwise no longer reach (Algorithm R).
     */
    private void deleteAt(int hole) {
        int[] k = keys;
        Object[] v = values;
        int m = mask;
        int slot = hole;
        while (true) {
            slot = (slot + 1) & m;
            Object value = v[slot];
            if (value == null) {
                break;
            }
            int base = slot * STRIDE;
            int home = k[base + HASH] & m;
            // Distance from home to the entry vs. from home to the hole, both cyclic: the entry
            // may move into the hole only if the hole lies on its probe path.
            if (((slot - home) & m) >= ((hole - home) & m)) {
                int dst = hole * STRIDE;
                k[dst + LOCAL_IP] = k[base + LOCAL_IP];
                k[dst + REMOTE_IP] = k[base + REMOTE_IP];
                k[dst + PORTS] = k[base + PORTS];
                k[dst + HASH] = k[base + HASH];
                v[hole] = value;
                hole = slot;
            }
        }
        v[hole] = null;
    }

    private void insertNew(int localIp, int remoteIp, int ports, int hash, Object value) {
        int[] k = keys;
        Object[] v = values;
        int m = mask;
        int slot = hash & m;
        while (v[slot] != null) {
            slot = (slot + 1) & m;
        }
        store(k, v, slot, localIp, remoteIp, ports, hash, value);
    }

    private static void store(int[] k, Object[] v, int slot, int localIp, int remoteIp, int ports, int hash,
            Object value) {
        int base = slot * STRIDE;
        k[base + LOCAL_IP] = localIp;
        k[base + REMOTE_IP] = remoteIp;
        k[base + PORTS] = ports;
        k[base + HASH] = hash;
        v[slot] = value;
    }

    /** Doubles the table. Allocates; see the class comment. */
    private void grow() {
        int capacity = mask + 1;
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("ConnectionTable full: " + size + " connections");
        }
        int[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(capacity << 1);
        for (int slot = 0; slot < oldValues.length; slot++) {
            Object value = oldValues[slot];
            if (value != null) {
                int base = slot * STRIDE;
                insertNew(oldKeys[base + LOCAL_IP], oldKeys[base + REMOTE_IP], oldKeys[base + PORTS],
                        oldKeys[base + HASH], value);
            }
        }
    }

    private void allocate(int capacity) {
        keys = new int[capacity * STRIDE];
        values = new Object[capacity];
        mask = capacity - 1;
        resizeAt = maxEntries(capacity);
    }

    private static int maxEntries(int capacity) {
        return (int) ((long) capacity * LOAD_NUM / LOAD_DEN);
    }

    private static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    private static int ports(int localPort, int remotePort) {
        return localPort << 16 | remotePort;
    }

    /** A port outside 0..65535 would alias another after packing, so it never matches. */
    private static boolean validPorts(int localPort, int remotePort) {
        return ((localPort | remotePort) & ~0xffff) == 0;
    }

    /**
     * Mixes the 96 key bits: the two addresses form one 64-bit word, XORed with the seed; the
     * ports are folded in with an odd multiplier; then murmur3's 64-bit finaliser
     * ({@code fmix64}) spreads every input bit over the result, so the low bits that pick the
     * slot depend on all of the tuple.
     */
    int hash(int localIp, int remoteIp, int ports) {
        long h = (((long) localIp << 32) | (remoteIp & 0xffffffffL)) ^ seed;
        h ^= (ports & 0xffffffffL) * 0x9e3779b97f4a7c15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
