package io.jmtcp.engine.tcp;

import io.jmtcp.engine.wire.SeqNum;
import io.jmtcp.engine.wire.TcpOptions;

/**
 * The data sender's SACK scoreboard and the loss-recovery queries of RFC 6675 (a conservative
 * SACK-based loss recovery algorithm): {@code Update()} is {@link #onAck}, {@code IsLost()} is
 * {@link #isLost}, {@code SetPipe()} is {@link #pipe} and {@code NextSeg()} is {@link #nextSeg}
 * (RFC 6675 §4). It holds the SACKed ranges above SND.UNA (HighACK) as disjoint, sorted
 * [start, end) ranges compared with {@link SeqNum}, so they may straddle 2<sup>32</sup>.
 *
 * <p>Sequence conventions: RFC 6675 names octets (HighACK is the highest octet acknowledged,
 * new data starts at HighData + 1); this class takes TCP's usual "next" numbers instead:
 * {@code sndUna} = HighACK + 1, {@code sndNxt} = HighData + 1, and {@code highRxt} and
 * {@code rescueRxt} are one past the RFC's HighRxt and RescueRxt (the end of the last
 * retransmitted segment). Pass {@code highRxt = sndUna} when nothing has been retransmitted in
 * this recovery, and {@code rescueRxt} anywhere before {@code sndUna} while RescueRxt is undefined.
 *
 * <p>The recovery state itself (RecoveryPoint, HighRxt, RescueRxt, cwnd) belongs to the caller
 * (RFC 6675 §5); after a retransmission timeout the caller should {@link #reset} this board, as
 * RFC 2018 §8 and RFC 6675 §5.1 advise against trusting SACK information across a timeout.
 * Capacity is fixed at construction; nothing allocates afterwards. Owned by the engine thread of
 * its connection; not thread-safe.
 */
public final class SackScoreboard {

    /** DupThresh of RFC 6675 §2 (and RFC 5681 §3.2). */
    public static final int DUP_THRESH = 3;

    /** {@link #nextSeg} found nothing to send. */
    public static final long NONE = -1L;

    /** {@link #nextSegRule()} when {@link #nextSeg} returned {@link #NONE}. */
    public static final int RULE_NONE = 0;
    /** NextSeg rule (1): the first segment of a hole judged lost, above HighRxt. */
    public static final int RULE_LOST = 1;
    /** NextSeg rule (2): new data at SND.NXT. */
    public static final int RULE_NEW_DATA = 2;
    /** NextSeg rule (3): the first segment of a hole above HighRxt, not (yet) judged lost. */
    public static final int RULE_UNSACKED = 3;
    /**
     * NextSeg rule (4): the rescue retransmission of the highest unSACKed data; the caller sets
     * RescueRxt to RecoveryPoint and leaves HighRxt alone (RFC 6675 §4, §5 (C.2)).
     */
    public static final int RULE_RESCUE = 4;

    private final int maxRanges;
    private final int[] start;
    private final int[] end;
    private int count;
    /** SND.UNA as last given to {@link #reset} or {@link #onAck}: RFC 6675's HighACK + 1. */
    private int highAck;
    private int sackedBytes;
    private int newlySacked;
    private boolean duplicateReported;
    private long blocksDropped;

    private int nextSegRule;
    private int nextSegLength;

    /**
     * @param maxRanges most disjoint SACKed ranges remembered (e.g. 32); a SACK block that would
     *     need more is ignored and counted by {@link #blocksDropped()}, which only makes recovery
     *     retransmit more than needed, never less
     */
    public SackScoreboard(int maxRanges) {
        if (maxRanges < 1) {
            throw new IllegalArgumentException("maxRanges must be at least 1, was " + maxRanges);
        }
        this.maxRanges = maxRanges;
        this.start = new int[maxRanges];
        this.end = new int[maxRanges];
    }

    /** Forgets every SACKed range; HighACK + 1 becomes {@code sndUna}. */
    public void reset(int sndUna) {
        count = 0;
        highAck = sndUna;
        sackedBytes = 0;
        newlySacked = 0;
        duplicateReported = false;
    }

