package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {

    private static final int LOCAL = 0xc612_0002; // 198.18.0.2
    private static final int REMOTE = 0xc612_0001; // 198.18.0.1
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 123_456_788_000L; // a whole number of 4 µs ticks

    private final IsnGenerator isns = new IsnGenerator(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    @Test
    void sameTupleAdvancesAtTwoHundredFiftyThousandPerSecond() {
        int at0 = isns.isn(LOCAL, 80, REMOTE, 40000, T0);
        // RFC 6528 §3: M is a 4 µs clock.
        assertThat(isns.isn(LOCAL, 80, REMOTE, 40000, T0 + SECOND) - at0).isEqualTo(250_000);
        assertThat(isns.isn(LOCAL, 80, REMOTE, 40000, T0 + 4_000) - at0).isEqualTo(1);
        assertThat(isns.isn(LOCAL, 80, REMOTE, 40000, T0 + 3_999) - at0).isEqualTo(0);
        // 2^32 ticks of 4 µs (4.77 hours) on, the 32-bit space has wrapped exactly once.
        long later = (1L << 32) * 4_000;
        assertThat(isns.isn(LOCAL, 80, REMOTE, 40000, T0 + later)).isEqualTo(at0);
    }

    @Test
    void clockStaysMonotonicAcrossANegativeNanoTime() {
        int before = isns.isn(LOCAL, 80, REMOTE, 40000, -2_000);
        int after = isns.isn(LOCAL, 80, REMOTE, 40000, 2_000);
        assertThat(after - before).isEqualTo(1);
    }

    @Test
    void neighbouringTuplesGetUnrelatedIsns() {
        // At one instant, ISNs of tuples one port apart share nothing: about half their bits differ
        // and none repeats. An attacker's own connection tells nothing about its neighbour's ISN.
        Set<Integer> seen = new HashSet<>();
        long differingBits = 0;
        int n = 4096;
        int previous = isns.isn(LOCAL, 80, REMOTE, 30000, T0);
        seen.add(previous);
        for (int port = 30001; port < 30001 + n; port++) {
            int isn = isns.isn(LOCAL, 80, REMOTE, port, T0);
            assertThat(seen.add(isn)).as("port %d repeats an ISN", port).isTrue();
            differingBits += Integer.bitCount(isn ^ previous);
            previous = isn;
        }
        double mean = (double) differingBits / n;
        assertThat(mean).isBetween(15.5, 16.5);
    }

    @Test
    void everyFieldOfTheTupleMatters() {
        int base = isns.isn(LOCAL, 80, REMOTE, 40000, T0);
        assertThat(isns.isn(LOCAL + 1, 80, REMOTE, 40000, T0)).isNotEqualTo(base);
        assertThat(isns.isn(LOCAL, 81, REMOTE, 40000, T0)).isNotEqualTo(base);
        assertThat(isns.isn(LOCAL, 80, REMOTE + 1, 40000, T0)).isNotEqualTo(base);
        assertThat(isns.isn(LOCAL, 80, REMOTE, 40001, T0)).isNotEqualTo(base);
        // The direction matters too: the reverse tuple is another connection-id.
        assertThat(isns.isn(REMOTE, 40000, LOCAL, 80, T0)).isNotEqualTo(base);
    }

    @Test
    void differentKeysGiveDifferentIsns() {
        IsnGenerator other = new IsnGenerator(0x1234_5678_9abc_def1L, 0x0fed_cba9_8765_4321L);
        SplittableRandom random = new SplittableRandom(1);
        int equal = 0;
        for (int i = 0; i < 1000; i++) {
            int local = random.nextInt();
            int remote = random.nextInt();
            int port = random.nextInt(65536);
            if (isns.isn(local, 443, remote, port, T0) == other.isn(local, 443, remote, port, T0)) {
                equal++;
            }
        }
        assertThat(equal).isZero();
    }

    @Test
    void randomGeneratorsDrawTheirOwnKeys() {
        IsnGenerator a = IsnGenerator.random();
        IsnGenerator b = IsnGenerator.random();
        int same = 0;
        for (int port = 1; port <= 16; port++) {
            if (a.isn(LOCAL, 80, REMOTE, port, T0) == b.isn(LOCAL, 80, REMOTE, port, T0)) {
                same++;
            }
        }
        assertThat(same).isLessThan(2);
        // A generator's key is drawn once: it answers the same for the same tuple and time.
        assertThat(a.isn(LOCAL, 80, REMOTE, 7, T0)).isEqualTo(a.isn(LOCAL, 80, REMOTE, 7, T0));
    }

    @Test
    void choosingIsnsAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int sink = 0;
        for (int round = 0; round < 3; round++) { // the last round runs compiled code
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200_000; i++) {
                sink += isns.isn(LOCAL, 80, REMOTE + i, i & 0xffff, T0 + i);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertThat(allocated).isZero();
            }
        }
        assertThat(sink).isNotZero();
    }
}
