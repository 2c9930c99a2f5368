package io.jmtcp.engine.tcp;

import java.security.SecureRandom;

/**
 * Initial sequence numbers as RFC 6528 §3 defines them:
 * {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)}, where {@code M} is the
 * 4-microsecond clock of RFC 9293 §3.4.1 and {@code F} is SipHash-2-4 under a 128-bit secret key,
 * truncated to its low 32 bits. Each connection-id thus gets its own sequence number space,
 * advancing with the clock (so a new incarnation of a 4-tuple starts beyond the old one, RFC 9293
 * §3.4.1), while an off-path attacker, who cannot compute {@code F}, cannot guess another
 * connection's ISN from its own (RFC 6528 §1). Immutable after construction and allocation-free:
 * created once and normally owned by an engine, but one instance may safely be shared by all the
 * engines of a stack (which keeps every incarnation of a 4-tuple on one sequence space wherever
 * its frames land).
 */
public final class IsnGenerator {

    /** RFC 6528 §3 (after RFC 793 §3.3): M ticks every 4 microseconds, 250,000 times a second. */
    static final long CLOCK_TICK_NANOS = 4_000L;

    private final long k0;
    private final long k1;

    /** A generator with the 128-bit secret key {@code k0, k1} (tests and reproducible runs). */
    public IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /**
     * A generator with a fresh 128-bit key from {@link SecureRandom}, drawn once here: RFC 6528 §3
     * wants a secret key of at least 128 bits that an attacker cannot know.
     */
    public static IsnGenerator random() {
        SecureRandom random = new SecureRandom();
        return new IsnGenerator(random.nextLong(), random.nextLong());
    }

    /**
     * The ISN for a connection from {@code localIp:localPort} to {@code remoteIp:remotePort}
     * (addresses as big-endian ints, ports 0..65535) at time {@code nowNanos} (a monotonic clock
     * such as the engine's; only differences matter).
     */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long nowNanos) {
        // RFC 6528 §3: M, the 4 µs timer; floorDiv keeps it monotonic across a negative nanoTime.
        int m = (int) Math.floorDiv(nowNanos, CLOCK_TICK_NANOS);
        // RFC 6528 §3: F, a PRF of the connection-id and the secret key, 32 bits of it.
        int f = (int) SipHash.hash(k0, k1, localIp, localPort, remoteIp, remotePort);
        return m + f;
    }
}