    /**
     * RFC 6675 §4 Update(): takes an acceptable ACK. Everything below {@code sndUna} is dropped
     * (cumulatively acknowledged), then each SACK block of {@code opts} is merged. A block is
     * used only when it is non-empty and its right edge lies in (sndUna, sndNxt]; its part below
     * {@code sndUna} is cut off. A first block starting below {@code sndUna}, or lying inside the
     * second, is a D-SACK (RFC 2883 §4): it adds nothing new here and is remembered in
     * {@link #duplicateReported()}.
     * {@link #newlySackedBytes()} tells how much this ACK SACKed that was not SACKed before,
     * which is what makes it a duplicate acknowledgment in RFC 6675 §2's sense.
     */
    public void onAck(int sndUna, int sndNxt, TcpOptions opts) {
        dropBelow(sndUna);
        int before = sackedBytes;
        int blocks = opts.sackBlockCount();
        duplicateReported = false;
        if (blocks > 0) {
            int left0 = opts.sackLeft(0);
            int right0 = opts.sackRight(0);
            // a receiver reports nothing below its RCV.NXT except a D-SACK (RFC 2883 §4)
            duplicateReported = SeqNum.lt(left0, sndUna)
                    || blocks > 1 && SeqNum.le(opts.sackLeft(1), left0) && SeqNum.le(right0, opts.sackRight(1));
        }
        for (int b = 0; b < blocks; b++) {
            int left = opts.sackLeft(b);
            int right = opts.sackRight(b);
            // the right edge must lie in (sndUna, sndNxt]: data we sent and is not yet acknowledged
            if (!SeqNum.betweenInclusive(sndUna + 1, right, sndNxt) || !SeqNum.lt(left, right)) {
                continue;
            }
            // right - sndUna < 2^31 and right - left < 2^31, so max() compares left and sndUna
            // correctly; a part below SND.UNA (a D-SACK straddling it, or a stale edge) is cut off
            insert(SeqNum.max(left, sndUna), right);
        }
        sackedBytes = sum();
        newlySacked = sackedBytes - before;
    }

