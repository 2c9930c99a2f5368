package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_IP;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.tcp.TcpFixture.Seg;
import java.net.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** SYN-SENT (RFC 9293 3.10.7.3) and SYN-RECEIVED (3.10.7.4 for that state), scripted. */
class TcpHandshakeTest {

    @Nested
    class SynSent {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.syn-retries", "3");

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void activeOpenSendsSynWithOptions() {
            f.connect();
            Seg syn = f.expect(seg().syn().win(65535).mss(1460).sackPermitted().ws(7).tsEcr(0));
            assertThat(syn.ackNo).isZero();
            byte[] o = syn.rawOptions;
            assertThat(new byte[] {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[16], o[17], o[18], o[19]})
                    .containsExactly(2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 1, 3, 3, 7);
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
            assertThat(f.socket.is(TcpSocket.CONNECTING)).isTrue();
            f.expectNothing();
        }

        @Test
        void retransmitsSynAfterInitialRtoWithExponentialBackoff() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            long t0 = f.nowMillis();
            long[] expectedGaps = {1000, 2000, 4000};
            long last = t0;
            for (long gap : expectedGaps) {
                Seg again = f.advanceUntilSent(gap + 10);
                long at = again.at / 1_000_000L;
                assertThat(at - last).as("RTO backoff (RFC 6298 5.5)").isBetween(gap, gap + 2);
                seg().syn().seq(syn.seq).mss(1460).sackPermitted().ws(7).tsEcr(0).check(again, f);
                last = at;
            }
            assertThat(f.counter(Counter.TCP_SYN_RETRANSMITS)).isEqualTo(3);
        }

        @Test
        void connectFailsWithTimeoutAfterSynRetries() {
            f.connect();
            f.expect(seg().syn());
            f.advance(1000 + 2000 + 4000 + 5);
            assertThat(f.w.drain()).isEqualTo(3);
            assertThat(f.socket.is(TcpSocket.FAILED)).isFalse();
            f.advance(8000);
            assertThat(f.socket.is(TcpSocket.FAILED)).isTrue();
            assertThat(f.socket.failure()).hasMessageContaining("Connection timed out");
            assertThat(f.tcb()).isNull();
            f.expectNothing();
            assertThat(f.counter(Counter.TCP_TIMEOUTS)).isEqualTo(1);
        }

