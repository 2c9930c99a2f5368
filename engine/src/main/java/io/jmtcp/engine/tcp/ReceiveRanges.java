package io.jmtcp.engine.tcp;

import io.jmtcp.engine.wire.SeqNum;
import io.jmtcp.engine.wire.TcpOptions;

/**
 * The receiver's record of out-of-order data held above RCV.NXT, as disjoint sequence ranges, and
 * the source of the SACK blocks it reports (RFC 2018 §4) and of an optional D-SACK block
 * (RFC 2883 §4). The bytes themselves live in the receive buffer, placed there by the caller; this
 * class only knows which ranges [start, end) are held. Ranges are kept sorted by sequence number
 * (compared with {@link SeqNum}, so a set of ranges may straddle 2<sup>32</sup>) and merged when
 * they overlap or touch, and each carries a recency stamp: the order in which segments last
 * arrived into it, which is the order RFC 2018 §4 reports blocks in. Capacity is fixed at
 * construction; nothing allocates afterwards. Owned by the engine thread of its connection; not
 * thread-safe.
 */
public final class ReceiveRanges {

    private final int maxRanges;
    /** Left edges, ascending in sequence space. */
    private final int[] start;
    /** Right edges (first sequence number after the range), parallel to {@link #start}. */
    private final int[] end;
    /** When a segment last arrived into each range: larger is more recent, all distinct. */
    private final long[] stamp;
    private int count;
    private long clock;

    private boolean duplicatePending;
    private int duplicateStart;
    private int duplicateEnd;

    /**
     * @param maxRanges most disjoint ranges held at once (e.g. 16); a segment that would need
     *     more is refused by {@link #add}
     */
    public ReceiveRanges(int maxRanges) {
        if (maxRanges < 1) {
            throw new IllegalArgumentException("maxRanges must be at least 1, was " + maxRanges);
        }
        this.maxRanges = maxRanges;
        this.start = new int[maxRanges];
        this.end = new int[maxRanges];
        this.stamp = new long[maxRanges];
    }

    /**
     * Records that [start, end) has been received above RCV.NXT and placed in the receive buffer.
     * It merges with every range it overlaps or touches, and the range holding it becomes the most
     * recently received one, reported first by {@link #fillSackBlocks} (RFC 2018 §4: the first
     * block contains the segment that triggered the ACK), even when it was wholly a duplicate.
     * An empty range records nothing and returns true.
     *
     * @return false, recording nothing, when the range touches no held range and
     *     {@code maxRanges} ranges are already held: the caller drops the segment and counts it
     */
    public boolean add(int start, int end) {
        if (!SeqNum.lt(start, end)) {
            return true;
        }
        // first range that ends at or after the new start: everything before it lies wholly below
        int i = 0;
        while (i < count && SeqNum.lt(this.end[i], start)) {
            i++;
        }
        // ranges i..j-1 overlap or touch [start, end)
        int j = i;
        while (j < count && SeqNum.le(this.start[j], end)) {
            j++;
        }
        if (i == j) {
            if (count == maxRanges) {
                return false;
            }
            int move = count - i;
            System.arraycopy(this.start, i, this.start, i + 1, move);
            System.arraycopy(this.end, i, this.end, i + 1, move);
            System.arraycopy(this.stamp, i, this.stamp, i + 1, move);
            this.start[i] = start;
            this.end[i] = end;
            this.stamp[i] = ++clock;
            count++;
            return true;
        }
        this.start[i] = SeqNum.min(start, this.start[i]);
        this.end[i] = SeqNum.max(end, this.end[j - 1]);
        this.stamp[i] = ++clock;
        removeRange(i + 1, j);
        return true;
    }

    /**
     * Called after in-order data advanced RCV.NXT to {@code rcvNxt}: every range that now starts
     * at or below it has become contiguous with the in-order data (or was overtaken by it) and is
     * forgotten.
     *
     * @return the new RCV.NXT: the end of the last range that became contiguous, if it lies
     *     beyond {@code rcvNxt}, else {@code rcvNxt}
     */
    public int advance(int rcvNxt) {
        int removed = 0;
        while (removed < count && SeqNum.le(start[removed], rcvNxt)) {
            rcvNxt = SeqNum.max(rcvNxt, end[removed]);
            removed++;
        }
        removeRange(0, removed);
        return rcvNxt;
    }

