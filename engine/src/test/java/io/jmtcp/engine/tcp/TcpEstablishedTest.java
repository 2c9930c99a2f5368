package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.tcp.TcpFixture.Seg;
import io.jmtcp.engine.wire.Icmpv4Packet;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * ESTABLISHED, scripted against a Linux-like peer (MSS 1460, window scale 7, SACK, timestamps;
 * full segments carry 1448 bytes): receiving (3.10.7.4 steps, RFC 5961, PAWS, SACK, delayed
 * ACKs), and sending (Nagle, SWS, RTO, fast retransmit and recovery, persist, keepalive).
 */
class TcpEstablishedTest {

    static final int FULL = 1448;

    /** Receiving data and the rules of segment acceptance. */
    @Nested
    class Receiving {
        private final TcpFixture f = TcpFixture.create();
        private int snd;
        private int rcv;

        Receiving() {
            f.establishPassive();
            snd = f.iss + 1;
            rcv = PEER_ISN + 1;
        }

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void deliversInOrderData() {
            f.send(seg().ack(snd).seq(rcv).len(100).psh());
            // quick-ACK mode at connection start (Linux): acknowledged at once; the right edge
            // stays where it was (131072 bytes from the start), so the window is (131072 - 100) >> 7
            f.expect(seg().ack(rcv + 100).seq(snd).win(1023).tsEcr(f.peerTsVal()).noSack());
            byte[] got = f.read(1000);
            assertThat(got).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(got[i]).isEqualTo((byte) (rcv + i));
            }
        }

        @Test
        void acksEverySecondFullSegment() {
            rcv = f.burnQuickAcks(rcv);
            f.send(seg().ack(snd).seq(rcv).len(FULL));
            f.expectNothing();
            f.send(seg().ack(snd).seq(rcv + FULL).len(FULL));
            f.expect(seg().ack(rcv + 2 * FULL).seq(snd));
            f.send(seg().ack(snd).seq(rcv + 2 * FULL).len(FULL));
            f.expectNothing();
        }

        @Test
        void delayedAckFiresAfter40ms() {
            rcv = f.burnQuickAcks(rcv);
            f.send(seg().ack(snd).seq(rcv).len(100).psh());
            f.advance(39);
            f.expectNothing();
            Seg ack = f.advanceUntilSent(5);
            seg().ack(rcv + 100).seq(snd).check(ack, f);
            assertThat(f.counter(Counter.TCP_DELAYED_ACKS)).isEqualTo(1);
        }

        @Test
        void quickAckOptionAcknowledgesEverySegment() {
            rcv = f.burnQuickAcks(rcv);
            f.socket.quickAck(true);
            f.cycle();
            f.send(seg().ack(snd).seq(rcv).len(100));
            f.expect(seg().ack(rcv + 100).seq(snd));
        }

        @Test
        void outOfOrderDataGetsImmediateDupAckWithSackBlocks() {
            rcv = f.burnQuickAcks(rcv);
            f.send(seg().ack(snd).seq(rcv + FULL).len(FULL));
            f.expect(seg().ack(rcv).seq(snd).sack(rcv + FULL, rcv + 2 * FULL));
            f.send(seg().ack(snd).seq(rcv + 3 * FULL).len(FULL));
            // RFC 2018 4: the block holding the latest segment first
            f.expect(seg().ack(rcv).seq(snd).sack(rcv + 3 * FULL, rcv + 4 * FULL, rcv + FULL, rcv + 2 * FULL));
            assertThat(f.socket.readableBytes()).isZero();
        }

        @Test
        void duplicateOutOfOrderSegmentIsReportedAsDsack() {
            rcv = f.burnQuickAcks(rcv);
            f.send(seg().ack(snd).seq(rcv + FULL).len(FULL));
            f.expect(seg().ack(rcv).sack(rcv + FULL, rcv + 2 * FULL));
            f.send(seg().ack(snd).seq(rcv + FULL).len(FULL));
            // RFC 2883: the duplicate first, then the block it lies in
            f.expect(seg().ack(rcv).sack(rcv + FULL, rcv + 2 * FULL, rcv + FULL, rcv + 2 * FULL));
        }

