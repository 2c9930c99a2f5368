package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.SackScoreboard.NONE;
import static io.jmtcp.engine.tcp.SackScoreboard.RULE_LOST;
import static io.jmtcp.engine.tcp.SackScoreboard.RULE_NEW_DATA;
import static io.jmtcp.engine.tcp.SackScoreboard.RULE_NONE;
import static io.jmtcp.engine.tcp.SackScoreboard.RULE_RESCUE;
import static io.jmtcp.engine.tcp.SackScoreboard.RULE_UNSACKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.wire.TcpOptions;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6675 step by step. Every scenario is a flight of ten segments of SMSS = 1000 bytes,
 * segment k (1-based) starting at {@code seg(k)}; ten segments outstanding means
 * SND.NXT = {@code seg(11)}. Most scenarios run at several bases, so that the flight also
 * straddles 2<sup>32</sup> and 2<sup>31</sup>.
 */
class SackScoreboardTest {

    private static final int SMSS = 1000;

    private final SackScoreboard board = new SackScoreboard(32);
    private final TcpOptions options = new TcpOptions();
    private int base = 1_000_000;
    private int sndNxt;

    private int seg(int k) {
        return base + (k - 1) * SMSS;
    }

    private void start(int base, int sndUnaSegment) {
        this.base = base;
        this.sndNxt = seg(11);
        board.reset(seg(sndUnaSegment));
    }

    /** An ACK of {@code una} carrying SACK blocks given as pairs of segment numbers [from, to). */
    private void ackSegments(int una, int... blockSegments) {
        options.clear();
        for (int b = 0; b < blockSegments.length; b += 2) {
            options.addSackBlock(seg(blockSegments[b]), seg(blockSegments[b + 1]));
        }
        board.onAck(una, sndNxt, options);
    }

    /** An ACK of {@code una} carrying SACK blocks with raw edges. */
    private void ackRaw(int una, int... edges) {
        options.clear();
        for (int b = 0; b < edges.length; b += 2) {
            options.addSackBlock(edges[b], edges[b + 1]);
        }
        board.onAck(una, sndNxt, options);
    }

