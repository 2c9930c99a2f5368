package io.jmtcp.engine.wire;

/**
 * Arithmetic on 32-bit TCP sequence numbers, which wrap modulo 2<sup>32</sup> (RFC 9293 §3.4):
 * {@code a} precedes {@code b} when the signed difference {@code a - b} is negative, which is
 * meaningful while the two are less than 2<sup>31</sup> apart. This is the only place that
 * compares sequence numbers (or anything else that wraps the same way, such as TCP timestamps,
 * RFC 7323 §5.2); nothing else compares them with {@code <}. Stateless; any thread.
 */
public final class SeqNum {

    private SeqNum() {
    }

    /** {@code a < b} modulo 2<sup>32</sup>. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a <= b} modulo 2<sup>32</sup>. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a > b} modulo 2<sup>32</sup>. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a >= b} modulo 2<sup>32</sup>. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /**
     * {@code low <= x < high} on the circle: {@code x} lies in the half-open window that starts at
     * {@code low} and has {@code high - low} (unsigned) numbers. An empty window
     * ({@code low == high}) holds nothing. This is the shape of RFC 9293's acceptability tests,
     * e.g. {@code RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND} (§3.10.7.4).
     */
    public static boolean between(int low, int x, int high) {
        return Integer.compareUnsigned(x - low, high - low) < 0;
    }

    /**
     * {@code low <= x <= high} on the circle: {@code between(low, x, high + 1)}. RFC 9293's
     * acceptable ACK, {@code SND.UNA < SEG.ACK =< SND.NXT} (§3.10.7.4), is
     * {@code betweenInclusive(SND.UNA + 1, SEG.ACK, SND.NXT)}, and, as the RFC means, holds nothing
     * when {@code SND.UNA == SND.NXT} ({@code high == low - 1} is the empty window). When
     * {@code low == high} only that number is inside.
     */
    public static boolean betweenInclusive(int low, int x, int high) {
        return Integer.compareUnsigned(x - low, high + 1 - low) < 0;
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return a - b >= 0 ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return a - b <= 0 ? a : b;
    }

    /** The signed distance {@code a - b}, valid while they are less than 2<sup>31</sup> apart. */
    public static int diff(int a, int b) {
        return a - b;
    }
}