        @Test
        void fillingTheHoleAcksEverything() {
            rcv = f.burnQuickAcks(rcv);
            f.send(seg().ack(snd).seq(rcv + FULL).len(FULL));
            f.expect(seg().ack(rcv).sack(rcv + FULL, rcv + 2 * FULL));
            f.send(seg().ack(snd).seq(rcv).len(FULL));
            f.expect(seg().ack(rcv + 2 * FULL).seq(snd).noSack());
            byte[] got = f.read(10_000);
            assertThat(got).hasSize(2 * FULL);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("byte %d", i).isEqualTo((byte) (rcv + i));
            }
        }

        @Test
        void dataOutsideWindowGetsAckAndIsDropped() {
            f.send(seg().ack(snd).seq(rcv + 10_000_000).len(100));
            f.expect(seg().ack(rcv).seq(snd));
            f.send(seg().ack(snd).seq(rcv - 5000).len(100)); // an old duplicate
            f.expect(seg().ack(rcv).seq(snd));
            assertThat(f.counter(Counter.RX_DROP_TCP_OUT_OF_WINDOW)).isEqualTo(2);
            assertThat(f.socket.readableBytes()).isZero();
        }

        @Test
        void partlyDuplicateSegmentDeliversOnlyTheNewBytes() {
            f.send(seg().ack(snd).seq(rcv).len(100));
            f.expect(seg().ack(rcv + 100));
            f.send(seg().ack(snd).seq(rcv + 50).len(100));
            f.expect(seg().ack(rcv + 150));
            byte[] got = f.read(1000);
            assertThat(got).hasSize(150);
            assertThat(got[120]).isEqualTo((byte) (rcv + 120));
        }

        @Test
        void pawsDropsOldTimestamp() {
            f.advance(10);
            int recent = f.tcb().tsRecent;
            f.send(seg().ack(snd).seq(rcv).len(100).ts(recent - 1, f.stackTsVal));
            f.expect(seg().ack(rcv).seq(snd).tsEcr(recent));
            assertThat(f.counter(Counter.RX_DROP_TCP_PAWS)).isEqualTo(1);
            assertThat(f.socket.readableBytes()).isZero();
            f.send(seg().ack(snd).seq(rcv).len(100).ts(recent, f.stackTsVal));
            f.expect(seg().ack(rcv + 100).seq(snd).tsEcr(recent));
        }

        @Test
        void challengeAckOnInWindowRst() {
            f.send(seg().rst().seq(rcv + 100));
            // RFC 5961 3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
            f.expect(seg().ack(rcv).seq(snd));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.counter(Counter.TCP_CHALLENGE_ACKS)).isEqualTo(1);
        }

        @Test
        void rstOutsideWindowIsIgnored() {
            f.send(seg().rst().seq(rcv + 10_000_000));
            f.send(seg().rst().seq(rcv - 1));
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void rstExactlyAtRcvNxtResets() {
            f.send(seg().ack(snd).seq(rcv).len(10));
            f.expect(seg().ack(rcv + 10));
            f.send(seg().rst().seq(rcv + 10));
            f.expectNothing();
            assertThat(f.tcb()).isNull();
            assertThat(f.socket.failure()).isInstanceOf(SocketException.class).hasMessage("Connection reset");
            assertThatThrownBy(() -> f.socket.write(java.nio.ByteBuffer.allocate(1)))
                    .isInstanceOf(SocketException.class).hasMessage("Connection reset");
        }

        @Test
        void challengeAckOnSynInEstablished() {
            f.send(seg().syn().seq(5000).mss(1460));
            f.expect(seg().ack(rcv).seq(snd));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void ackForUnsentDataGetsAckAndIsDropped() {
            f.send(seg().ack(snd + 1000).seq(rcv).len(10));
            f.expect(seg().ack(rcv).seq(snd));
            assertThat(f.socket.readableBytes()).isZero();
            assertThat(f.tcb().sndUna).isEqualTo(snd);
        }

        @Test
        void segmentWithoutAckIsDropped() {
            f.send(seg().seq(rcv).len(10));
            f.expectNothing();
            assertThat(f.socket.readableBytes()).isZero();
        }

        @Test
        void urgentPointerIsIgnoredSafely() {
            // RFC 6093: urgent data stays in line; a pointer beyond the data breaks nothing
            f.send(seg().ack(snd).seq(rcv).len(10).urg(5));
            f.expect(seg().ack(rcv + 10));
            f.send(seg().ack(snd).seq(rcv + 10).len(10).urg(65535));
            f.expect(seg().ack(rcv + 20));
            f.send(seg().ack(snd).seq(rcv + 20).urg(3));
            f.expectNothing();
            assertThat(f.read(100)).hasSize(20);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Nested
    class ChallengeAckLimit {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.challenge-ack-limit", "2");

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void challengeAcksAreRateLimited() {
            f.establishPassive();
            int rcv = PEER_ISN + 1;
            f.send(seg().rst().seq(rcv + 1));
            f.expect(seg().ack(rcv));
            f.send(seg().syn().seq(rcv + 2));
            f.expect(seg().ack(rcv));
            f.send(seg().rst().seq(rcv + 3));
            f.expectNothing();
            assertThat(f.counter(Counter.TCP_CHALLENGE_ACKS_RATE_LIMITED)).isEqualTo(1);
            f.advance(1001);
            f.send(seg().rst().seq(rcv + 4));
            f.expect(seg().ack(rcv));
        }
    }

    @Nested
    class ReceiveWindow {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.rcvbuf", "16384");

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void windowUpdateWhenAppDrains() {
            f.establishPassive();
            int snd = f.iss + 1;
            int rcv = PEER_ISN + 1;
            int window = f.tcb().receiveCapacity;
            assertThat(window).isEqualTo(16384);
            int sent = 0;
            while (sent < window) {
                int n = Math.min(FULL, window - sent);
                f.send(seg().ack(snd).seq(rcv + sent).len(n));
                sent += n;
            }
            Seg last = null;
            for (Seg g = f.next(); g != null; g = f.next()) {
                last = g;
            }
            seg().ack(rcv + window).seq(snd).win(0).check(last, f);
            // a byte beyond the closed window is not accepted
            f.send(seg().ack(snd).seq(rcv + window).len(1));
            f.expect(seg().ack(rcv + window).win(0));
            f.read(100_000);
            f.cycle();
            f.expect(seg().ack(rcv + window).seq(snd).win(16384 >> 7));
            f.expectNothing();
        }

        @Test
        void smallReadsDoNotOpenASillyWindow() {
            f.establishPassive();
            int snd = f.iss + 1;
            int rcv = PEER_ISN + 1;
            int sent = 0;
            while (sent < 16384) {
                int n = Math.min(FULL, 16384 - sent);
                f.send(seg().ack(snd).seq(rcv + sent).len(n));
                sent += n;
            }
            f.w.drain();
            f.read(100); // RFC 1122 4.2.3.3: 100 bytes free is no reason to announce
            f.cycle();
            f.expectNothing();
            f.send(seg().ack(snd).seq(rcv + 16384)); // a window probe-like ACK: still zero
            assertThat(f.tcb().rcvAdvertisedEdge).isEqualTo(rcv + 16384);
        }
    }

    /** Sending data: policy, timers, recovery. */
    @Nested
    class Sending {
        private TcpFixture f = TcpFixture.create("jmtcp.tcp.retries", "3");
        private int snd;
        private int rcv;

        void open() {
            f.establishPassive();
            snd = f.iss + 1;
            rcv = PEER_ISN + 1;
        }

        /** A peer without SACK (NewReno recovery, RFC 6582). */
        void openWithoutSack() {
            f.establishPassive(seg().syn().seq(PEER_ISN).win(64240).mss(1460).ts(100, 0).ws(7));
            snd = f.iss + 1;
            rcv = PEER_ISN + 1;
        }

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void initialWindowIsTenSegments() {
            open();
            assertThat(f.write(20 * FULL, 0)).isEqualTo(20 * FULL);
            f.cycle();
            for (int i = 0; i < 10; i++) {
                f.expect(seg().ack(rcv).seq(snd + i * FULL).len(FULL));
            }
            f.expectNothing(); // RFC 6928: IW = min(10 MSS, max(2 MSS, 14600))
            f.send(seg().ack(snd + 2 * FULL).seq(rcv));
            // slow start: two segments acknowledged, cwnd grows by two (RFC 5681 / RFC 3465 L=2)
            f.expect(seg().ack(rcv).seq(snd + 10 * FULL).len(FULL));
            f.expect(seg().ack(rcv).seq(snd + 11 * FULL).len(FULL));
            f.expect(seg().ack(rcv).seq(snd + 12 * FULL).len(FULL));
            f.expect(seg().ack(rcv).seq(snd + 13 * FULL).len(FULL));
            f.expectNothing();
        }

        @Test
        void nagleHoldsSmallSegmentUntilAck() {
            open();
            f.write(100, 0);
            f.cycle();
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            f.write(100, 100);
            f.cycle();
            f.write(100, 200);
            f.cycle();
            f.expectNothing(); // RFC 1122 4.2.3.4: a small segment waits while one is unacknowledged
            f.send(seg().ack(snd + 100).seq(rcv));
            f.expect(seg().ack(rcv).psh().seq(snd + 100).len(200));
        }

        @Test
        void noDelaySendsAtOnce() {
            open();
            f.socket.noDelay(true);
            f.write(100, 0);
            f.cycle();
            f.write(100, 100);
            f.cycle();
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            f.expect(seg().ack(rcv).psh().seq(snd + 100).len(100));
        }

        @Test
        void senderSwsAvoidance() {
            open();
            f.send(seg().ack(snd).seq(rcv).win(8)); // 1024 bytes: under half the largest window seen
            f.write(5000, 0);
            f.cycle();
            f.expectNothing(); // RFC 1122 4.2.3.4: no window-limited runt segment
            f.send(seg().ack(snd).seq(rcv).win(256)); // 32768 bytes
            for (int i = 0; i < 3; i++) {
                f.expect(seg().ack(rcv).seq(snd + i * FULL).len(FULL));
            }
            f.expectNothing(); // the 656-byte tail waits for an ACK (Nagle)
            f.send(seg().ack(snd + 3 * FULL).seq(rcv).win(256));
            f.expect(seg().ack(rcv).psh().seq(snd + 3 * FULL).len(5000 - 3 * FULL));
        }

        @Test
        void retransmitsAfterRtoWithBackoff() {
            open();
            f.write(100, 0);
            f.cycle();
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            long last = f.nowMillis();
            // RFC 6298: RTO = max(min RTO 200 ms, SRTT + 4 RTTVAR) after the handshake's sample, then doubled
            for (long gap : new long[] {200, 400, 800}) {
                Seg again = f.advanceUntilSent(gap + 10);
                assertThat(again.at / 1_000_000L - last).isBetween(gap, gap + 2);
                seg().ack(rcv).psh().seq(snd).len(100).anyPsh().check(again, f);
                last = again.at / 1_000_000L;
            }
            f.send(seg().ack(snd + 100).seq(rcv));
            f.advance(3000);
            f.expectNothing();
            assertThat(f.counter(Counter.TCP_RTO_TIMEOUTS)).isEqualTo(3);
        }

        @Test
        void rtoFailsConnectionAfterRetries() {
            open();
            f.write(100, 0);
            f.cycle();
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            List<Seg> sent = f.advanceCollecting(200 + 400 + 800 + 1600 + 20);
            assertThat(sent).hasSize(3);
            assertThat(f.socket.is(TcpSocket.FAILED)).isTrue();
            assertThat(f.socket.failure()).hasMessageContaining("Connection timed out");
            assertThat(f.tcb()).isNull();
        }

        @Test
        void limitedTransmitSendsNewDataOnFirstTwoDupAcks() {
            openWithoutSack();
            f.write(20 * FULL, 0);
            f.cycle();
            assertThat(f.w.drain()).isEqualTo(10);
            // segment 0 lost; the next ones arrive and each brings a duplicate ACK
            f.send(seg().ack(snd).seq(rcv));
            f.expect(seg().ack(rcv).seq(snd + 10 * FULL).len(FULL)); // RFC 3042
            f.send(seg().ack(snd).seq(rcv));
            f.expect(seg().ack(rcv).seq(snd + 11 * FULL).len(FULL));
            f.expectNothing();
        }

        @Test
        void fastRetransmitOnThreeDupAcks() {
            openWithoutSack();
            f.write(20 * FULL, 0);
            f.cycle();
            assertThat(f.w.drain()).isEqualTo(10);
            f.send(seg().ack(snd).seq(rcv));
            f.send(seg().ack(snd).seq(rcv));
            assertThat(f.w.drain()).isEqualTo(2);
            f.send(seg().ack(snd).seq(rcv));
            f.expect(seg().ack(rcv).seq(snd).len(FULL)); // RFC 5681 3.2: the first unacknowledged segment
            assertThat(f.counter(Counter.TCP_FAST_RETRANSMITS)).isEqualTo(1);
            assertThat(f.tcb().inRecovery).isTrue();
        }

        @Test
        void newRenoPartialAckRetransmitsNextHole() {
            openWithoutSack();
            f.write(20 * FULL, 0);
            f.cycle();
            assertThat(f.w.drain()).isEqualTo(10);
            // segments 0 and 4 lost
            for (int i = 0; i < 3; i++) {
                f.send(seg().ack(snd).seq(rcv));
            }
            f.w.drain(); // two limited-transmit segments and the fast retransmission
            // the retransmitted segment 0 fills the first hole: a partial ACK up to segment 4
            f.send(seg().ack(snd + 4 * FULL).seq(rcv));
            Seg first = f.next();
            seg().ack(rcv).seq(snd + 4 * FULL).len(FULL).check(first, f); // RFC 6582 3.2 step 4
            assertThat(f.tcb().inRecovery).isTrue();
            f.w.drain();
            // the full ACK (everything sent before recovery began, 12 segments) ends recovery
            f.send(seg().ack(snd + 12 * FULL).seq(rcv));
            assertThat(f.tcb().inRecovery).isFalse();
        }

        @Test
        void sackRecoveryRetransmitsOnlyHoles() {
            open();
            f.write(10 * FULL, 0);
            f.cycle();
            assertThat(f.w.drain()).isEqualTo(10);
            // segments 0 and 3 lost; 1-2 and 4-9 arrive, each arrival SACKed (RFC 2018)
            int s1 = snd + FULL;
            int s3 = snd + 3 * FULL;
            int s4 = snd + 4 * FULL;
            java.util.List<Seg> out = new java.util.ArrayList<>();
            int[][] acks = {
                {s1, s1 + FULL, 0, 0},
                {s1, s3, 0, 0},
                {s4, s4 + FULL, s1, s3},
                {s4, s4 + 2 * FULL, s1, s3},
                {s4, s4 + 3 * FULL, s1, s3},
                {s4, s4 + 4 * FULL, s1, s3},
                {s4, s4 + 5 * FULL, s1, s3},
                {s4, s4 + 6 * FULL, s1, s3},
            };
            for (int[] a : acks) {
                Seg ack = seg().ack(snd).seq(rcv);
                if (a[2] == 0) {
                    ack.sack(a[0], a[1]);
                } else {
                    ack.sack(a[0], a[1], a[2], a[3]);
                }
                f.send(ack);
                for (Seg g = f.next(); g != null; g = f.next()) {
                    // RFC 6675: nothing SACKed at the time is ever sent again
                    for (int b = 0; b < 4; b += 2) {
                        if (a[b] != 0) {
                            boolean overlaps = g.seq - a[b + 1] < 0 && a[b] - (g.seq + g.length) < 0;
                            assertThat(overlaps).as("%s at offset %d resends SACKed bytes", g, g.seq - snd).isFalse();
                        }
                    }
                    assertThat(g.length).isEqualTo(FULL);
                    out.add(g);
                }
            }
            // the first retransmission is the first hole (RFC 6675 5 (4.3)); both holes are repaired
            assertThat(out).isNotEmpty();
            assertThat(out.get(0).seq).isEqualTo(snd);
            assertThat(out).extracting(g -> g.seq).contains(snd, s3);
            assertThat(f.tcb().inRecovery).isTrue();
        }

        @Test
        void zeroWindowProbesWithPersistTimerBackoff() {
            open();
            f.send(seg().ack(snd).seq(rcv).win(0));
            f.write(100, 0);
            f.cycle();
            f.expectNothing();
            long last = f.nowMillis();
            for (long gap : new long[] {200, 400, 800}) {
                Seg probe = f.advanceUntilSent(gap + 10);
                assertThat(probe.at / 1_000_000L - last).as("persist backoff").isBetween(gap, gap + 2);
                // Linux's probe: an old sequence number (SND.UNA - 1), no data
                seg().ack(rcv).seq(snd - 1).check(probe, f);
                // the peer answers with its (still zero) window: the probes go on, no timeout
                f.send(seg().ack(snd).seq(rcv).win(0));
                last = probe.at / 1_000_000L;
            }
            f.send(seg().ack(snd).seq(rcv).win(512));
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            assertThat(f.counter(Counter.TCP_WINDOW_PROBES)).isEqualTo(3);
        }

        @Test
        void keepaliveProbesAfterIdleAndFailsAfterCount() {
            open();
            f.socket.keepAlive(true);
            f.socket.keepAliveParameters(10, 2, 3);
            f.cycle();
            Seg probe = f.advanceUntilSent(10_010);
            assertThat(probe.at / 1_000_000L - 1000).isBetween(10_000L, 10_003L);
            seg().ack(rcv).seq(snd - 1).check(probe, f); // RFC 1122 4.2.3.6, Linux's form
            // answered: the idle time starts again
            f.send(seg().ack(snd).seq(rcv));
            f.expectNothing();
            Seg p2 = f.advanceUntilSent(10_010);
            assertThat((p2.at - probe.at) / 1_000_000L).isBetween(10_000L, 10_003L);
            List<Seg> more = f.advanceCollecting(2 * 2000 + 10);
            assertThat(more).hasSize(2);
            f.advance(2000);
            assertThat(f.socket.is(TcpSocket.FAILED)).isTrue();
            assertThat(f.socket.failure()).hasMessageContaining("Connection timed out");
            assertThat(f.tcb()).isNull();
        }

        @Test
        void noKeepaliveByDefault() {
            open();
            f.advance(108_000); // SO_KEEPALIVE is off by default: 108 idle seconds, no probe
            f.expectNothing();
        }

        @Test
        void icmpFragNeededLowersMss() {
            open();
            f.write(3 * FULL, 0);
            f.cycle();
            assertThat(f.w.drain()).isEqualTo(3);
            f.icmpError(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 1000, snd);
            int mss = 1000 - 40 - 12;
            assertThat(f.tcb().smss).isEqualTo(mss);
            // what was in flight goes again at the new size (RFC 1191)
            int total = 3 * FULL;
            int off = 0;
            while (off < total) {
                int n = Math.min(mss, total - off);
                f.expect(seg().ack(rcv).seq(snd + off).len(n).anyPsh());
                off += n;
            }
            f.expectNothing();
            assertThat(f.counter(Counter.TCP_PMTU_UPDATES)).isEqualTo(1);
        }

        @Test
        void icmpQuotingUnsentSequenceIsIgnored() {
            open();
            f.icmpError(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 1000,
                    snd + 100_000);
            assertThat(f.tcb().smss).isEqualTo(FULL);
            assertThat(f.counter(Counter.TCP_ICMP_IGNORED)).isEqualTo(1);
        }
    }
}
