package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_IP;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import java.net.BindException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Closing (FIN-WAIT-1, FIN-WAIT-2, CLOSING, TIME-WAIT, CLOSE-WAIT, LAST-ACK; RFC 9293 3.6 and
 * 3.10.4), aborts, and misuse of the socket API.
 */
class TcpClosingTest {

    @Nested
    class Closing {
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.time-wait", "2s", "jmtcp.tcp.fin-timeout", "5s");
        private int snd;
        private int rcv;

        Closing() {
            f.establishPassive();
            snd = f.iss + 1;
            rcv = PEER_ISN + 1;
        }

        @AfterEach
        void close() {
            f.close();
        }

        private void toTimeWait() {
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_1);
            f.send(seg().ack(snd + 1).seq(rcv));
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
            f.send(seg().fin().ack(snd + 1).seq(rcv));
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void activeCloseGoesFinWait1FinWait2TimeWait() {
            toTimeWait();
            assertThat(f.socket.is(TcpSocket.FINISHED)).isTrue();
        }

        @Test
        void timeWaitLasts2MslThenCloses() {
            toTimeWait();
            f.advance(1990);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            f.advance(20);
            assertThat(f.tcb()).isNull();
            f.expectNothing();
        }

        @Test
        void timeWaitAcksRetransmittedFinAndRestartsTheTimer() {
            toTimeWait();
            f.advance(1500);
            f.send(seg().fin().ack(snd + 1).seq(rcv));
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            f.advance(1500);
            assertThat(f.state()).as("2 MSL from the retransmitted FIN").isEqualTo(TcpState.TIME_WAIT);
            f.advance(600);
            assertThat(f.tcb()).isNull();
        }

        @Test
        void finIsRetransmittedAfterRto() {
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            TcpFixture.Seg again = f.advanceUntilSent(250);
            TcpFixture.seg().fin().ack(rcv).seq(snd).check(again, f);
        }

        @Test
        void closeSendsPendingDataBeforeFin() {
            f.write(100, 0);
            f.socket.close();
            f.cycle();
            f.expect(seg().ack(rcv).psh().seq(snd).len(100));
            f.expect(seg().fin().ack(rcv).seq(snd + 100));
            f.send(seg().ack(snd + 101).seq(rcv));
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
        }