        @Test
        void rstWithAcceptableAckRefusesConnection() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().rst().ack(syn.seq + 1).seq(0));
            f.expectNothing();
            assertThat(f.socket.isConnectFinished()).isTrue();
            assertThat(f.socket.failure()).isInstanceOf(ConnectException.class).hasMessage("Connection refused");
            assertThat(f.tcb()).isNull();
        }

        @Test
        void rstWithoutAckIsIgnored() {
            f.connect();
            f.expect(seg().syn());
            f.send(seg().rst().seq(PEER_ISN));
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void badAckInSynSentGetsRst() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().syn().ack(syn.seq + 5).seq(PEER_ISN).mss(1460));
            f.expect(seg().rst().seq(syn.seq + 5).noOptions());
            f.send(seg().ack(syn.seq).seq(PEER_ISN));
            f.expect(seg().rst().seq(syn.seq));
            f.send(seg().rst().ack(syn.seq + 7).seq(PEER_ISN));
            f.expectNothing(); // never a RST for a RST
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synAckEstablishesAndAcknowledges() {
            TcpSocket s = f.establishActive();
            assertThat(s.is(TcpSocket.CONNECTED)).isTrue();
            Tcb t = f.tcb();
            assertThat(t.smss).isEqualTo(1448);
            assertThat(t.sndWindowShift).isEqualTo(7);
            assertThat(t.sndWnd).isEqualTo(65160); // the window of a SYN-ACK is never scaled
            assertThat(t.sackPermitted).isTrue();
            f.expectNothing();
        }

        @Test
        void simultaneousOpenGoesThroughSynReceived() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            // the peer's own SYN crosses ours (RFC 9293 figure 8)
            f.send(seg().syn().seq(PEER_ISN).win(64240).mss(1400).sackPermitted().ts(100, 0).ws(7));
            f.expect(seg().syn().ack(PEER_ISN + 1).seq(syn.seq).mss(1460).sackPermitted().ws(7).tsEcr(100));
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            // then its SYN-ACK, acknowledging our SYN
            f.send(seg().syn().ack(syn.seq + 1).seq(PEER_ISN).win(64240).mss(1400).sackPermitted().ts(101, 0).ws(7));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.socket.is(TcpSocket.CONNECTED)).isTrue();
            assertThat(f.tcb().smss).isEqualTo(1388);
            f.autoTs = true;
            f.iss = syn.seq;
            f.send(seg().ack(syn.seq + 1).seq(PEER_ISN + 1).len(10).psh());
            f.expect(seg().ack(PEER_ISN + 11).seq(syn.seq + 1));
            assertThat(f.read(100)).hasSize(10);
        }

        @Test
        void simultaneousOpenCompletesWithPlainAck() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().syn().seq(PEER_ISN).mss(1460));
            f.expect(seg().syn().ack(PEER_ISN + 1).seq(syn.seq).mss(1460));
            f.send(seg().ack(syn.seq + 1).seq(PEER_ISN + 1));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            f.expectNothing();
        }

        @Test
        void dataInSynAckIsDelivered() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().syn().ack(syn.seq + 1).seq(PEER_ISN).mss(1460).len(100).psh());
            f.expect(seg().ack(PEER_ISN + 101).seq(syn.seq + 1));
            assertThat(f.read(1000)).hasSize(100);
        }

        @Test
        void finInSynAckGoesToCloseWait() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().syn().ack(syn.seq + 1).fin().seq(PEER_ISN).mss(1460));
            f.expect(seg().ack(PEER_ISN + 2).seq(syn.seq + 1));
            assertThat(f.state()).isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(f.read(10)).isNull();
        }

        @Test
        void segmentWithoutSynOrRstIsDropped() {
            f.connect();
            Seg syn = f.expect(seg().syn());
            f.send(seg().ack(syn.seq + 1).seq(PEER_ISN).len(5));
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void closeInSynSentDeletesTheTcbSilently() {
            TcpSocket s = f.connect();
            f.expect(seg().syn());
            s.close();
            f.cycle();
            f.expectNothing();
            assertThat(f.tcb()).isNull();
            f.advance(1500);
            f.expectNothing();
        }
    }

    @Nested
    class SynReceived {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.syn-retries", "2", "jmtcp.tcp.syn-backlog", "1");

        @AfterEach
        void close() {
            f.close();
        }

        private Seg synAck() {
            f.listen();
            f.send(TcpFixture.linuxSyn());
            return f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460).sackPermitted().ws(7).tsEcr(100));
        }

        @Test
        void retransmitsSynAck() {
            Seg first = synAck();
            long last = f.nowMillis();
            for (long gap : new long[] {1000, 2000}) {
                Seg again = f.advanceUntilSent(gap + 10);
                assertThat(again.at / 1_000_000L - last).isBetween(gap, gap + 2);
                seg().syn().ack(PEER_ISN + 1).seq(first.seq).mss(1460).sackPermitted().ws(7).tsEcr(100).check(again, f);
                last = again.at / 1_000_000L;
            }
            // retries exhausted: the half-open connection is forgotten without a word, as Linux does
            f.advance(4100);
            f.expectNothing();
            assertThat(f.tcb()).isNull();
            f.send(TcpFixture.linuxSyn());
            f.expect(seg().syn().ack(PEER_ISN + 1));
            assertThat(f.counter(Counter.TCP_SYN_COOKIES_SENT)).as("half-open count went down").isZero();
        }

        @Test
        void retransmittedSynGetsTheSameSynAck() {
            Seg first = synAck();
            f.send(TcpFixture.linuxSyn());
            f.expect(seg().syn().ack(PEER_ISN + 1).seq(first.seq).mss(1460).sackPermitted().ws(7).tsEcr(100));
        }

        @Test
        void finalAckEstablishesAndQueuesForAccept() {
            Seg s = synAck();
            assertThat(f.listener.isAcceptable()).isFalse();
            f.send(seg().ack(s.seq + 1).seq(PEER_ISN + 1).win(512).ts(101, s.options.tsVal()));
            f.expectNothing();
            assertThat(f.listener.isAcceptable()).isTrue();
            TcpSocket child = f.listener.accept();
            assertThat(child.is(TcpSocket.CONNECTED)).isTrue();
            assertThat(child.remoteAddress()).isEqualTo(PEER_IP);
            assertThat(child.remotePort()).isEqualTo(TcpFixture.PEER_PORT);
            assertThat(child.localPort()).isEqualTo(TcpFixture.PORT);
            assertThat(f.tcb().sndWnd).isEqualTo(512 << 7);
            assertThat(f.tcb().tsRecent).isEqualTo(101);
        }

        @Test
        void dataOnTheFinalAckIsDelivered() {
            Seg s = synAck();
            f.send(seg().ack(s.seq + 1).seq(PEER_ISN + 1).win(512).ts(101, s.options.tsVal()).len(20).psh());
            f.expect(seg().ack(PEER_ISN + 21).seq(s.seq + 1).tsEcr(101));
            f.socket = f.listener.accept();
            assertThat(f.read(100)).hasSize(20);
        }

        @Test
        void rstReturnsToListen() {
            synAck();
            f.send(seg().rst().seq(PEER_ISN + 1));
            f.expectNothing();
            assertThat(f.tcb()).isNull();
            assertThat(f.listener.accept()).isNull();
            // back in LISTEN with the half-open slot free: a new SYN gets a normal SYN-ACK, not a cookie
            f.send(TcpFixture.linuxSyn());
            f.expect(seg().syn().ack(PEER_ISN + 1));
            assertThat(f.tcb()).isNotNull();
            assertThat(f.counter(Counter.TCP_SYN_COOKIES_SENT)).isZero();
        }

        @Test
        void unacceptableAckGetsRst() {
            Seg s = synAck();
            // RFC 9293 3.10.7.4 fifth step, SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>
            f.send(seg().ack(s.seq + 5).seq(PEER_ISN + 1).ts(101, s.options.tsVal()));
            f.expect(seg().rst().seq(s.seq + 5));
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void synFromAnotherIsnGetsChallengeAck() {
            Seg s = synAck();
            // RFC 5961 4.2: a SYN in a synchronized or half-synchronized state is answered by an ACK
            f.send(seg().syn().seq(PEER_ISN + 100).mss(1460));
            f.expect(seg().ack(PEER_ISN + 1).seq(s.seq + 1));
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }
    }
}
