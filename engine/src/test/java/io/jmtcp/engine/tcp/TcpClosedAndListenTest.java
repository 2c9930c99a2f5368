package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_IP;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.tcp.TcpFixture.Seg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Scripted segments to a port nobody listens on (RFC 9293 3.10.7.1) and to a listener (3.10.7.2). */
class TcpClosedAndListenTest {

    @Nested
    class Closed {
        private final TcpFixture f = TcpFixture.create();

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void rstForSegmentToClosedPortWithAck() {
            // RFC 9293 3.10.7.1: ACK on: <SEQ=SEG.ACK><CTL=RST>
            f.send(seg().ack(5000).seq(300).len(10));
            f.expect(seg().rst().seq(5000).win(0).noOptions());
            f.expectNothing();
            assertThat(f.counter(Counter.RX_DROP_TCP_NO_SOCKET)).isEqualTo(1);
        }

        @Test
        void rstForSynToClosedPortAcknowledgesTheSyn() {
            // ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; the SYN counts one
            f.send(seg().syn().seq(300).mss(1460));
            f.expect(seg().rst().ack(301).seq(0).win(0).noOptions());
        }

        @Test
        void rstForDataAndFinWithoutAckCountsEverySequenceNumber() {
            f.send(seg().fin().seq(-10).len(7));
            f.expect(seg().rst().ack(-10 + 7 + 1).seq(0));
        }

        @Test
        void noRstForRst() {
            f.send(seg().rst().seq(1));
            f.send(seg().rst().ack(77).seq(1));
            f.expectNothing();
        }

        @Test
        void closedListenerPortGetsRst() throws Exception {
            TcpSocket l = f.listen();
            f.stack.closeListener(l);
            f.cycle();
            f.send(TcpFixture.linuxSyn());
            f.expect(seg().rst().ack(PEER_ISN + 1).seq(0));
        }
    }

    @Nested
    class Listen {
        private final TcpFixture f = TcpFixture.create();

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void synAckCarriesMssWsSackTsLikeLinux() {
            f.listen();
            f.send(TcpFixture.linuxSyn());
            Seg synAck = f.expect(seg().syn().ack(PEER_ISN + 1).win(65535).mss(1460).sackPermitted().ws(7).tsEcr(100));
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            // Linux's layout: MSS, SACK-permitted + timestamps in 12 bytes, NOP + window scale
            byte[] o = synAck.rawOptions;
            assertThat(o).hasSize(20);
            assertThat(new byte[] {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]})
                    .containsExactly(2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10);
            assertThat(new byte[] {o[12], o[13], o[14], o[15]}).containsExactly(0, 0, 0, 100);
            assertThat(new byte[] {o[16], o[17], o[18], o[19]}).containsExactly(1, 3, 3, 7);
            f.expectNothing();
        }

