package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/**
 * The Internet checksum of RFC 1071: the 16-bit ones'-complement of the ones'-complement sum of
 * the data taken as big-endian 16-bit words, a final odd byte padded on the right with zero.
 *
 * <p>A <em>partial sum</em> is the not yet complemented sum folded to 16 bits (0..0xffff); partial
 * sums chain by passing one as the {@code initialSum} of the next call, and add with {@code +}
 * (fold afterwards). Summation reads eight bytes at a time and adds their 32-bit halves into a
 * {@code long}: because 2<sup>16</sup> &#8801; 1 (mod 0xffff), a sum of 32-bit words folds to the
 * same value as a sum of 16-bit words (RFC 1071 §2(C), "parallel summation"). Incremental update
 * follows RFC 1624 eqn. 3. Stateless and allocation-free; any thread.
 */
public final class Checksum {

    private Checksum() {
    }

    /**
     * Adds {@code length} bytes at absolute {@code offset} to {@code initialSum}, treating the first
     * byte as the high byte of a 16-bit word (the chunk starts at an even position of the
     * checksummed data). A final odd byte counts as a high byte padded with zero, so chain an
     * odd-length chunk only with {@link #partial(ByteBuffer, int, int, int, boolean)}.
     *
     * @param initialSum a partial sum, or any non-negative int
     * @return the partial sum, folded to 16 bits
     */
    public static int partial(ByteBuffer buffer, int offset, int length, int initialSum) {
        return fold(sum(buffer, offset, length) + (initialSum & 0xffffffffL));
    }

    /**
     * As {@link #partial(ByteBuffer, int, int, int)}, for a chunk that may start at an odd position
     * of the checksummed data: when {@code oddStart} the chunk's first byte is the low byte of the
     * word whose high byte ended the previous chunk. By RFC 1071 §2(B) (byte order independence)
     * a sum taken one byte out of step is the byte-swap of the sum taken in step.
     *
     * @param oddStart whether the data summed before this chunk had an odd length
     */
    public static int partial(ByteBuffer buffer, int offset, int length, int initialSum, boolean oddStart) {
        int chunk = fold(sum(buffer, offset, length));
        if (oddStart) {
            chunk = ((chunk << 8) | (chunk >>> 8)) & 0xffff;
        }
        return fold(chunk + (initialSum & 0xffffffffL));
    }

    /** The final checksum of one contiguous range: the complement of its folded sum. */
    public static int compute(ByteBuffer buffer, int offset, int length) {
        return ~fold(sum(buffer, offset, length)) & 0xffff;
    }

    /**
     * Folds a ones'-complement accumulation to 16 bits by end-around carry. The result is not
     * complemented; a non-zero sum never folds to zero.
     */
    public static int fold(long sum) {
        // 64 -> 33 bits -> 32 bits; then 32 -> 17 -> 16 bits. Each step keeps the value mod 0xffff.
        long s = (sum & 0xffffffffL) + (sum >>> 32);
        s = (s & 0xffffffffL) + (s >>> 32);
        int t = (int) ((s & 0xffff) + ((s >>> 16) & 0xffff) + (s >>> 32));
        t = (t & 0xffff) + (t >>> 16);
        return (t & 0xffff) + (t >>> 16);
    }

    /**
     * The partial sum of the IPv4 pseudo-header used by TCP and UDP (RFC 9293 §3.1, RFC 768):
     * source and destination addresses, zero, protocol, and the transport length.
     */
    public static int pseudoHeader(int sourceAddress, int destinationAddress, int protocol, int length) {
        long sum = (sourceAddress >>> 16) + (sourceAddress & 0xffff)
                + (destinationAddress >>> 16) + (destinationAddress & 0xffff)
                + (protocol & 0xff) + (length & 0xffff);
        return fold(sum);
    }

    /**
     * Incrementally updates a checksum after one 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord}: RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}, which,
     * unlike eqn. 2 of RFC 1141, never yields 0x0000 where a recomputation yields 0xffff.
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        long sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /**
     * RFC 1624 eqn. 3 for a 32-bit field (an IPv4 address, a sequence number): the update for
     * both of its 16-bit words at once.
     */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long sum = (~oldChecksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** The unfolded sum of a range: 32-bit big-endian words added into a long, tail handled. */
    private static long sum(ByteBuffer buffer, int offset, int length) {
        long a = 0;
        long b = 0;
        int i = offset;
        int end = offset + length;
        // Two accumulators so the two adds per word of consecutive iterations do not wait on
        // each other; each add is < 2^33, so 2^30 iterations fit a long before any fold.
        for (int last = end - 16; i <= last; i += 16) {
            long v = Bytes.i64(buffer, i);
            long w = Bytes.i64(buffer, i + 8);
            a += (v >>> 32) + (v & 0xffffffffL);
            b += (w >>> 32) + (w & 0xffffffffL);
        }
        a += b;
        if (end - i >= 8) {
            long v = Bytes.i64(buffer, i);
            a += (v >>> 32) + (v & 0xffffffffL);
            i += 8;
        }
        if (end - i >= 4) {
            a += Bytes.i32(buffer, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            a += Bytes.u16(buffer, i);
            i += 2;
        }
        if (i < end) {
            a += Bytes.u8(buffer, i) << 8;
        }
        return a;
    }
}
