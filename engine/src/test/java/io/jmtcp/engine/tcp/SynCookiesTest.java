package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.wire.SeqNum;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SynCookiesTest {

    private static final long PERIOD = SynCookies.COUNT_PERIOD_NANOS;
    private static final int REMOTE = 0xc612_0001; // 198.18.0.1
    private static final int LOCAL = 0xc612_0002; // 198.18.0.2
    private static final long NOW = 1000 * PERIOD + 12_345_678_901L;

    private final SynCookies cookies = new SynCookies(0x4987_4987_4987_4987L, 0x0123_4567_89ab_cdefL);

    @Test
    void validCookieRoundTripsTheMssForManyTuples() {
        SplittableRandom random = new SplittableRandom(4987);
        for (int i = 0; i < 20_000; i++) {
            int remote = random.nextInt();
            int remotePort = random.nextInt(65536);
            int local = random.nextInt();
            int localPort = random.nextInt(65536);
            int clientIsn = random.nextInt();
            int mss = random.nextInt(9001);
            long now = random.nextLong();
            int iss = cookies.issFor(remote, remotePort, local, localPort, clientIsn, mss, now);
            assertThat(cookies.check(remote, remotePort, local, localPort, clientIsn, iss, now))
                    .as("tuple %d", i)
                    .isEqualTo(SynCookies.mssOf(SynCookies.mssIndex(mss)));
        }
    }

    @Test
    void eachTableMssRoundTripsExactly() {
        for (int index = 0; index < SynCookies.MSS_TABLE_SIZE; index++) {
            int mss = SynCookies.mssOf(index);
            int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 777, mss, NOW);
            assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 777, iss, NOW)).isEqualTo(mss);
        }
    }

    @Test
    void clientMssIsRoundedDownToTheTableAndNeverBelow536() {
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(0))).isEqualTo(536);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(100))).isEqualTo(536);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(535))).isEqualTo(536);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(536))).isEqualTo(536);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1299))).isEqualTo(536);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1300))).isEqualTo(1300);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1439))).isEqualTo(1300);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1440))).isEqualTo(1440);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1459))).isEqualTo(1440);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(1460))).isEqualTo(1460);
        assertThat(SynCookies.mssOf(SynCookies.mssIndex(65495))).isEqualTo(1460);
        int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 777, 200, NOW);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 777, iss, NOW)).isEqualTo(536);
    }

    @Test
    void rejectsCookieMadeForAnotherTupleOrClientIsn() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 2_000; i++) {
            int remote = random.nextInt();
            int remotePort = random.nextInt(65536);
            int local = random.nextInt();
            int localPort = random.nextInt(65536);
            int isn = random.nextInt();
            int iss = cookies.issFor(remote, remotePort, local, localPort, isn, 1460, NOW);
            assertThat(cookies.check(remote ^ 1, remotePort, local, localPort, isn, iss, NOW)).isEqualTo(-1);
            assertThat(cookies.check(remote, remotePort ^ 1, local, localPort, isn, iss, NOW)).isEqualTo(-1);
            assertThat(cookies.check(remote, remotePort, local + 1, localPort, isn, iss, NOW)).isEqualTo(-1);
            assertThat(cookies.check(remote, remotePort, local, localPort + 1, isn, iss, NOW)).isEqualTo(-1);
            // The client ISN enters by addition, like the MSS index: moving it by less than 4 is
            // the low-bit malleability documented on check; any larger move is caught.
            assertThat(cookies.check(remote, remotePort, local, localPort, isn + 4, iss, NOW)).isEqualTo(-1);
            assertThat(cookies.check(remote, remotePort, local, localPort, isn - 4, iss, NOW)).isEqualTo(-1);
            assertThat(cookies.check(remote, remotePort, local, localPort, isn ^ 0x8000_0000, iss, NOW))
                    .isEqualTo(-1);
            // The ports are not interchangeable: swapping them is another tuple.
            if (remotePort != localPort) {
                assertThat(cookies.check(remote, localPort, local, remotePort, isn, iss, NOW)).isEqualTo(-1);
            }
        }
    }

    @Test
    void rejectsCookieMadeUnderAnotherKey() {
        SynCookies other = new SynCookies(0x4987_4987_4987_4986L, 0x0123_4567_89ab_cdefL);
        for (int port = 1024; port < 3024; port++) {
            int iss = other.issFor(REMOTE, port, LOCAL, 80, port * 7919, 1460, NOW);
            assertThat(cookies.check(REMOTE, port, LOCAL, 80, port * 7919, iss, NOW)).isEqualTo(-1);
        }
    }

    @Test
    void rejectsCookieWithAnyFlippedBitAboveTheMssIndex() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 500; i++) {
            int port = random.nextInt(65536);
            int isn = random.nextInt();
            int iss = cookies.issFor(REMOTE, port, LOCAL, 80, isn, 1440, NOW);
            for (int bit = 2; bit < 32; bit++) {
                assertThat(cookies.check(REMOTE, port, LOCAL, 80, isn, iss ^ (1 << bit), NOW))
                        .as("bit %d", bit)
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void flippingTheLowTwoBitsCanOnlyPickAnotherTableEntryAsInLinux() {
        // The MSS index is added, not authenticated: a bit flip there moves the index by +-1 or
        // +-2, which either lands on another table entry or outside the table (documented on
        // check). Exactly which is determined; nothing else about the cookie changes.
        for (int index = 0; index < SynCookies.MSS_TABLE_SIZE; index++) {
            int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 99, SynCookies.mssOf(index), NOW);
            for (int bit = 0; bit < 2; bit++) {
                int flipped = iss ^ (1 << bit);
                int newIndex = index + (flipped - iss);
                int expected = newIndex >= 0 && newIndex < SynCookies.MSS_TABLE_SIZE
                        ? SynCookies.mssOf(newIndex) : -1;
                assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 99, flipped, NOW)).isEqualTo(expected);
            }
        }
    }

    @Test
    void acceptedThroughTheNextPeriodAndRejectedAfter() {
        long start = 500 * PERIOD;
        int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 5, 1460, start);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, start + PERIOD - 1)).isEqualTo(1460);
        // The previous count is still accepted (RFC 4987 §3.6 leaves the lifetime to us; Linux: 2).
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, start + PERIOD)).isEqualTo(1460);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, start + 2 * PERIOD - 1)).isEqualTo(1460);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, start + 2 * PERIOD)).isEqualTo(-1);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, start + 100 * PERIOD)).isEqualTo(-1);

        // Made in the last nanosecond of a period: valid for just over one more period.
        long late = start + PERIOD - 1;
        int lateIss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 5, 1460, late);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, lateIss, late + 1)).isEqualTo(1460);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, lateIss, late + PERIOD)).isEqualTo(1460);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, lateIss, late + PERIOD + 1)).isEqualTo(-1);
    }

    @Test
    void rejectsCookieFromTheFuture() {
        int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 5, 1460, NOW);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, NOW - PERIOD)).isEqualTo(-1);
    }

    @Test
    void stillAcceptedWhenTheCountsLowByteWraps() {
        // The ISS holds only the count's low 8 bits; period 255 to period 256 is one step.
        long lastOfByte = 255 * PERIOD + 3;
        int iss = cookies.issFor(REMOTE, 40000, LOCAL, 80, 5, 1300, lastOfByte);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, lastOfByte + PERIOD)).isEqualTo(1300);
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, lastOfByte + 2 * PERIOD)).isEqualTo(-1);
        // 256 periods later the count's low byte is the same again, but the hash differs.
        assertThat(cookies.check(REMOTE, 40000, LOCAL, 80, 5, iss, lastOfByte + 256 * PERIOD)).isEqualTo(-1);
    }

    @Test
    void timestampCarriesEveryWindowScaleAndSackSetting() {
        int[] clocks = {0, 1, 63, 64, 65, 0x7fff_ffc0, 0x7fff_ffff, 0x8000_0000, -1, -64, 0x1234_5678};
        for (int tsval : clocks) {
            for (int wscale = -1; wscale <= 14; wscale++) {
                for (boolean sack : new boolean[] {false, true}) {
                    int encoded = SynCookies.encodeTimestamp(tsval, wscale, sack);
                    String what = String.format("tsval %08x wscale %d sack %b", tsval, wscale, sack);
                    assertThat(SynCookies.decodeWindowScale(encoded)).as(what).isEqualTo(wscale);
                    assertThat(SynCookies.decodeSackPermitted(encoded)).as(what).isEqualTo(sack);
                    assertThat(encoded & SynCookies.TS_ECN).as(what).isZero();
                    // Never ahead of the clock (RFC 7323 §5.3/§5.4) and at most 63 behind it.
                    assertThat(SeqNum.le(encoded, tsval)).as(what).isTrue();
                    assertThat(SeqNum.diff(tsval, encoded)).as(what).isBetween(0, 63);
                }
            }
        }
    }

    @Test
    void timestampIsUnchangedWhenItsLowBitsAlreadyHoldTheOptions() {
        int options = 7 | SynCookies.TS_SACK;
        assertThat(SynCookies.encodeTimestamp(0x1000_0000 | options, 7, true)).isEqualTo(0x1000_0000 | options);
        // One tick earlier the options would run ahead of the clock: a whole 64 is taken off.
        assertThat(SynCookies.encodeTimestamp(0x1000_0000 | (options - 1), 7, true))
                .isEqualTo(0x1000_0000 - 64 | options);
    }

    @Test
    void windowScaleAboveFourteenIsStoredAsFourteen() {
        // RFC 7323 §2.3: a shift count above 14 is used as 14; 15 must not read back as "none".
        assertThat(SynCookies.decodeWindowScale(SynCookies.encodeTimestamp(5000, 15, false))).isEqualTo(14);
        assertThat(SynCookies.decodeWindowScale(SynCookies.encodeTimestamp(5000, 255, true))).isEqualTo(14);
    }

    @Test
    void randomCookieJarsDrawTheirOwnKeys() {
        SynCookies a = SynCookies.random();
        SynCookies b = SynCookies.random();
        int iss = a.issFor(REMOTE, 40000, LOCAL, 80, 5, 1460, NOW);
        assertThat(a.check(REMOTE, 40000, LOCAL, 80, 5, iss, NOW)).isEqualTo(1460);
        int acceptedByOther = 0;
        for (int port = 1; port <= 64; port++) {
            int other = a.issFor(REMOTE, port, LOCAL, 80, 5, 1460, NOW);
            if (b.check(REMOTE, port, LOCAL, 80, 5, other, NOW) != -1) {
                acceptedByOther++;
            }
        }
        assertThat(acceptedByOther).isZero();
    }

    @Test
    void makingAndCheckingCookiesAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int sink = 0;
        for (int round = 0; round < 3; round++) { // the last round runs compiled code
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200_000; i++) {
                int iss = cookies.issFor(REMOTE + i, 40000, LOCAL, 80, i, 1460, NOW);
                sink += cookies.check(REMOTE + i, 40000, LOCAL, 80, i, iss, NOW);
                sink += SynCookies.encodeTimestamp(i, i & 15, (i & 1) != 0);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertThat(allocated).isZero();
            }
        }
        assertThat(sink).isNotZero();
    }
}
