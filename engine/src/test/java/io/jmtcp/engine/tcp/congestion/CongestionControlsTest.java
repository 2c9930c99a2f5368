package io.jmtcp.engine.tcp.congestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CongestionControlsTest {

    private static final int SMSS = 1460;
    private static final long RTT = 20_000_000L;

    @Test
    void createsEachAlgorithmByName() {
        assertThat(CongestionControls.create("cubic")).isInstanceOf(Cubic.class);
        assertThat(CongestionControls.create("newreno")).isInstanceOf(NewReno.class);
        assertThat(CongestionControls.create(" CUBIC ")).isInstanceOf(Cubic.class);
        assertThat(CongestionControls.create(CongestionControls.DEFAULT).name()).isEqualTo("cubic");
        assertThat(CongestionControls.names()).containsExactly("cubic", "newreno");
        for (String name : CongestionControls.names()) {
            assertThat(CongestionControls.create(name).name()).isEqualTo(name);
        }
    }

    @Test
    void eachCreationIsAFreshInstance() {
        assertThat(CongestionControls.create("cubic")).isNotSameAs(CongestionControls.create("cubic"));
    }

    @Test
    void rejectsUnknownNamesListingTheAllowedOnes() {
        assertThatThrownBy(() -> CongestionControls.create("bbr"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bbr'")
                .hasMessageContaining("cubic, newreno");
        assertThatThrownBy(() -> CongestionControls.create(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CongestionControls.create("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsANonPositiveSmss() {
        for (String name : CongestionControls.names()) {
            CongestionControl cc = CongestionControls.create(name);
            assertThatThrownBy(() -> cc.init(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SMSS");
            assertThatThrownBy(() -> cc.init(-1460)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void allocatesNothingPerAck() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (String name : CongestionControls.names()) {
            CongestionControl cc = CongestionControls.create(name);
            cc.init(SMSS);
            AckClock clock = new AckClock(cc, 0, RTT);
            long acks = exercise(cc, clock, 200); // warm up
            long before = threads.getCurrentThreadAllocatedBytes();
            acks += exercise(cc, clock, 2_000);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(acks).as(name).isGreaterThan(100_000);
            assertThat(allocated).as("%s: bytes allocated over %d ACKs and their events", name, acks).isLessThan(1_000);
        }
    }

    /**
     * Every entry point on a 200-segment sawtooth: ACKs in slow start and congestion avoidance,
     * losses, recovery exits, timeouts, idle restarts, SMSS changes.
     */
    private static long exercise(CongestionControl cc, AckClock clock, int rounds) {
        long acks = 0;
        for (int r = 0; r < rounds; r++) {
            acks += cc.cwnd() / SMSS;
            clock.round((r & 1) + 1);
            if (cc.cwnd() > 200 * SMSS) {
                clock.lossAndRecovery();
            }
            if (r % 97 == 0) {
                cc.onRetransmitTimeout(cc.cwnd(), clock.nowNanos);
            }
            if (r % 89 == 0) {
                cc.onIdleRestart(RTT * 20, RTT * 10);
            }
            if (r % 83 == 0) {
                cc.onIdleRestart(RTT, RTT * 10);
                cc.onAck(SMSS, SMSS, RTT, clock.nowNanos); // application-limited
            }
            if (r % 101 == 0) {
                cc.smss(r % 2 == 0 ? 1200 : SMSS);
            }
        }
        cc.smss(SMSS);
        return acks;
    }
}
