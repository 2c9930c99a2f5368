package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.stats.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A new incarnation of a 4-tuple still in TIME-WAIT: the active side's reuse under
 * {@code jmtcp.tcp.tw-reuse} (RFC 7323 Appendix B, Linux {@code tcp_tw_reuse}), the passive
 * side's reopen on a newer SYN (RFC 6191, RFC 9293 3.10.7.4), the new ISS beyond the old
 * SND.NXT, monotonic timestamps, and PAWS against the old incarnation's duplicates.
 */
class TcpTimeWaitReuseTest {

    /** The peer's ISN on the second incarnation. */
    private static final int NEW_PEER_ISN = 7_000_000;

    /** The stack accepted, closed first and sits in TIME-WAIT; the peer sends a new SYN on the same 4-tuple. */
    @Nested
    class PassiveOpen {
        private TcpFixture f;
        private int snd;
        private int rcv;

        @AfterEach
        void close() {
            f.close();
        }

        private void toTimeWait(TcpFixture.Seg firstSyn) {
            f = TcpFixture.create();
            f.establishPassive(firstSyn);
            snd = f.iss + 1;
            rcv = PEER_ISN + 1;
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            f.send(seg().fin().ack(snd + 1).seq(rcv));
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        private void expectReopened(int newPeerIsn) {
            TcpFixture.Seg synAck = f.expect(seg().syn().ack(newPeerIsn + 1));
            assertThat(synAck.seq - (snd + 1 + TimeWait.ISS_GAP))
                    .as("the new ISS lies a window beyond the old SND.NXT").isGreaterThanOrEqualTo(0);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isEqualTo(1);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            f.send(seg().ack(synAck.seq + 1).seq(newPeerIsn + 1));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.listener.accept()).as("the new incarnation is accepted").isNotNull();
        }

        private void expectRefused() {
            // RFC 9293 3.10.7.4 / RFC 5961 4.2: answered with an ACK of the old incarnation
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            assertThat(f.state()).as("the old incarnation keeps its TIME-WAIT").isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isZero();
        }

        @Test
        void synWithNewerTimestampReopensEvenWithALowerSequence() {
            toTimeWait(TcpFixture.linuxSyn());
            f.advance(1);
            int lastStackTs = f.stackTsVal;
            // RFC 6191: the timestamp decides, the sequence number may be anything
            f.send(seg().syn().seq(PEER_ISN - 50_000).win(64240).mss(1460).sackPermitted().ts(f.peerTsVal(), 0).ws(7));
            TcpFixture.Seg synAck = f.next();
            assertThat(synAck).isNotNull();
            assertThat(synAck.options.tsVal() - lastStackTs).as("our TSval keeps growing").isGreaterThanOrEqualTo(0);
            seg().syn().ack(PEER_ISN - 50_000 + 1).check(synAck, f);
            assertThat(synAck.seq - (snd + 1 + TimeWait.ISS_GAP)).isGreaterThanOrEqualTo(0);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isEqualTo(1);
        }

        @Test
        void synWithOlderTimestampIsAnOldDuplicate() {
            toTimeWait(TcpFixture.linuxSyn());
            f.advance(1);
            // PAWS (RFC 7323 5.3): older than TS.Recent, whatever its sequence number
            f.send(seg().syn().seq(NEW_PEER_ISN).mss(1460).ts(f.peerTsVal() - 10_000, 0));
            expectRefused();
            assertThat(f.counter(Counter.RX_DROP_TCP_PAWS)).isEqualTo(1);
        }

        @Test
        void synWithEqualTimestampNeedsAHigherSequence() {
            toTimeWait(TcpFixture.linuxSyn());
            int tsRecent = f.tcb().tsRecent;
            f.send(seg().syn().seq(rcv).mss(1460).ts(tsRecent, 0));
            expectRefused();
            f.send(seg().syn().seq(NEW_PEER_ISN).mss(1460).ts(tsRecent, 0));
            expectReopened(NEW_PEER_ISN);
        }

        @Test
        void withoutTimestampsTheSequenceMustBeBeyondRcvNxt() {
            toTimeWait(seg().syn().seq(PEER_ISN).win(64240).mss(1460));
            f.send(seg().syn().seq(rcv - 10).mss(1460));
            expectRefused();
            f.send(seg().syn().seq(NEW_PEER_ISN).mss(1460));
            expectReopened(NEW_PEER_ISN);
        }

        @Test
        void timestampsOnTheNewSynSufficeWhenTheOldIncarnationHadNone() {
            toTimeWait(seg().syn().seq(PEER_ISN).win(64240).mss(1460));
            // RFC 6191: PAWS protects the new incarnation from here on
            f.send(seg().syn().seq(rcv - 10).mss(1460).ts(1, 0));
            TcpFixture.Seg synAck = f.expect(seg().syn().ack(rcv - 10 + 1).tsEcr(1));
            assertThat(synAck.seq - (snd + 1 + TimeWait.ISS_GAP)).isGreaterThanOrEqualTo(0);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isEqualTo(1);
            f.autoTs = true;
            f.stackTsVal = synAck.options.tsVal();
            f.send(seg().ack(synAck.seq + 1).seq(rcv - 10 + 1));
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.listener.accept()).isNotNull();
        }

        @Test
        void synWithoutAListenerDoesNotReopen() {
            toTimeWait(TcpFixture.linuxSyn());
            f.stack.closeListener(f.listener);
            f.cycle();
            f.send(seg().syn().seq(NEW_PEER_ISN).mss(1460).ts(f.peerTsVal() + 10, 0));
            expectRefused();
        }
    }
}
