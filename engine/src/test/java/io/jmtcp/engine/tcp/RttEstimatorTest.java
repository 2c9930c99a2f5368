package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class RttEstimatorTest {

    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    private static final long S = 1_000_000_000L;

    private final RttEstimator rtt = new RttEstimator(1 * S, 200 * MS, 120 * S);

    @Test
    void usesTheInitialRtoBeforeAnySample() {
        // RFC 6298 (2.1)
        assertThat(rtt.hasSample()).isFalse();
        assertThat(rtt.rto()).isEqualTo(1 * S);
        assertThat(rtt.srtt()).isZero();
        assertThat(rtt.rttvar()).isZero();
    }

    @Test
    void firstSampleSetsSrttToRAndRttvarToHalfR() {
        // RFC 6298 (2.2): R = 100 ms -> SRTT = 100, RTTVAR = 50, RTO = 100 + max(1, 4*50) = 300 ms
        rtt.sample(100 * MS);
        assertThat(rtt.hasSample()).isTrue();
        assertThat(rtt.srtt()).isEqualTo(100 * MS);
        assertThat(rtt.rttvar()).isEqualTo(50 * MS);
        assertThat(rtt.rto()).isEqualTo(300 * MS);
    }

    @Test
    void laterSamplesUseAlphaOneEighthAndBetaOneQuarter() {
        // RFC 6298 (2.3), RTTVAR from the old SRTT:
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms
        // RTO = 112.5 + 4 * 62.5 = 362.5 ms
        rtt.sample(100 * MS);
        rtt.sample(200 * MS);
        assertThat(rtt.rttvar()).isEqualTo(62_500 * US);
        assertThat(rtt.srtt()).isEqualTo(112_500 * US);
        assertThat(rtt.rto()).isEqualTo(362_500 * US);
        // Third sample R = 112.5 ms equals SRTT: RTTVAR = 3/4 * 62.5 = 46.875 ms, SRTT unchanged,
        // RTO = 112.5 + 187.5 = 300 ms
        rtt.sample(112_500 * US);
        assertThat(rtt.rttvar()).isEqualTo(46_875 * US);
        assertThat(rtt.srtt()).isEqualTo(112_500 * US);
        assertThat(rtt.rto()).isEqualTo(300 * MS);
    }

    @Test
    void rtoExceedsSrttByAtLeastTheClockGranularity() {
        // RFC 6298 (2.2): RTO = SRTT + max(G, 4*RTTVAR), G = 1 ms. R = 40 us -> RTTVAR = 20 us,
        // 4*RTTVAR = 80 us < G, so RTO = 40 us + 1 ms.
        RttEstimator fine = new RttEstimator(1 * S, 100 * US, 120 * S);
        fine.sample(40 * US);
        assertThat(fine.rto()).isEqualTo(40 * US + RttEstimator.CLOCK_GRANULARITY_NANOS);
    }

    @Test
    void rtoIsRaisedToTheMinimum() {
        // Linux-style 200 ms floor instead of RFC 6298 (2.4)'s 1 s: 10 + max(1, 20) = 30 ms -> 200 ms
        rtt.sample(10 * MS);
        assertThat(rtt.srtt()).isEqualTo(10 * MS);
        assertThat(rtt.rto()).isEqualTo(200 * MS);
    }

    @Test
    void rtoIsCappedAtTheMaximum() {
        // RFC 6298 (2.5): 100 s + 4 * 50 s = 300 s -> 120 s
        rtt.sample(100 * S);
        assertThat(rtt.rto()).isEqualTo(120 * S);
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        // RFC 6298 (5.5)
        rtt.sample(100 * MS); // RTO 300 ms
        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(600 * MS);
        assertThat(rtt.backoffs()).isEqualTo(1);
        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(1200 * MS);
        for (int i = 0; i < 20; i++) {
            rtt.backoff();
        }
        assertThat(rtt.rto()).isEqualTo(120 * S);
        assertThat(rtt.backoffs()).isEqualTo(22);
        // SRTT and RTTVAR are untouched by back-off
        assertThat(rtt.srtt()).isEqualTo(100 * MS);
        assertThat(rtt.rttvar()).isEqualTo(50 * MS);
    }

    @Test
    void backoffBeforeAnySampleDoublesTheInitialRto() {
        rtt.backoff();
        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(4 * S);
        assertThat(rtt.hasSample()).isFalse();
    }

    @Test
    void resetBackoffRestoresTheComputedRto() {
        rtt.sample(100 * MS);
        rtt.backoff();
        rtt.backoff();
        rtt.resetBackoff();
        assertThat(rtt.rto()).isEqualTo(300 * MS);
        assertThat(rtt.backoffs()).isZero();
    }

    @Test
    void aSampleCollapsesTheBackedOffRto() {
        // RFC 6298 §5: a new measurement recomputes RTO, "collapsing" the back-off.
        rtt.sample(100 * MS);
        rtt.backoff();
        rtt.backoff();
        rtt.sample(100 * MS); // RTTVAR = 3/4*50 = 37.5 ms, SRTT 100 -> RTO = 250 ms
        assertThat(rtt.backoffs()).isZero();
        assertThat(rtt.rto()).isEqualTo(250 * MS);
    }

    @Test
    void ignoresNegativeSamplesAndSurvivesAbsurdlyLargeOnes() {
        rtt.sample(-5);
        assertThat(rtt.hasSample()).isFalse();
        rtt.sample(Long.MAX_VALUE);
        rtt.sample(Long.MAX_VALUE);
        assertThat(rtt.srtt()).isPositive();
        assertThat(rtt.rttvar()).isNotNegative();
        assertThat(rtt.rto()).isEqualTo(120 * S);
    }

    @Test
    void clampsTheInitialRtoIntoTheBounds() {
        assertThat(new RttEstimator(50 * MS, 200 * MS, 120 * S).rto()).isEqualTo(200 * MS);
        assertThat(new RttEstimator(500 * S, 200 * MS, 120 * S).rto()).isEqualTo(120 * S);
    }

    @Test
    void rejectsInconsistentBounds() {
        assertThatThrownBy(() -> new RttEstimator(1 * S, 0, 120 * S)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttEstimator(1 * S, 2 * S, 1 * S))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min=2000000000ns");
        assertThatThrownBy(() -> new RttEstimator(0, 200 * MS, 120 * S)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreLinuxBounds() {
        RttEstimator defaults = RttEstimator.withDefaults();
        assertThat(defaults.rto()).isEqualTo(1 * S);
        defaults.sample(1 * MS);
        assertThat(defaults.rto()).isEqualTo(200 * MS);
        defaults.sample(200 * S);
        assertThat(defaults.rto()).isEqualTo(120 * S);
    }

    @Test
    void allocatesNothingPerSample() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = churn(20_000); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += churn(200_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 200,000 samples").isLessThan(1_000);
    }

    private long churn(int samples) {
        long sum = 0;
        for (int i = 0; i < samples; i++) {
            rtt.sample(10 * MS + (i % 97) * US);
            if ((i & 15) == 0) {
                rtt.backoff();
            }
            sum += rtt.rto();
        }
        return sum;
    }
}