        @Test
        void passiveCloseCloseWaitLastAck() {
            f.send(seg().fin().ack(snd).seq(rcv));
            f.expect(seg().ack(rcv + 1).seq(snd));
            assertThat(f.state()).isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(f.socket.is(TcpSocket.INPUT_EOF)).isTrue();
            assertThat(f.read(10)).isNull();
            // the application may still send in CLOSE-WAIT
            f.write(10, 0);
            f.cycle();
            f.expect(seg().ack(rcv + 1).psh().seq(snd).len(10));
            f.send(seg().ack(snd + 10).seq(rcv + 1));
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv + 1).seq(snd + 10));
            assertThat(f.state()).isEqualTo(TcpState.LAST_ACK);
            f.send(seg().ack(snd + 11).seq(rcv + 1));
            assertThat(f.tcb()).isNull();
            f.expectNothing();
        }

        @Test
        void simultaneousCloseGoesClosing() {
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            f.send(seg().fin().ack(snd).seq(rcv)); // the peer's FIN, not yet acknowledging ours
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            assertThat(f.state()).isEqualTo(TcpState.CLOSING);
            f.send(seg().ack(snd + 1).seq(rcv + 1));
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            f.expectNothing();
        }

        @Test
        void halfCloseStillReceivesData() {
            f.socket.shutdownOutput();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            f.send(seg().ack(snd + 1).seq(rcv));
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
            f.send(seg().ack(snd + 1).seq(rcv).len(100).psh());
            f.expect(seg().ack(rcv + 100).seq(snd + 1));
            assertThat(f.read(1000)).hasSize(100);
            f.advance(6000); // not an orphan: no FIN-WAIT-2 timeout
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
            f.send(seg().fin().ack(snd + 1).seq(rcv + 100));
            f.expect(seg().ack(rcv + 101).seq(snd + 1));
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.read(10)).isNull();
        }

        @Test
        void closeWithUnreadDataSendsRst() {
            f.send(seg().ack(snd).seq(rcv).len(100));
            f.expect(seg().ack(rcv + 100));
            f.socket.close();
            f.cycle();
            // RFC 2525 2.17: the peer must learn its data was not read
            f.expect(seg().rst().ack(rcv + 100).seq(snd));
            assertThat(f.tcb()).isNull();
            assertThat(f.counter(Counter.TCP_RESETS_UNREAD_DATA)).isEqualTo(1);
        }

        @Test
        void closeWithUnreadDataSendsWrittenDataBeforeTheRst() {
            f.send(seg().ack(snd).seq(rcv).len(100));
            f.expect(seg().ack(rcv + 100));
            f.write(40, 0);
            f.socket.close();
            f.cycle();
            // the response written just before close() reaches the peer, then the reset
            f.expect(seg().psh().ack(rcv + 100).seq(snd).len(40));
            f.expect(seg().rst().ack(rcv + 100).seq(snd + 40));
            assertThat(f.tcb()).isNull();
        }

        @Test
        void lingerZeroAbortsWithRst() {
            f.socket.lingerSeconds(0);
            f.socket.close();
            f.cycle();
            f.expect(seg().rst().ack(rcv).seq(snd));
            assertThat(f.tcb()).isNull();
            f.expectNothing();
        }

        @Test
        void finWait2TimesOutForOrphans() {
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            f.send(seg().ack(snd + 1).seq(rcv));
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
            f.advance(4990);
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_2);
            f.advance(20);
            assertThat(f.tcb()).isNull();
            f.expectNothing();
        }

        @Test
        void dataAfterFinIsIgnored() {
            f.send(seg().fin().ack(snd).seq(rcv));
            f.expect(seg().ack(rcv + 1));
            f.send(seg().ack(snd).seq(rcv + 1).len(10));
            // RFC 9293 3.10.7.4 seventh step: in CLOSE-WAIT the segment text is ignored
            f.expectNothing();
            assertThat(f.counter(Counter.RX_DROP_TCP_DATA_AFTER_FIN)).isEqualTo(1);
            assertThat(f.read(100)).isNull();
        }

        @Test
        void rstInTimeWaitClosesIt() {
            toTimeWait();
            f.send(seg().rst().seq(rcv + 1));
            assertThat(f.tcb()).isNull();
            f.expectNothing();
        }
    }

    @Nested
    class ApiMisuse {
        private final TcpFixture f = TcpFixture.create();

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void writeAfterShutdownOutputThrows() {
            f.establishPassive();
            f.socket.shutdownOutput();
            f.cycle();
            assertThatThrownBy(() -> f.socket.write(ByteBuffer.allocate(1)))
                    .isInstanceOf(SocketException.class).hasMessageContaining("output is already shutdown");
            assertThat(f.socket.writableBytes()).isZero();
        }

        @Test
        void readAfterResetThrows() {
            f.establishPassive();
            f.send(seg().rst().seq(PEER_ISN + 1));
            assertThatThrownBy(() -> f.socket.read(ByteBuffer.allocate(10)))
                    .isInstanceOf(SocketException.class).hasMessage("Connection reset");
            assertThat(f.socket.isReadable()).isTrue();
            assertThat(f.socket.isWritable()).isTrue();
        }

        @Test
        void dataBeforeResetIsReadFirst() throws Exception {
            f.establishPassive();
            f.send(seg().ack(f.iss + 1).seq(PEER_ISN + 1).len(10));
            f.expect(seg().ack(PEER_ISN + 11));
            f.send(seg().rst().seq(PEER_ISN + 11));
            assertThat(f.socket.read(ByteBuffer.allocate(100))).isEqualTo(10);
            assertThatThrownBy(() -> f.socket.read(ByteBuffer.allocate(10))).hasMessage("Connection reset");
        }

        @Test
        void writeBeforeConnectedWritesNothing() throws Exception {
            TcpSocket s = f.connect();
            f.expect(seg().syn());
            assertThat(s.write(ByteBuffer.allocate(10))).isZero();
            assertThat(s.isWritable()).isFalse();
        }

        @Test
        void connectFromAPortInUseToTheSamePeerFails() {
            f.establishActive();
            TcpSocket second = f.stack.connect(new TcpSocket(), TcpFixture.PORT, PEER_IP, TcpFixture.PEER_PORT);
            f.cycle();
            f.expectNothing();
            assertThat(second.isConnectFinished()).isTrue();
            assertThat(second.failure()).isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        }

        @Test
        void listenOnAPortInUseThrows() {
            f.listen();
            assertThatThrownBy(() -> f.stack.listen(0, TcpFixture.PORT, 4)).isInstanceOf(BindException.class);
        }

        @Test
        void connectionRefusedIsAConnectException() {
            TcpSocket s = f.connect();
            TcpFixture.Seg syn = f.expect(seg().syn());
            f.send(seg().rst().ack(syn.seq + 1));
            assertThat(s.isConnectFinished()).isTrue();
            assertThat(s.isWritable()).isTrue();
            assertThatThrownBy(() -> s.write(ByteBuffer.allocate(1))).isInstanceOf(java.net.ConnectException.class);
        }
    }
}