        @Test
        void synAckOnlyEchoesOptionsThePeerOffered() {
            f.listen();
            f.send(seg().syn().seq(PEER_ISN).mss(1000));
            f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460));
            Tcb t = f.tcb();
            assertThat(t.windowScaling).isFalse();
            assertThat(t.sackPermitted).isFalse();
            assertThat(t.timestamps).isFalse();
            assertThat(t.smss).isEqualTo(1000);
        }

        @Test
        void synWithoutMssOptionMeans536() {
            f.listen();
            f.send(seg().syn().seq(PEER_ISN));
            f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460).win(65535));
            assertThat(f.tcb().smss).isEqualTo(536); // RFC 9293 3.7.1
        }

        @Test
        void ackToListenerGetsRst() {
            f.listen();
            f.send(seg().ack(777).seq(5));
            f.expect(seg().rst().seq(777).noOptions());
            assertThat(f.tcb()).isNull();
        }

        @Test
        void rstToListenerIsIgnored() {
            f.listen();
            f.send(seg().rst().seq(5));
            f.expectNothing();
        }

        @Test
        void segmentWithoutSynOrAckIsDropped() {
            f.listen();
            f.send(seg().seq(5).len(3));
            f.expectNothing();
            assertThat(f.counter(Counter.RX_DROP_TCP_LISTEN_NO_SYN)).isEqualTo(1);
        }

        @Test
        void synFinIsDropped() {
            f.listen();
            f.send(seg().syn().fin().seq(PEER_ISN).mss(1460));
            f.expectNothing();
            assertThat(f.tcb()).isNull();
            assertThat(f.counter(Counter.RX_DROP_TCP_BAD_FLAGS)).isEqualTo(1);
        }

        @Test
        void acceptQueueFullDropsSyn() {
            f.listen(2);
            for (int port = 40001; port <= 40002; port++) {
                f.send(seg().syn().seq(PEER_ISN).from(PEER_IP, port));
                Seg synAck = f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460).dstPortAny());
                f.send(seg().ack(synAck.seq + 1).seq(PEER_ISN + 1).from(PEER_IP, port));
                f.expectNothing();
            }
            f.send(TcpFixture.linuxSyn());
            f.expectNothing(); // as Linux: the client will retry
            assertThat(f.counter(Counter.RX_DROP_TCP_ACCEPT_QUEUE_FULL)).isEqualTo(1);
            assertThat(f.listener.accept()).isNotNull();
            f.send(TcpFixture.linuxSyn());
            f.expect(seg().syn().ack(PEER_ISN + 1));
        }
    }

    @Nested
    class SynCookies {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.syn-backlog", "1");

        @AfterEach
        void close() {
            f.close();
        }

        /** Fills the one-entry SYN backlog from another port, then sends the Linux SYN; returns the cookie SYN-ACK. */
        private Seg cookieSynAck() {
            f.listen();
            f.send(seg().syn().seq(7).from(PEER_IP, 40001));
            f.expect(seg().syn().ack(8).mss(1460).dstPortAny());
            f.send(TcpFixture.linuxSyn());
            Seg synAck = f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460).sackPermitted().ws(7).tsEcr(100));
            assertThat(f.counter(Counter.TCP_SYN_COOKIES_SENT)).isEqualTo(1);
            assertThat(f.tcb()).as("no state kept for a cookie").isNull();
            return synAck;
        }

        @Test
        void synBacklogFullAnswersWithSynCookie() {
            Seg synAck = cookieSynAck();
            // the options the ISS cannot hold ride in the low bits of TSval (Linux cookie_init_timestamp)
            assertThat(io.jmtcp.engine.tcp.SynCookies.decodeWindowScale(synAck.options.tsVal())).isEqualTo(7);
            assertThat(io.jmtcp.engine.tcp.SynCookies.decodeSackPermitted(synAck.options.tsVal())).isTrue();
        }

        @Test
        void cookieAckEstablishesConnectionWithEncodedMssWsSack() {
            Seg synAck = cookieSynAck();
            f.send(seg().ack(synAck.seq + 1).seq(PEER_ISN + 1).win(512).ts(101, synAck.options.tsVal()));
            f.expectNothing();
            assertThat(f.counter(Counter.TCP_SYN_COOKIES_OK)).isEqualTo(1);
            TcpSocket s = f.listener.accept();
            assertThat(s).isNotNull();
            Tcb t = f.tcb();
            assertThat(t.state).isEqualTo(TcpState.ESTABLISHED);
            assertThat(t.peerMss).isEqualTo(1460);
            assertThat(t.smss).isEqualTo(1448);
            assertThat(t.windowScaling).isTrue();
            assertThat(t.sndWindowShift).isEqualTo(7);
            assertThat(t.sndWnd).isEqualTo(512 << 7);
            assertThat(t.sackPermitted).isTrue();
            assertThat(t.timestamps).isTrue();
            // the connection works: data from the peer is acknowledged (quick-ACK at start)
            f.socket = s;
            f.iss = synAck.seq;
            f.autoTs = true;
            f.stackTsVal = synAck.options.tsVal();
            f.send(seg().ack(synAck.seq + 1).seq(PEER_ISN + 1).len(100).psh());
            f.expect(seg().ack(PEER_ISN + 101).seq(synAck.seq + 1).tsEcr(f.peerTsVal()));
            assertThat(f.read(1000)).hasSize(100);
        }

        @Test
        void badCookieGetsRst() {
            Seg synAck = cookieSynAck();
            f.send(seg().ack(synAck.seq + 2).seq(PEER_ISN + 1).ts(101, synAck.options.tsVal()));
            f.expect(seg().rst().seq(synAck.seq + 2));
            assertThat(f.counter(Counter.RX_DROP_TCP_SYN_COOKIE_BAD)).isEqualTo(1);
            assertThat(f.listener.accept()).isNull();
        }

        @Test
        void cookieWithoutTimestampsCarriesOnlyMss() {
            f.listen();
            f.send(seg().syn().seq(7).from(PEER_IP, 40001));
            f.expect(seg().syn().ack(8).dstPortAny());
            f.send(seg().syn().seq(PEER_ISN).mss(1300).ws(7).sackPermitted());
            Seg synAck = f.expect(seg().syn().ack(PEER_ISN + 1).mss(1460));
            f.send(seg().ack(synAck.seq + 1).seq(PEER_ISN + 1));
            Tcb t = f.tcb();
            assertThat(t.state).isEqualTo(TcpState.ESTABLISHED);
            assertThat(t.peerMss).isEqualTo(1300);
            assertThat(t.windowScaling).isFalse();
            assertThat(t.sackPermitted).isFalse();
        }
    }
}