    /**
     * Asks that the next {@link #fillSackBlocks} report [start, end) as a D-SACK block: a
     * duplicate segment the receiver got (RFC 2883 §4). It goes first in that one report only;
     * a later call replaces an unreported one.
     */
    public void reportDuplicate(int start, int end) {
        if (!SeqNum.lt(start, end)) {
            return;
        }
        duplicatePending = true;
        duplicateStart = start;
        duplicateEnd = end;
    }

    /** Whether a D-SACK block waits for the next {@link #fillSackBlocks}. */
    public boolean hasPendingDuplicate() {
        return duplicatePending;
    }

    /**
     * Clears {@code out}'s SACK blocks and fills them as RFC 2018 §4 orders them: first the range
     * holding the most recently received segment, then the others from the most to the least
     * recently received, which is the order in which they were last reported first. Ranges are
     * disjoint, so none is a subset of another already included. When a D-SACK block is pending
     * it goes first (RFC 2883 §4), followed by the held range that contains it, if any; it is
     * then forgotten.
     *
     * @param maxBlocks most blocks to put, e.g. 3 beside timestamps and 4 without (RFC 2018 §3);
     *     capped at {@link TcpOptions#MAX_SACK_BLOCKS}
     * @return the number of blocks put into {@code out}
     */
    public int fillSackBlocks(TcpOptions out, int maxBlocks) {
        out.clearSackBlocks();
        int limit = Math.min(maxBlocks, TcpOptions.MAX_SACK_BLOCKS);
        if (limit <= 0) {
            return 0;
        }
        int filled = 0;
        int skip = -1;
        if (duplicatePending) {
            duplicatePending = false;
            out.addSackBlock(duplicateStart, duplicateEnd);
            filled++;
            // RFC 2883 §4: a duplicate from a larger block above the cumulative ACK is followed
            // by that larger block
            int holder = indexContaining(duplicateStart, duplicateEnd);
            if (holder >= 0 && filled < limit) {
                out.addSackBlock(start[holder], end[holder]);
                filled++;
                skip = holder;
            }
        }
        long below = Long.MAX_VALUE;
        while (filled < limit) {
            int best = -1;
            long bestStamp = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                long s = stamp[i];
                if (i != skip && s < below && s > bestStamp) {
                    best = i;
                    bestStamp = s;
                }
            }
            if (best < 0) {
                break;
            }
            out.addSackBlock(start[best], end[best]);
            filled++;
            below = bestStamp;
        }
        return filled;
    }

    /** Bytes held above RCV.NXT: the sum of the ranges' lengths. */
    public int bytesHeld() {
        int bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += end[i] - start[i];
        }
        return bytes;
    }

    /** Disjoint ranges held. */
    public int rangeCount() {
        return count;
    }

    /** The most ranges held at once. */
    public int maxRanges() {
        return maxRanges;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Forgets every range and any pending D-SACK block. */
    public void clear() {
        count = 0;
        duplicatePending = false;
    }

    /** Whether [start, end) lies wholly inside one held range; an empty range is never held. */
    public boolean contains(int start, int end) {
        return indexContaining(start, end) >= 0;
    }

    /** Left edge of range {@code i}, 0-based in ascending sequence order. */
    public int rangeStart(int i) {
        return start[i];
    }

    /** Right edge of range {@code i}, 0-based in ascending sequence order. */
    public int rangeEnd(int i) {
        return end[i];
    }

    private int indexContaining(int start, int end) {
        if (!SeqNum.lt(start, end)) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            if (SeqNum.le(this.start[i], start) && SeqNum.ge(this.end[i], end)) {
                return i;
            }
        }
        return -1;
    }

    /** Removes ranges [from, to) by moving the later ones down. */
    private void removeRange(int from, int to) {
        int gone = to - from;
        if (gone <= 0) {
            return;
        }
        int move = count - to;
        System.arraycopy(start, to, start, from, move);
        System.arraycopy(end, to, end, from, move);
        System.arraycopy(stamp, to, stamp, from, move);
        count -= gone;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ReceiveRanges[");
        for (int i = 0; i < count; i++) {
            s.append(' ').append(Integer.toUnsignedString(start[i])).append('-')
                    .append(Integer.toUnsignedString(end[i]));
        }
        return s.append(" ]").toString();
    }
}