    private int nextSeg(int sndUna, int highRxt, int rescueRxt, boolean canSendNewData) {
        long next = board.nextSeg(sndUna, sndNxt, highRxt, rescueRxt, SMSS, canSendNewData);
        assertThat(next).isNotEqualTo(NONE);
        assertThat(next >>> 32).as("zero-extended").isZero();
        return (int) next;
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000, 0xFFFFF000, 0x7FFFF000, 0xFFFFDC00})
    void singleLossIsDeclaredAfterThreeSackedSegmentsAndRetransmittedFirst(int at) {
        start(at, 1);
        ackSegments(seg(3)); // segments 1 and 2 arrive; 3 is lost
        assertThat(board.rangeCount()).isZero();
        assertThat(board.highestSacked()).isEqualTo(seg(3));
        assertThat(board.pipe(seg(3), sndNxt, seg(3), SMSS)).isEqualTo(8 * SMSS);

        // segment 4: one SACKed segment above 3, not lost; SetPipe counts every unSACKed octet
        ackSegments(seg(3), 4, 5);
        assertThat(board.newlySackedBytes()).isEqualTo(SMSS);
        assertThat(board.isLost(seg(3), SMSS)).isFalse();
        assertThat(board.pipe(seg(3), sndNxt, seg(3), SMSS)).isEqualTo(7 * SMSS);

        // segment 5: 2 * SMSS SACKed above, still not more than (DupThresh - 1) * SMSS
        ackSegments(seg(3), 4, 6);
        assertThat(board.isLost(seg(3), SMSS)).isFalse();
        assertThat(board.isLost(seg(4) - 1, SMSS)).as("last octet of the hole").isFalse();
        assertThat(board.pipe(seg(3), sndNxt, seg(3), SMSS)).isEqualTo(6 * SMSS);

        // segment 6: the third SACKed segment makes segment 3 lost (RFC 6675 §4 IsLost)
        ackSegments(seg(3), 4, 7);
        assertThat(board.rangeCount()).isEqualTo(1);
        assertThat(board.sackedBytes()).isEqualTo(3 * SMSS);
        assertThat(board.highestSacked()).isEqualTo(seg(7));
        assertThat(board.isLost(seg(3), SMSS)).isTrue();
        assertThat(board.isLost(seg(4) - 1, SMSS)).isTrue();
        assertThat(board.isLost(seg(7), SMSS)).as("above every SACK").isFalse();
        // lost segment 3 counts nothing; segments 7..10 are in flight
        assertThat(board.pipe(seg(3), sndNxt, seg(3), SMSS)).isEqualTo(4 * SMSS);

        // NextSeg rule (1) first, even when new data could go
        assertThat(nextSeg(seg(3), seg(3), seg(3) - 1, true)).isEqualTo(seg(3));
        assertThat(board.nextSegRule()).isEqualTo(RULE_LOST);
        assertThat(board.nextSegLength()).isEqualTo(SMSS);
        assertThat(board.nextSegIsNew()).isFalse();

        // RFC 6675 §5 (4.3): HighRxt and RescueRxt become the end of the retransmission
        int highRxt = seg(4);
        int rescueRxt = seg(4);
        // the retransmission is in flight again: (b.b) counts it
        assertThat(board.pipe(seg(3), sndNxt, highRxt, SMSS)).isEqualTo(5 * SMSS);

        // nothing left to retransmit: new data when the window allows (rule 2) ...
        assertThat(nextSeg(seg(3), highRxt, rescueRxt, true)).isEqualTo(sndNxt);
        assertThat(board.nextSegIsNew()).isTrue();
        assertThat(board.nextSegRule()).isEqualTo(RULE_NEW_DATA);
        assertThat(board.nextSegLength()).isEqualTo(SMSS);
        // ... and otherwise nothing: no rescue before HighACK passes RescueRxt
        assertThat(board.nextSeg(seg(3), sndNxt, highRxt, rescueRxt, SMSS, false)).isEqualTo(NONE);
        assertThat(board.nextSegRule()).isEqualTo(RULE_NONE);
        assertThat(board.nextSegLength()).isZero();

        // SACKs for 7..10 arrive; only the retransmission remains in flight
        for (int k = 7; k <= 10; k++) {
            ackSegments(seg(3), 4, k + 1);
            assertThat(board.newlySackedBytes()).isEqualTo(SMSS);
        }
        assertThat(board.sackedBytes()).isEqualTo(7 * SMSS);
        assertThat(board.pipe(seg(3), sndNxt, highRxt, SMSS)).isEqualTo(SMSS);
        assertThat(board.hasSackedAbove(seg(3))).isTrue();
        assertThat(board.hasSackedAbove(sndNxt - 1)).isFalse();

        // the retransmission arrives: everything is acknowledged
        ackSegments(sndNxt);
        assertThat(board.rangeCount()).isZero();
        assertThat(board.sackedBytes()).isZero();
        assertThat(board.highestSacked()).isEqualTo(sndNxt);
        assertThat(board.pipe(sndNxt, sndNxt, highRxt, SMSS)).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000, 0xFFFFE000, 0x7FFFE800})
    void multipleHolesAreRetransmittedInOrderAsHighRxtAdvances(int at) {
        start(at, 1);
        // segments 1, 4 and 7 lost
        ackSegments(seg(1), 2, 4, 5, 7, 8, 11);
        assertThat(board.rangeCount()).isEqualTo(3);
        assertThat(board.sackedBytes()).isEqualTo(7 * SMSS);
        assertThat(board.isSacked(seg(1))).isFalse();
        assertThat(board.isSacked(seg(2))).isTrue();
        assertThat(board.isSacked(seg(4) - 1)).isTrue();
        assertThat(board.isSacked(seg(4))).isFalse();
        assertThat(board.isSacked(seg(10) + SMSS - 1)).isTrue();
        assertThat(board.isSacked(sndNxt)).isFalse();
        assertThat(board.sackedRangesAbove(seg(1))).isEqualTo(3);
        assertThat(board.sackedRangesAbove(seg(4))).isEqualTo(2);
        assertThat(board.sackedBytesAbove(seg(7))).isEqualTo(3 * SMSS);
        // each hole has more than 2 * SMSS SACKed above it
        assertThat(board.isLost(seg(1), SMSS)).isTrue();
        assertThat(board.isLost(seg(4), SMSS)).isTrue();
        assertThat(board.isLost(seg(7), SMSS)).isTrue();
        assertThat(board.pipe(seg(1), sndNxt, seg(1), SMSS)).isZero();

        int highRxt = seg(1);
        int rescueRxt = seg(1) - 1; // undefined
        int[] expected = {seg(1), seg(4), seg(7)};
        for (int i = 0; i < expected.length; i++) {
            int next = nextSeg(seg(1), highRxt, rescueRxt, true);
            assertThat(next).isEqualTo(expected[i]);
            assertThat(board.nextSegRule()).isEqualTo(RULE_LOST);
            assertThat(board.nextSegLength()).isEqualTo(SMSS);
            highRxt = next + board.nextSegLength(); // RFC 6675 §5 (C.2)
            assertThat(board.pipe(seg(1), sndNxt, highRxt, SMSS)).isEqualTo((i + 1) * SMSS);
        }
        assertThat(nextSeg(seg(1), highRxt, rescueRxt, true)).isEqualTo(sndNxt);
        assertThat(board.nextSegIsNew()).isTrue();

        // the first retransmission arrives: ACK 4; the other two remain
        ackSegments(seg(4), 5, 7, 8, 11);
        assertThat(board.rangeCount()).isEqualTo(2);
        assertThat(board.pipe(seg(4), sndNxt, highRxt, SMSS)).isEqualTo(2 * SMSS);
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000, 0xFFFFF800})
    void aHoleLongerThanOneSegmentIsSentSegmentBySegmentUpToTheSackedData(int at) {
        start(at, 1);
        // 2.5 segments lost, then 3 SACKed
        options.clear();
        options.addSackBlock(seg(3) + SMSS / 2, seg(6) + SMSS / 2);
        board.onAck(seg(1), sndNxt, options);
        int highRxt = seg(1);
        assertThat(nextSeg(seg(1), highRxt, seg(1) - 1, false)).isEqualTo(seg(1));
        assertThat(board.nextSegLength()).isEqualTo(SMSS);
        highRxt += SMSS;
        assertThat(nextSeg(seg(1), highRxt, seg(1) - 1, false)).isEqualTo(seg(2));
        assertThat(board.nextSegLength()).isEqualTo(SMSS);
        highRxt += SMSS;
        assertThat(nextSeg(seg(1), highRxt, seg(1) - 1, false)).isEqualTo(seg(3));
        assertThat(board.nextSegLength()).as("stops at the SACKed data").isEqualTo(SMSS / 2);
        assertThat(board.nextSegRule()).isEqualTo(RULE_LOST);
    }

    @Test
    void aHoleNotYetLostIsRetransmittedByRuleThreeOnlyWhenNoNewDataCanGo() {
        start(1_000_000, 1);
        // segments 1 and 3 missing; 2, 4, 5 SACKed
        ackSegments(seg(1), 2, 3, 4, 6);
        assertThat(board.isLost(seg(1), SMSS)).as("3 * SMSS above").isTrue();
        assertThat(board.isLost(seg(3), SMSS)).as("exactly 2 * SMSS above").isFalse();
        // seg 1 lost: 0; seg 3: 1000; 6..10: 5000
        assertThat(board.pipe(seg(1), sndNxt, seg(1), SMSS)).isEqualTo(6 * SMSS);

        assertThat(nextSeg(seg(1), seg(1), seg(1) - 1, false)).isEqualTo(seg(1));
        assertThat(board.nextSegRule()).isEqualTo(RULE_LOST);
        int highRxt = seg(2);
        assertThat(board.pipe(seg(1), sndNxt, highRxt, SMSS)).isEqualTo(7 * SMSS);

        assertThat(nextSeg(seg(1), highRxt, seg(1) - 1, true)).isEqualTo(sndNxt);
        assertThat(board.nextSegRule()).isEqualTo(RULE_NEW_DATA);
        assertThat(nextSeg(seg(1), highRxt, seg(1) - 1, false)).isEqualTo(seg(3));
        assertThat(board.nextSegRule()).isEqualTo(RULE_UNSACKED);
        assertThat(board.nextSegLength()).isEqualTo(SMSS);

        // after rule (3) HighRxt passes segment 3: the octets count twice in SetPipe (b.a, b.b)
        highRxt = seg(4);
        assertThat(board.pipe(seg(1), sndNxt, highRxt, SMSS)).isEqualTo(SMSS + 2 * SMSS + 5 * SMSS);
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000, 0xFFFFF000})
    void rescueRetransmitsTheTailOncePerRecovery(int at) {
        start(at, 1);
        // segment 1 lost, and the tail 9..10 too
        ackSegments(seg(1), 2, 5);
        assertThat(nextSeg(seg(1), seg(1), seg(1) - 1, false)).isEqualTo(seg(1));
        // RFC 6675 §5 (4.3)
        int highRxt = seg(2);
        int rescueRxt = seg(2);
        int recoveryPoint = sndNxt;
        ackSegments(seg(1), 2, 9);
        assertThat(board.nextSeg(seg(1), sndNxt, highRxt, rescueRxt, SMSS, false))
                .as("no rescue before the first retransmission is acknowledged").isEqualTo(NONE);

        // a partial ACK up to 9: nothing SACKed, nothing judged lost, no new data
        ackSegments(seg(9));
        assertThat(board.pipe(seg(9), sndNxt, highRxt, SMSS)).isEqualTo(2 * SMSS);
        assertThat(nextSeg(seg(9), highRxt, rescueRxt, false)).isEqualTo(seg(10));
        assertThat(board.nextSegRule()).isEqualTo(RULE_RESCUE);
        assertThat(board.nextSegIsRescue()).isTrue();
        assertThat(board.nextSegLength()).isEqualTo(SMSS);
        // the caller sets RescueRxt = RecoveryPoint and leaves HighRxt alone (§4 rule 4)
        rescueRxt = recoveryPoint;
        assertThat(board.nextSeg(seg(9), sndNxt, highRxt, rescueRxt, SMSS, false)).isEqualTo(NONE);
        // new data still takes precedence when allowed
        assertThat(nextSeg(seg(9), highRxt, rescueRxt, true)).isEqualTo(sndNxt);
    }

    @Test
    void rescueEndsAtTheHighestUnsackedOctetBelowSackedData() {
        start(1_000_000, 5);
        // 5, 6 and half of 7 unSACKed, already retransmitted; 7.5 .. 10 SACKed
        options.clear();
        options.addSackBlock(seg(7) + SMSS / 2, sndNxt);
        board.onAck(seg(5), sndNxt, options);
        int highRxt = seg(7) + SMSS / 2;
        assertThat(nextSeg(seg(5), highRxt, seg(5) - 1, false)).isEqualTo(seg(6) + SMSS / 2);
        assertThat(board.nextSegRule()).isEqualTo(RULE_RESCUE);
        assertThat(board.nextSegLength()).isEqualTo(SMSS);

        // a hole shorter than SMSS is rescued whole
        start(1_000_000, 5);
        ackRaw(seg(5) + 400, seg(6), sndNxt);
        assertThat(nextSeg(seg(5) + 400, seg(6), seg(5), false)).isEqualTo(seg(5) + 400);
        assertThat(board.nextSegLength()).isEqualTo(600);
    }

    @Test
    void nothingToSendWhenEverythingOutstandingIsSacked() {
        start(1_000_000, 1);
        ackSegments(seg(1), 1, 11);
        assertThat(board.sackedBytes()).isEqualTo(10 * SMSS);
        assertThat(board.pipe(seg(1), sndNxt, seg(1), SMSS)).isZero();
        assertThat(board.nextSeg(seg(1), sndNxt, seg(1), seg(1) - 1, SMSS, false)).isEqualTo(NONE);
        assertThat(board.nextSeg(sndNxt, sndNxt, sndNxt, sndNxt - 1, SMSS, false)).isEqualTo(NONE);
    }

    @Test
    void threeDiscontiguousSackedSequencesMakeLossEvenWhenSmall() {
        start(1_000_000, 1);
        ackRaw(seg(1), seg(2), seg(2) + 10, seg(3), seg(3) + 10, seg(4), seg(4) + 10);
        assertThat(board.sackedBytes()).isEqualTo(30);
        assertThat(board.isLost(seg(1), SMSS)).isTrue();
        assertThat(board.isLost(seg(2) + 10, SMSS)).as("two sequences above").isFalse();
        assertThat(board.sackedRangesAbove(seg(2) + 5)).as("partly above counts").isEqualTo(3);
        assertThat(board.sackedBytesAbove(seg(2) + 5)).isEqualTo(4 + 20);
    }

    @Test
    void lossNeedsMoreThanDupThreshLessOneSegmentsOfSackedBytes() {
        start(1_000_000, 1);
        ackRaw(seg(1), seg(2), seg(4));
        assertThat(board.isLost(seg(1), SMSS)).isFalse();
        ackRaw(seg(1), seg(2), seg(4) + 1);
        assertThat(board.isLost(seg(1), SMSS)).isTrue();
        assertThat(board.newlySackedBytes()).isEqualTo(1);
    }

    @Test
    void blocksMergeAndTheCumulativeAckCutsThem() {
        start(1_000_000, 1);
        ackSegments(seg(1), 3, 4);
        ackSegments(seg(1), 6, 7, 3, 4); // the older block repeated adds nothing
        assertThat(board.newlySackedBytes()).isEqualTo(SMSS);
        ackSegments(seg(1), 5, 6, 3, 4);
        assertThat(board.rangeCount()).isEqualTo(2);
        ackSegments(seg(1), 4, 5, 6, 7);
        assertThat(board.rangeCount()).as("4 bridges 3 and 5..6").isEqualTo(1);
        assertThat(board.rangeStart(0)).isEqualTo(seg(3));
        assertThat(board.rangeEnd(0)).isEqualTo(seg(7));
        ackSegments(seg(1), 9, 10, 2, 11);
        assertThat(board.rangeCount()).as("swallowed").isEqualTo(1);
        assertThat(board.sackedBytes()).isEqualTo(9 * SMSS);

        // an ACK into the middle of a SACKed range cuts it
        ackSegments(seg(5) + 300);
        assertThat(board.rangeStart(0)).isEqualTo(seg(5) + 300);
        assertThat(board.sackedBytes()).isEqualTo(sndNxt - seg(5) - 300);
        assertThat(board.highAck()).isEqualTo(seg(5) + 300);
    }

    @Test
    void theCumulativeAckDropsRangesBelowIt() {
        start(1_000_000, 1);
        ackSegments(seg(1), 2, 3, 5, 6, 8, 9);
        ackSegments(seg(6));
        assertThat(board.rangeCount()).isEqualTo(1);
        assertThat(board.rangeStart(0)).isEqualTo(seg(8));
        assertThat(board.sackedBytes()).isEqualTo(SMSS);
        ackSegments(seg(9));
        assertThat(board.rangeCount()).isZero();
        assertThat(board.highestSacked()).isEqualTo(seg(9));
    }

    @Test
    void ignoresBlocksOutsideTheOutstandingDataAndClipsThoseStraddlingSndUna() {
        start(1_000_000, 3);
        ackRaw(seg(3), seg(11), seg(12)); // above SND.NXT
        ackRaw(seg(3), seg(5), seg(11) + 1); // right edge one past SND.NXT
        ackRaw(seg(3), seg(6), seg(5)); // reversed
        ackRaw(seg(3), seg(3), seg(3)); // empty
        ackRaw(seg(3), seg(6) + 0x7FFF_FFFF, seg(6)); // right edge in range, left edge nonsense
        assertThat(board.rangeCount()).isZero();
        assertThat(board.blocksDropped()).isZero();

        ackRaw(seg(3), seg(2), seg(4)); // a D-SACK straddling SND.UNA keeps its trusted part
        assertThat(board.rangeCount()).isEqualTo(1);
        assertThat(board.rangeStart(0)).isEqualTo(seg(3));
        assertThat(board.rangeEnd(0)).isEqualTo(seg(4));
    }

    @Test
    void dsackBlocksAddNothingAndAreNoticed() {
        start(1_000_000, 3);
        // RFC 2883 §4.1: the first block lies below the cumulative ACK
        ackRaw(seg(3), seg(1), seg(2), seg(5), seg(6));
        assertThat(board.duplicateReported()).isTrue();
        assertThat(board.sackedBytes()).isEqualTo(SMSS);
        // §4.2: the first block lies inside the second
        ackRaw(seg(3), seg(5), seg(5) + 500, seg(5), seg(7));
        assertThat(board.duplicateReported()).isTrue();
        assertThat(board.newlySackedBytes()).isEqualTo(SMSS);
        ackRaw(seg(3), seg(8), seg(9), seg(5), seg(7));
        assertThat(board.duplicateReported()).isFalse();
        // a duplicate straddling the cumulative ACK
        ackRaw(seg(3), seg(2), seg(3) + 500);
        assertThat(board.duplicateReported()).isTrue();
        ackRaw(seg(3));
        assertThat(board.duplicateReported()).isFalse();
    }

    @Test
    void aFullBoardDropsNewDisjointBlocksButStillMerges() {
        SackScoreboard small = new SackScoreboard(2);
        base = 1_000_000;
        sndNxt = seg(11);
        small.reset(seg(1));
        options.clear().addSackBlock(seg(2), seg(3));
        options.addSackBlock(seg(4), seg(5));
        options.addSackBlock(seg(6), seg(7));
        small.onAck(seg(1), sndNxt, options);
        assertThat(small.rangeCount()).isEqualTo(2);
        assertThat(small.blocksDropped()).isEqualTo(1);
        assertThat(small.isSacked(seg(6))).isFalse();

        options.clear().addSackBlock(seg(3), seg(4));
        small.onAck(seg(1), sndNxt, options);
        assertThat(small.rangeCount()).isEqualTo(1);
        options.clear().addSackBlock(seg(6), seg(7));
        small.onAck(seg(1), sndNxt, options);
        assertThat(small.rangeCount()).isEqualTo(2);
        assertThat(small.sackedBytes()).isEqualTo(4 * SMSS);
        assertThat(small.blocksDropped()).isEqualTo(1);
        assertThat(small.maxRanges()).isEqualTo(2);
    }

    @Test
    void resetForgetsEverySackedRange() {
        start(1_000_000, 1);
        ackSegments(seg(1), 2, 4, 6, 8);
        board.reset(seg(1));
        assertThat(board.rangeCount()).isZero();
        assertThat(board.sackedBytes()).isZero();
        assertThat(board.hasSackedAbove(seg(1))).isFalse();
        assertThat(board.isLost(seg(1), SMSS)).isFalse();
        assertThat(board.pipe(seg(1), sndNxt, seg(1), SMSS)).isEqualTo(10 * SMSS);
    }

    @Test
    void rejectsAZeroCapacity() {
        assertThatThrownBy(() -> new SackScoreboard(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onAckPipeAndNextSegAllocateNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = exercise(20_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += exercise(200_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated over 200,000 recoveries").isLessThan(1024);
    }

    /** A recovery episode per round, across the wrap of sequence numbers. */
    private long exercise(int rounds) {
        long sink = 0;
        base = 0xFFFFE000;
        sndNxt = seg(11);
        for (int r = 0; r < rounds; r++) {
            board.reset(seg(1));
            options.clear().addSackBlock(seg(2), seg(4));
            options.addSackBlock(seg(5), seg(7));
            options.addSackBlock(seg(8), seg(10));
            board.onAck(seg(1), sndNxt, options);
            int highRxt = seg(1);
            for (int k = 0; k < 4; k++) {
                long next = board.nextSeg(seg(1), sndNxt, highRxt, seg(1) - 1, SMSS, false);
                sink += board.pipe(seg(1), sndNxt, highRxt, SMSS);
                if (next != NONE) {
                    highRxt = (int) next + board.nextSegLength();
                }
                sink += next;
            }
            options.clear().addSackBlock(seg(8), seg(11));
            board.onAck(seg(4), sndNxt, options);
            sink += board.sackedBytes() + (board.isLost(seg(4), SMSS) ? 1 : 0);
        }
        return sink;
    }
}
