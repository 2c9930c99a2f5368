package io.jmtcp.engine.shard;

import java.security.SecureRandom;
import java.util.function.IntPredicate;

/**
 * Chooses the local (ephemeral) port of an outgoing connection so that the connection's
 * <em>incoming</em> segments hash to the queue of the engine that opens it, as mTCP
 * ({@code mtcp_init_rss}) and Seastar ({@code tcp::connect}) do: otherwise the SYN-ACK and all
 * later segments would arrive on another engine and have to be handed over on every packet.
 *
 * <p>The receive direction is hashed with source = the remote socket and destination = the local
 * socket. Since the Toeplitz hash is linear, the part that depends on the fixed addresses and
 * remote port is computed once per call and each candidate port costs two table loads, an XOR
 * and a RETA load.
 *
 * <p>The search follows the spirit of RFC 6056: each call moves a per-engine offset forward by a
 * random increment in 1..500 (§3.3.5, Algorithm 5, "random-increments") and scans the range from
 * there, so consecutive connections do not get neighbouring ports and a freed port is not reused
 * at once (which would meet its own TIME_WAIT at the peer); unlike Algorithm 5 it then visits
 * every port before giving up, so -1 really means that none is left. The increments come from a
 * SplitMix64 generator seeded from {@link SecureRandom}: good enough to make ports hard to guess
 * off-path, not a cryptographic guarantee (RFC 6528 ISNs carry that weight).
 *
 * <p>Allocation: none per call; the {@code inUse} predicate is the caller's (it checks its own
 * 4-tuple table, typically a captured, reused lambda).
 *
 * <p>Threading: not thread-safe; one instance belongs to one engine thread.
 */
public final class PortAllocator {

    /** The largest random increment (RFC 6056 §3.3.5 suggests 500). */
    private static final int MAX_INCREMENT = 500;

    private final Toeplitz toeplitz;
    private final RssTable rss;
    private final int engine;
    private final int low;
    private final int count;

    private long seed;
    /** Offset into [low, high] of the port handed out last (or where the search last began). */
    private int offset;

    /**
     * An allocator seeded from {@link SecureRandom}.
     *
     * @param toeplitz the hash the device (or the software RSS) uses
     * @param rss the redirection table
     * @param engine the queue/engine whose connections this allocator serves
     * @param low first port of the range, e.g. 32768 (Linux {@code ip_local_port_range})
     * @param high last port of the range, inclusive, e.g. 60999
     * @throws IllegalArgumentException if the range is empty or outside 1..65535, or the engine
     *     has no entry in the table
     */
    public PortAllocator(Toeplitz toeplitz, RssTable rss, int engine, int low, int high) {
        this(toeplitz, rss, engine, low, high, new SecureRandom().nextLong());
    }

    /** As {@link #PortAllocator(Toeplitz, RssTable, int, int, int)}, with a fixed seed for tests. */
    public PortAllocator(Toeplitz toeplitz, RssTable rss, int engine, int low, int high, long seed) {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException(
                    "ephemeral port range must satisfy 1 <= low <= high <= 65535, was " + low + ".." + high);
        }
        if (engine < 0 || engine >= rss.queues()) {
            throw new IllegalArgumentException("engine must be 0.." + (rss.queues() - 1) + ", was " + engine);
        }
        if (!rss.serves(engine)) {
            throw new IllegalArgumentException("engine " + engine + " has no entry in " + rss);
        }
        this.toeplitz = toeplitz;
        this.rss = rss;
        this.engine = engine;
        this.low = low;
        this.count = high - low + 1;
        this.seed = seed;
        this.offset = (int) Long.remainderUnsigned(nextRandom(), count);
    }

    /**
     * Finds a free local port for a connection from {@code localIp} to
     * {@code remoteIp:remotePort} whose receive hash (source {@code remoteIp:remotePort},
     * destination {@code localIp:port}) maps to this allocator's engine.
     *
     * @param inUse returns true for a port the caller cannot use (its 4-tuple already exists)
     * @return a port in [low, high], or -1 when every port of the range that maps to this engine
     *     is in use (report "local ports exhausted")
     */
    public int allocate(int localIp, int remoteIp, int remotePort, IntPredicate inUse) {
        int fixed = toeplitz.hash(remoteIp, localIp) ^ toeplitz.srcPortTerm(remotePort);
        int n = count;
        int start = offset + 1 + (int) Long.remainderUnsigned(nextRandom(), MAX_INCREMENT);
        if (start >= n) {
            start %= n;
        }
        int candidate = start;
        for (int tried = 0; tried < n; tried++) {
            int port = low + candidate;
            if (rss.queueFor(fixed ^ toeplitz.dstPortTerm(port)) == engine && !inUse.test(port)) {
                offset = candidate;
                return port;
            }
            if (++candidate == n) {
                candidate = 0;
            }
        }
        offset = start;
        return -1;
    }

    /** The engine this allocator serves. */
    public int engine() {
        return engine;
    }

    /** SplitMix64 (Steele, Lea, Flood 2014): one add and a finaliser, no allocation. */
    private long nextRandom() {
        long z = (seed += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
