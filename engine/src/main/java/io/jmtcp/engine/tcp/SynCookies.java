package io.jmtcp.engine.tcp;

import java.security.SecureRandom;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN backlog is full, a listener answers a SYN without
 * keeping any state, putting in its initial sequence number (ISS) all it must remember: a keyed
 * hash of the 4-tuple that only it can compute, a coarse clock, and the client's MSS. The
 * handshake's final ACK returns the ISS + 1, and {@link #check} rebuilds the connection from it
 * alone. The layout is Linux's ({@code secure_tcp_syn_cookie}, {@code check_tcp_syn_cookie}):
 *
 * <pre>
 *   ISS = H1(saddr, daddr, sport, dport) + client ISN + (count &lt;&lt; 24)
 *       + ((H2(saddr, daddr, sport, dport, count) + mssIndex) mod 2^24)
 * </pre>
 *
 * <p>where {@code count} advances every 64 seconds, {@code H1} and {@code H2} are SipHash-2-4 under
 * the listener's 128-bit secret (told apart by their last input word) and {@code mssIndex} picks
 * one of {@code {536, 1300, 1440, 1460}}. A cookie is accepted during the 64-second period it was
 * made in and the next one (Linux's {@code MAX_SYNCOOKIE_AGE} of 2 periods), so it lives between
 * 64 and 128 seconds. Options that the ISS has no room for ride in the SYN-ACK's timestamp when the
 * client sent one: {@link #encodeTimestamp} puts the window scale and SACK-permitted in the low six
 * bits of TSval, which the client echoes in TSecr (RFC 7323 §3.2), as Linux's
 * {@code cookie_init_timestamp} does.
 *
 * <p>Immutable after construction and allocation-free: created once and normally owned by an
 * engine; one instance may safely be shared by every engine of a stack, which lets a cookie made by
 * one engine be checked by another.
 */
public final class SynCookies {

    /** The MSS values a cookie can carry (Linux {@code msstab}), smallest first. */
    private static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    /** How many MSS values a cookie can carry; valid indices are 0 to this minus 1. */
    public static final int MSS_TABLE_SIZE = 4;

    /** Low bits of the ISS holding hash + data; the count sits above them (Linux COOKIEBITS). */
    static final int COOKIE_BITS = 24;
    static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    /** The cookie clock's period: 64 seconds (Linux counts minutes; a power of two is as good). */
    static final long COUNT_PERIOD_NANOS = 64_000_000_000L;
    /** Periods a cookie stays valid: the one it was made in and the next (Linux). */
    static final int MAX_AGE = 2;

    /** Bits of TSval given over to options (Linux TSBITS). */
    static final int TS_BITS = 6;
    static final int TS_MASK = (1 << TS_BITS) - 1;
    /** The window scale field of the encoded TSval; all ones means no window scaling. */
    static final int TS_WSCALE_MASK = 0xf;
    static final int TS_SACK = 1 << 4;
    /** ECN-capable; jmtcp does not negotiate ECN, so this bit is always written 0. */
    static final int TS_ECN = 1 << 5;
    /** RFC 7323 §2.3: a shift count above 14 is used as 14. */
    static final int MAX_WINDOW_SCALE = 14;

    private static final int H1 = 0;
    private static final int H2 = 1;

    private final long k0;
    private final long k1;

    /** Cookies under the 128-bit secret key {@code k0, k1} (tests and reproducible runs). */
    public SynCookies(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /**
     * Cookies under a fresh 128-bit key from {@link SecureRandom}, drawn once here: RFC 4987 §3.6
     * relies on a secret the attacker cannot know, so that it cannot forge an acceptable ACK.
     */
    public static SynCookies random() {
        SecureRandom random = new SecureRandom();
        return new SynCookies(random.nextLong(), random.nextLong());
    }

    /**
     * The ISS to send in the SYN-ACK answering a SYN from {@code remoteIp:remotePort} to
     * {@code localIp:localPort} (addresses as big-endian ints, ports 0..65535) with sequence
     * number {@code clientIsn} and MSS option {@code clientMss} (pass 536, the RFC 9293 §3.7.1
     * default, when the SYN had none). The MSS is rounded down to a table entry, see
     * {@link #mssIndex}.
     */
    public int issFor(int remoteIp, int remotePort, int localIp, int localPort, int clientIsn,
            int clientMss, long nowNanos) {
        int count = count(nowNanos);
        int ports = ports(remotePort, localPort);
        // RFC 4987 §3.6 with Linux's layout: the tuple hash and the client's ISN hide the rest; the
        // count's low 8 bits stay readable above a 24-bit field that holds the MSS index masked
        // by a count-dependent hash.
        int h1 = (int) SipHash.hash(k0, k1, remoteIp, localIp, ports, 0, H1);
        int h2 = (int) SipHash.hash(k0, k1, remoteIp, localIp, ports, count, H2);
        return h1 + clientIsn + (count << COOKIE_BITS) + ((h2 + mssIndex(clientMss)) & COOKIE_MASK);
    }

    /**
     * Validates the ACK that completes a cookie handshake: {@code clientIsn} is its SEG.SEQ - 1 and
     * {@code iss} its SEG.ACK - 1 (RFC 9293 §3.5: the ACK acknowledges our SYN, ISS + 1). Returns
     * the MSS the cookie carried, one of the table, or -1 when the cookie was not made by this key
     * for this 4-tuple and client ISN, or is older than two periods (or from the future).
     *
     * <p>Like Linux's, the cookie authenticates the tuple and its age, but the MSS index and the
     * client ISN enter by addition, so the index is malleable: whoever saw the SYN-ACK can move the
     * ISS (or the client ISN, the other way) by 1 to 3 and get another table entry. That is
     * harmless, since that party could as well have sent a SYN with the MSS it wanted; any larger
     * change is caught by the 24-bit hash.
     */
    public int check(int remoteIp, int remotePort, int localIp, int localPort, int clientIsn,
            int iss, long nowNanos) {
        int count = count(nowNanos);
        int ports = ports(remotePort, localPort);
        int h1 = (int) SipHash.hash(k0, k1, remoteIp, localIp, ports, 0, H1);
        int cookie = iss - (h1 + clientIsn);
        // The count the cookie claims, as a difference from now modulo 2^8: a cookie from the
        // future wraps to a large age and is refused with the expired ones.
        int age = (count - (cookie >>> COOKIE_BITS)) & (0xffff_ffff >>> COOKIE_BITS);
        if (age >= MAX_AGE) {
            return -1;
        }
        int h2 = (int) SipHash.hash(k0, k1, remoteIp, localIp, ports, count - age, H2);
        int index = (cookie - h2) & COOKIE_MASK;
        // Without the right key, tuple and ISN the index is a uniformly random 24-bit number:
        // an acceptable one turns up with probability 4 / 2^24 for each of the two ages.
        return index < MSS_TABLE_SIZE ? MSS_TABLE[index] : -1;
    }

    /**
     * The TSval to put in a cookie SYN-ACK (when the SYN carried timestamps): {@code tsval} (the
     * timestamp clock now) with its low six bits replaced by the options the ISS cannot hold, as
     * Linux's {@code cookie_init_timestamp}: bits 0-3 the client's window scale shift
     * ({@code windowScale}, -1 when the SYN had no window scale option, which encodes as 0xF;
     * above 14 stored as 14, RFC 7323 §2.3), bit 4 SACK-permitted (RFC 2018 §2), bit 5 ECN
     * (always 0: not negotiated). The client echoes it in the TSecr of its ACK (RFC 7323 §3.2),
     * from which {@link #decodeWindowScale} and {@link #decodeSackPermitted} read them back.
     *
     * <p>The result never exceeds {@code tsval} (it is at most 64 ticks behind): when the options
     * are larger than the clock's low bits, 64 is subtracted. Otherwise our later TSvals, taken from
     * the clock, could be older than the SYN-ACK's, and the peer's PAWS test (RFC 7323 §5.3) would
     * drop those segments; the timestamp clock must not run backwards (RFC 7323 §5.4).
     */
    public static int encodeTimestamp(int tsval, int windowScale, boolean sackPermitted) {
        int options = windowScale < 0 ? TS_WSCALE_MASK : Math.min(windowScale, MAX_WINDOW_SCALE);
        if (sackPermitted) {
            options |= TS_SACK;
        }
        int encoded = (tsval & ~TS_MASK) | options;
        // Compare the low bits rather than the values: the same test, and no wrap-around to mind.
        if (options > (tsval & TS_MASK)) {
            encoded -= 1 << TS_BITS;
        }
        return encoded;
    }

    /**
     * The client's window scale shift count carried in the TSecr of a cookie ACK (see
     * {@link #encodeTimestamp}), or -1 when the SYN had no window scale option (RFC 7323 §2.2: then
     * neither side scales).
     */
    public static int decodeWindowScale(int tsecr) {
        int wscale = tsecr & TS_WSCALE_MASK;
        return wscale == TS_WSCALE_MASK ? -1 : wscale;
    }

    /** Whether the SYN was SACK-permitted (RFC 2018 §2), from the TSecr of a cookie ACK. */
    public static boolean decodeSackPermitted(int tsecr) {
        return (tsecr & TS_SACK) != 0;
    }

    /**
     * The index of the largest table MSS not above {@code clientMss}; 0 (536) when the client's MSS
     * is below every entry, since 536 is what every IPv4 host must accept (RFC 9293 §3.7.1,
     * RFC 1122 §3.3.3) and the table has nothing smaller.
     */
    public static int mssIndex(int clientMss) {
        int index = MSS_TABLE_SIZE - 1;
        while (index > 0 && clientMss < MSS_TABLE[index]) {
            index--;
        }
        return index;
    }

    /** The MSS at {@code index} (0 to {@link #MSS_TABLE_SIZE} - 1) of the cookie table. */
    public static int mssOf(int index) {
        return MSS_TABLE[index];
    }

    /** The cookie clock: 64-second periods, floored so it never steps back across zero. */
    static int count(long nowNanos) {
        return (int) Math.floorDiv(nowNanos, COUNT_PERIOD_NANOS);
    }

    /** Both ports in one word, remote (the SYN's source) high, as Linux hashes them. */
    private static int ports(int remotePort, int localPort) {
        return (remotePort << 16) | (localPort & 0xffff);
    }
}
