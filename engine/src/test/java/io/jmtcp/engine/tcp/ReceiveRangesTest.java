package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.wire.TcpOptions;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceiveRangesTest {

    private final ReceiveRanges ranges = new ReceiveRanges(16);
    private final TcpOptions options = new TcpOptions();

    /** The SACK blocks {@code fillSackBlocks} reports, as left, right, left, right, ... */
    private int[] report(int maxBlocks) {
        int n = ranges.fillSackBlocks(options, maxBlocks);
        assertThat(options.sackBlockCount()).isEqualTo(n);
        int[] edges = new int[2 * n];
        for (int b = 0; b < n; b++) {
            edges[2 * b] = options.sackLeft(b);
            edges[2 * b + 1] = options.sackRight(b);
        }
        return edges;
    }

    /**
     * The receiver side of an exchange: RCV.NXT, and what a segment does to it, as TCP input will
     * drive this class (in-order data advances RCV.NXT, data above it is added).
     */
    private int rcvNxt;

    private void receive(int seq, int length) {
        if (seq == rcvNxt) {
            rcvNxt = ranges.advance(seq + length);
        } else {
            assertThat(ranges.add(seq, seq + length)).isTrue();
        }
    }

    // RFC 2018 §6: left window edge 5000, a burst of 8 segments of 500 bytes.

    @Test
    void rfc2018Case1InOrderSegmentsLeaveNothingToReport() {
        rcvNxt = 5000;
        for (int seq = 5000; seq < 7000; seq += 500) {
            receive(seq, 500);
        }
        assertThat(rcvNxt).isEqualTo(7000);
        assertThat(ranges.isEmpty()).isTrue();
        assertThat(report(3)).isEmpty();
    }

    @Test
    void rfc2018Case2FirstSegmentLostReportsOneGrowingBlock() {
        rcvNxt = 5000;
        for (int seq = 5500; seq <= 8500; seq += 500) {
            receive(seq, 500);
            assertThat(rcvNxt).isEqualTo(5000);
            assertThat(report(3)).containsExactly(5500, seq + 500);
        }
        assertThat(ranges.bytesHeld()).isEqualTo(3500);
    }

    @Test
    void rfc2018Case3EvenSegmentsLostReportsNewestBlockFirst() {
        rcvNxt = 5000;
        receive(5000, 500);
        assertThat(rcvNxt).isEqualTo(5500);
        assertThat(report(3)).isEmpty();

        receive(6000, 500);
        assertThat(report(3)).containsExactly(6000, 6500);
        receive(7000, 500);
        assertThat(report(3)).containsExactly(7000, 7500, 6000, 6500);
        receive(8000, 500);
        assertThat(report(3)).containsExactly(8000, 8500, 7000, 7500, 6000, 6500);

        // the 4th packet arrives out of order: two blocks remain, the merged one first
        receive(6500, 500);
        assertThat(rcvNxt).isEqualTo(5500);
        assertThat(report(3)).containsExactly(6000, 7500, 8000, 8500);

        // the 2nd segment arrives: ACK 7500 and one block
        receive(5500, 500);
        assertThat(rcvNxt).isEqualTo(7500);
        assertThat(report(3)).containsExactly(8000, 8500);
    }

    @Test
    void reportsAtMostMaxBlocksMostRecentFirst() {
        // five holes, received in the order 3, 1, 4, 0, 2
        int[] order = {3, 1, 4, 0, 2};
        for (int k : order) {
            assertThat(ranges.add(1000 + 1000 * k, 1500 + 1000 * k)).isTrue();
        }
        assertThat(report(3)).containsExactly(3000, 3500, 1000, 1500, 5000, 5500);
        assertThat(report(4)).containsExactly(3000, 3500, 1000, 1500, 5000, 5500, 2000, 2500);
        assertThat(report(9)).as("capped at four blocks").hasSize(8);
        assertThat(report(0)).isEmpty();
    }

    @Test
    void aDuplicateIntoAnOldRangeMovesItFirst() {
        ranges.add(1000, 2000);
        ranges.add(3000, 4000);
        ranges.add(5000, 6000);
        // RFC 2018 §4: the first block contains the segment that triggered the ACK
        ranges.add(1200, 1400);
        assertThat(report(3)).containsExactly(1000, 2000, 5000, 6000, 3000, 4000);
        assertThat(ranges.rangeCount()).isEqualTo(3);
    }

    @Test
    void mergesOverlappingAndAdjacentRanges() {
        ranges.add(1000, 1500);
        ranges.add(2000, 2500);
        ranges.add(3000, 3500);
        assertThat(ranges.rangeCount()).isEqualTo(3);

        ranges.add(1500, 1600); // touches the first on its right
        assertThat(ranges.rangeCount()).isEqualTo(3);
        assertThat(ranges.contains(1000, 1600)).isTrue();

        ranges.add(1900, 2000); // touches the second on its left
        assertThat(ranges.contains(1900, 2500)).isTrue();

        ranges.add(1400, 3200); // bridges all three
        assertThat(ranges.rangeCount()).isEqualTo(1);
        assertThat(ranges.rangeStart(0)).isEqualTo(1000);
        assertThat(ranges.rangeEnd(0)).isEqualTo(3500);
        assertThat(ranges.bytesHeld()).isEqualTo(2500);

        ranges.add(500, 4000); // swallows it
        assertThat(ranges.rangeCount()).isEqualTo(1);
        assertThat(ranges.bytesHeld()).isEqualTo(3500);
    }

    @Test
    void keepsRangesSortedWhateverTheArrivalOrder() {
        int[] order = {7, 2, 9, 0, 5, 3, 8, 1, 6, 4};
        for (int k : order) {
            ranges.add(10_000 + 100 * k, 10_050 + 100 * k);
        }
        assertThat(ranges.rangeCount()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(ranges.rangeStart(i)).isEqualTo(10_000 + 100 * i);
            assertThat(ranges.rangeEnd(i)).isEqualTo(10_050 + 100 * i);
        }
        assertThat(ranges.bytesHeld()).isEqualTo(500);
    }

    @Test
    void refusesANewRangeBeyondCapacityButStillMergesIntoHeldOnes() {
        ReceiveRanges small = new ReceiveRanges(2);
        assertThat(small.add(100, 200)).isTrue();
        assertThat(small.add(300, 400)).isTrue();
        assertThat(small.add(500, 600)).as("a third disjoint range").isFalse();
        assertThat(small.add(0, 50)).isFalse();
        assertThat(small.rangeCount()).isEqualTo(2);
        assertThat(small.bytesHeld()).isEqualTo(200);

        assertThat(small.add(400, 450)).as("touching a held range").isTrue();
        assertThat(small.add(150, 350)).as("bridging both").isTrue();
        assertThat(small.rangeCount()).isEqualTo(1);
        assertThat(small.add(500, 600)).isTrue();
        assertThat(small.contains(100, 450)).isTrue();
    }

    @Test
    void advanceConsumesEveryRangeThatBecameContiguous() {
        ranges.add(2000, 3000);
        ranges.add(3500, 4000);
        ranges.add(5000, 6000);

        assertThat(ranges.advance(1500)).as("still a gap").isEqualTo(1500);
        assertThat(ranges.rangeCount()).isEqualTo(3);

        assertThat(ranges.advance(2000)).isEqualTo(3000);
        assertThat(ranges.rangeCount()).isEqualTo(2);

        // in-order data overtook a held range entirely and reached into the next
        assertThat(ranges.advance(5500)).isEqualTo(6000);
        assertThat(ranges.isEmpty()).isTrue();
        assertThat(ranges.bytesHeld()).isZero();
    }

    @Test
    void advanceIntoTheMiddleOfARangeEndsAtItsEnd() {
        ranges.add(2000, 3000);
        assertThat(ranges.advance(2500)).isEqualTo(3000);
        assertThat(ranges.isEmpty()).isTrue();
    }

    @Test
    void duplicateSackGoesFirstOnceFollowedByItsContainingBlock() {
        ranges.add(3000, 4000);
        ranges.add(5000, 6000);
        // RFC 2883 §4 example: a duplicate inside a block held above the cumulative ACK
        ranges.reportDuplicate(3000, 3500);
        assertThat(ranges.hasPendingDuplicate()).isTrue();
        assertThat(report(3)).containsExactly(3000, 3500, 3000, 4000, 5000, 6000);
        assertThat(ranges.hasPendingDuplicate()).isFalse();
        assertThat(report(3)).containsExactly(5000, 6000, 3000, 4000);
    }

    @Test
    void duplicateSackBelowTheCumulativeAckIsFollowedByTheUsualBlocks() {
        ranges.add(3000, 4000);
        ranges.add(5000, 6000);
        ranges.reportDuplicate(1000, 1500);
        assertThat(report(2)).containsExactly(1000, 1500, 5000, 6000);
        assertThat(report(2)).containsExactly(5000, 6000, 3000, 4000);

        ranges.reportDuplicate(1000, 1500);
        assertThat(report(1)).containsExactly(1000, 1500);
    }

    @Test
    void emptyRangesRecordNothing() {
        assertThat(ranges.add(1000, 1000)).isTrue();
        assertThat(ranges.isEmpty()).isTrue();
        assertThat(ranges.contains(1000, 1000)).isFalse();
    }

    @Test
    void clearForgetsRangesAndAPendingDuplicate() {
        ranges.add(1000, 2000);
        ranges.reportDuplicate(100, 200);
        ranges.clear();
        assertThat(ranges.isEmpty()).isTrue();
        assertThat(ranges.rangeCount()).isZero();
        assertThat(report(4)).isEmpty();
        assertThat(ranges.add(1000, 2000)).isTrue();
        assertThat(ranges.contains(1000, 2000)).isTrue();
        assertThat(ranges.contains(999, 2000)).isFalse();
        assertThat(ranges.contains(1000, 2001)).isFalse();
    }

    @Test
    void rejectsAZeroCapacity() {
        assertThatThrownBy(() -> new ReceiveRanges(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xFFFFF830, 0x7FFFF830, 0xFFFFFE0C, 0x7FFFFE0C})
    void worksAcrossTheWrapOfSequenceNumbers(int base) {
        // RFC 2018 §6 case 3 shifted so that the held ranges straddle 2^32 (where unsigned
        // comparison would go wrong) or 2^31 (where signed comparison would), or so that only
        // RCV.NXT lies before the wrap
        int d = base - 5000;
        rcvNxt = 5000 + d;
        receive(5000 + d, 500);
        receive(6000 + d, 500);
        receive(7000 + d, 500);
        receive(8000 + d, 500);
        assertThat(report(3)).containsExactly(8000 + d, 8500 + d, 7000 + d, 7500 + d, 6000 + d, 6500 + d);
        receive(6500 + d, 500);
        assertThat(report(3)).containsExactly(6000 + d, 7500 + d, 8000 + d, 8500 + d);
        assertThat(ranges.bytesHeld()).isEqualTo(2000);
        assertThat(ranges.contains(6000 + d, 7500 + d)).isTrue();
        receive(5500 + d, 500);
        assertThat(rcvNxt).isEqualTo(7500 + d);
        assertThat(report(3)).containsExactly(8000 + d, 8500 + d);
        receive(7500 + d, 500);
        assertThat(rcvNxt).isEqualTo(8500 + d);
        assertThat(ranges.isEmpty()).isTrue();
    }

    @Test
    void addAdvanceAndFillAllocateNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = exercise(20_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += exercise(200_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated over 200,000 rounds").isLessThan(1024);
    }

    /** Out-of-order segments, reports, a D-SACK and a hole filled, round after round. */
    private long exercise(int rounds) {
        long sink = 0;
        int next = 0xFFFF0000;
        for (int r = 0; r < rounds; r++) {
            for (int k = 1; k <= 6; k++) {
                ranges.add(next + 1000 * (2 * k), next + 1000 * (2 * k) + 1000);
            }
            ranges.add(next + 4500, next + 5500);
            ranges.reportDuplicate(next + 2000, next + 2500);
            sink += ranges.fillSackBlocks(options, 3);
            sink += ranges.fillSackBlocks(options, 4);
            for (int k = 0; k < 7; k++) {
                next = ranges.advance(next + 1000);
            }
            sink += ranges.bytesHeld();
            sink += ranges.contains(next, next + 1) ? 1 : 0;
            ranges.clear();
        }
        return sink + next;
    }
}