    /**
     * Whether {@code seq} has been SACKed (and not yet cumulatively acknowledged).
     */
    public boolean isSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (SeqNum.lt(seq, start[i])) {
                return false;
            }
            if (SeqNum.lt(seq, end[i])) {
                return true;
            }
        }
        return false;
    }

    /** Bytes SACKed above SND.UNA. */
    public int sackedBytes() {
        return sackedBytes;
    }

    /** Bytes that the last {@link #onAck} SACKed which were not SACKed before it. */
    public int newlySackedBytes() {
        return newlySacked;
    }

    /** Whether the last {@link #onAck} carried a D-SACK block (RFC 2883 §4). */
    public boolean duplicateReported() {
        return duplicateReported;
    }

    /** SACK blocks ignored because {@code maxRanges} ranges were already held. */
    public long blocksDropped() {
        return blocksDropped;
    }

    /** SND.UNA as last given to {@link #reset} or {@link #onAck} (RFC 6675's HighACK + 1). */
    public int highAck() {
        return highAck;
    }

    /**
     * One past the highest SACKed octet (the highest right edge), or SND.UNA (see
     * {@link #highAck()}) when nothing is SACKed.
     */
    public int highestSacked() {
        return count == 0 ? highAck : end[count - 1];
    }

    /** Whether any octet after {@code seq} (greater than it) has been SACKed. */
    public boolean hasSackedAbove(int seq) {
        return count > 0 && SeqNum.gt(end[count - 1], seq + 1);
    }

    /**
     * The number of discontiguous SACKed sequences (ranges) holding an octet greater than
     * {@code seq}: the first count in RFC 6675's IsLost().
     */
    public int sackedRangesAbove(int seq) {
        int above = 0;
        for (int i = count - 1; i >= 0 && SeqNum.gt(end[i], seq + 1); i--) {
            above++;
        }
        return above;
    }

    /** SACKed octets with a sequence number greater than {@code seq}. */
    public int sackedBytesAbove(int seq) {
        int bytes = 0;
        int after = seq + 1;
        for (int i = count - 1; i >= 0 && SeqNum.gt(end[i], after); i--) {
            bytes += end[i] - SeqNum.max(start[i], after);
        }
        return bytes;
    }

    /**
     * RFC 6675 §4 IsLost(SeqNum): true when DupThresh discontiguous SACKed sequences lie above
     * {@code seq}, or more than (DupThresh - 1) * SMSS SACKed octets do.
     */
    public boolean isLost(int seq, int smss) {
        return sackedRangesAbove(seq) >= DUP_THRESH || sackedBytesAbove(seq) > lostBytesThreshold(smss);
    }

    /**
     * RFC 6675 §4 SetPipe(): the octets in flight. For each unSACKed octet S1 from
     * {@code sndUna} to {@code sndNxt}: one if IsLost(S1) is false, and one more if S1 has been
     * retransmitted (lies below {@code highRxt}). IsLost is the same for every octet of a hole
     * (all SACKed ranges above a hole lie wholly above each of its octets), so the sum is taken
     * hole by hole: exact per octet, at the cost of one pass over the ranges.
     *
     * @param highRxt one past the highest octet retransmitted in this recovery, or {@code sndUna}
     */
    public int pipe(int sndUna, int sndNxt, int highRxt, int smss) {
        int threshold = lostBytesThreshold(smss);
        int rxtEnd = SeqNum.min(SeqNum.max(highRxt, sndUna), sndNxt);
        // what is SACKed above the hole being summed: starts as everything inside [sndUna, sndNxt)
        int rangesAbove = 0;
        int bytesAbove = 0;
        for (int i = 0; i < count; i++) {
            int s = SeqNum.max(start[i], sndUna);
            int e = SeqNum.min(end[i], sndNxt);
            if (SeqNum.lt(s, e)) {
                rangesAbove++;
                bytesAbove += e - s;
            }
        }
        int pipe = 0;
        int holeStart = sndUna;
        for (int i = 0; i < count; i++) {
            int s = SeqNum.max(start[i], sndUna);
            int e = SeqNum.min(end[i], sndNxt);
            if (!SeqNum.lt(s, e)) {
                continue;
            }
            boolean lost = rangesAbove >= DUP_THRESH || bytesAbove > threshold;
            pipe += holeInFlight(holeStart, s, lost, rxtEnd);
            rangesAbove--;
            bytesAbove -= e - s;
            holeStart = e;
        }
        // above the highest SACKed octet nothing is SACKed, so nothing there is lost
        if (SeqNum.lt(holeStart, sndNxt)) {
            pipe += holeInFlight(holeStart, sndNxt, false, rxtEnd);
        }
        return pipe;
    }

    private static int holeInFlight(int from, int to, boolean lost, int rxtEnd) {
        int inFlight = lost ? 0 : to - from;
        // (b.b): octets at or below HighRxt count once more, for their retransmission
        if (SeqNum.lt(from, rxtEnd)) {
            inFlight += SeqNum.min(to, rxtEnd) - from;
        }
        return inFlight;
    }

    /**
     * RFC 6675 §4 NextSeg(): what to send next during loss recovery.
     * <ol>
     * <li>the smallest unSACKed octet S2 above HighRxt, below the highest SACKed octet, with
     * IsLost(S2);</li>
     * <li>else, when {@code canSendNewData} (unsent data exists and the receive window allows
     * it), new data at {@code sndNxt};</li>
     * <li>else the smallest unSACKed octet meeting (1)'s first two criteria but not IsLost;</li>
     * <li>else, once per recovery (HighACK above RescueRxt), a rescue retransmission of the
     * segment ending at the highest unSACKed outstanding octet.</li>
     * </ol>
     * Since IsLost only becomes true going down in sequence, rules (1) and (3) look at the same
     * octet: the first unSACKed one at or after max(sndUna, highRxt).
     *
     * <p>The result is a {@code long} so that every 32-bit sequence number stays a valid answer:
     * {@link #NONE} when there is nothing to send, else the starting sequence number
     * zero-extended ({@code int seq = (int) result}). {@link #nextSegRule()} tells which rule
     * chose it ({@link #nextSegIsNew()} for rule (2)), and {@link #nextSegLength()} its length:
     * up to {@code smss}, ending where the hole ends for a retransmission; exactly {@code smss}
     * for new data, which the caller trims to the data and window it has. Per RFC 6675 §5 the
     * caller then sets HighRxt to the end of a retransmission of rule (1) or (3), RescueRxt to
     * RecoveryPoint after rule (4), and SND.NXT after rule (2).
     *
     * @param highRxt one past the highest octet retransmitted in this recovery, or {@code sndUna}
     * @param rescueRxt one past the RFC's RescueRxt (RecoveryPoint after a rescue), or any
     *     sequence number before {@code sndUna} while undefined
     */
    public long nextSeg(int sndUna, int sndNxt, int highRxt, int rescueRxt, int smss, boolean canSendNewData) {
        int from = SeqNum.max(sndUna, highRxt);
        // the first unSACKed octet at or after `from` below the highest SACKed octet: (1.a), (1.b)
        int candidate = from;
        int holeEnd = 0;
        int candidateIndex = -1;
        int bytesAbove = sackedBytes;
        for (int i = 0; i < count; i++) {
            int s = start[i];
            int e = end[i];
            if (SeqNum.gt(s, candidate)) {
                candidateIndex = i;
                holeEnd = s;
                break;
            }
            bytesAbove -= e - s;
            if (SeqNum.lt(candidate, e)) {
                candidate = e;
            }
        }
        if (candidateIndex >= 0 && SeqNum.lt(candidate, sndNxt)) {
            // every range from candidateIndex up lies wholly above the candidate octet
            boolean lost = count - candidateIndex >= DUP_THRESH || bytesAbove > lostBytesThreshold(smss);
            if (lost) {
                return chosen(RULE_LOST, candidate, SeqNum.min(holeEnd, sndNxt), smss);
            }
        } else {
            candidateIndex = -1;
        }
        if (canSendNewData) {
            nextSegRule = RULE_NEW_DATA;
            nextSegLength = smss;
            return sndNxt & 0xFFFF_FFFFL;
        }
        if (candidateIndex >= 0) {
            return chosen(RULE_UNSACKED, candidate, SeqNum.min(holeEnd, sndNxt), smss);
        }
        // (4): rescue once per recovery, when HighACK > RescueRxt
        if (SeqNum.gt(sndUna, rescueRxt) && SeqNum.lt(sndUna, sndNxt)) {
            int holeTop = sndNxt;
            int holeBottom = sndUna;
            if (count > 0) {
                int last = count - 1;
                if (SeqNum.ge(end[last], sndNxt)) {
                    holeTop = start[last];
                    holeBottom = last > 0 ? end[last - 1] : sndUna;
                } else {
                    holeBottom = end[last];
                }
                holeBottom = SeqNum.max(holeBottom, sndUna);
            }
            if (SeqNum.lt(holeBottom, holeTop)) {
                int first = SeqNum.max(holeBottom, holeTop - smss);
                return chosen(RULE_RESCUE, first, holeTop, smss);
            }
        }
        nextSegRule = RULE_NONE;
        nextSegLength = 0;
        return NONE;
    }

    private long chosen(int rule, int seq, int limit, int smss) {
        nextSegRule = rule;
        nextSegLength = Math.min(smss, limit - seq);
        return seq & 0xFFFF_FFFFL;
    }

    /** Which NextSeg rule chose the last {@link #nextSeg} answer: {@code RULE_*}. */
    public int nextSegRule() {
        return nextSegRule;
    }

    /** Whether the last {@link #nextSeg} answer is new data at SND.NXT (rule (2)). */
    public boolean nextSegIsNew() {
        return nextSegRule == RULE_NEW_DATA;
    }

    /** Whether the last {@link #nextSeg} answer is a rescue retransmission (rule (4)). */
    public boolean nextSegIsRescue() {
        return nextSegRule == RULE_RESCUE;
    }

    /** Octets of the last {@link #nextSeg} answer; 0 after {@link #NONE}. */
    public int nextSegLength() {
        return nextSegLength;
    }

    /** Disjoint SACKed ranges held. */
    public int rangeCount() {
        return count;
    }

    /** The most ranges held at once. */
    public int maxRanges() {
        return maxRanges;
    }

    /** Left edge of SACKed range {@code i}, 0-based in ascending sequence order. */
    public int rangeStart(int i) {
        return start[i];
    }

    /** Right edge of SACKed range {@code i}, 0-based in ascending sequence order. */
    public int rangeEnd(int i) {
        return end[i];
    }

    private static int lostBytesThreshold(int smss) {
        return (DUP_THRESH - 1) * smss;
    }

    /** Forgets what SND.UNA now covers: whole ranges below it, and the part of one it cuts. */
    private void dropBelow(int sndUna) {
        if (count > 0 && SeqNum.lt(start[0], sndUna)) {
            int gone = 0;
            while (gone < count && SeqNum.le(end[gone], sndUna)) {
                gone++;
            }
            int move = count - gone;
            System.arraycopy(start, gone, start, 0, move);
            System.arraycopy(end, gone, end, 0, move);
            count = move;
            if (count > 0 && SeqNum.lt(start[0], sndUna)) {
                start[0] = sndUna;
            }
        }
        highAck = sndUna;
        sackedBytes = sum();
    }

    /** Merges [left, right) into the sorted ranges, or counts it dropped when full. */
    private void insert(int left, int right) {
        int i = 0;
        while (i < count && SeqNum.lt(end[i], left)) {
            i++;
        }
        int j = i;
        while (j < count && SeqNum.le(start[j], right)) {
            j++;
        }
        if (i == j) {
            if (count == maxRanges) {
                blocksDropped++;
                return;
            }
            int move = count - i;
            System.arraycopy(start, i, start, i + 1, move);
            System.arraycopy(end, i, end, i + 1, move);
            start[i] = left;
            end[i] = right;
            count++;
            return;
        }
        start[i] = SeqNum.min(left, start[i]);
        end[i] = SeqNum.max(right, end[j - 1]);
        int gone = j - i - 1;
        if (gone > 0) {
            System.arraycopy(start, j, start, i + 1, count - j);
            System.arraycopy(end, j, end, i + 1, count - j);
            count -= gone;
        }
    }

    private int sum() {
        int bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += end[i] - start[i];
        }
        return bytes;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("SackScoreboard[una=").append(Integer.toUnsignedString(highAck));
        for (int i = 0; i < count; i++) {
            s.append(' ').append(Integer.toUnsignedString(start[i])).append('-')
                    .append(Integer.toUnsignedString(end[i]));
        }
        return s.append(" ]").toString();
    }
}
