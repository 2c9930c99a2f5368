package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.OUR_IP;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_IP;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.PEER_PORT;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import java.net.BindException;
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

    /** The stack opens, closes first and lands in TIME-WAIT; then connects again on the same 4-tuple. */
    @Nested
    class ActiveOpen {
        private TcpFixture f;

        @AfterEach
        void close() {
            f.close();
        }

        /** Establishes (with or without timestamps), closes first, and ends in TIME-WAIT; returns the old SND.NXT. */
        private int toTimeWait(boolean timestamps) {
            f.connect();
            TcpFixture.Seg syn = f.expect(seg().syn());
            f.iss = syn.seq;
            TcpFixture.Seg synAck = seg().syn().ack(f.iss + 1).seq(PEER_ISN).win(65160).mss(1460).sackPermitted().ws(7);
            if (timestamps) {
                synAck.ts(f.peerTsVal(), syn.options.tsVal());
            }
            f.send(synAck);
            f.autoTs = timestamps;
            f.expect(seg().ack(PEER_ISN + 1).seq(f.iss + 1));
            int snd = f.iss + 1;
            int rcv = PEER_ISN + 1;
            // one 64-byte request, one 64-byte response
            f.write(64, 0);
            f.cycle();
            f.expect(seg().psh().ack(rcv).seq(snd).len(64));
            f.send(seg().ack(snd + 64).seq(rcv).len(64).psh());
            f.expect(seg().ack(rcv + 64).seq(snd + 64));
            assertThat(f.read(100)).hasSize(64);
            snd += 64;
            rcv += 64;
            // the client closes first
            f.socket.close();
            f.cycle();
            f.expect(seg().fin().ack(rcv).seq(snd));
            f.send(seg().fin().ack(snd + 1).seq(rcv));
            f.expect(seg().ack(rcv + 1).seq(snd + 1));
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            return snd + 1;
        }

        @Test
        void connectTakesOverTimeWaitOneSecondAfterTheLastTimestamp() {
            f = TcpFixture.create("jmtcp.tcp.tw-reuse", "1");
            int oldSndNxt = toTimeWait(true);
            int lastTsVal = f.stackTsVal;
            f.advance(1000);
            TcpSocket second = f.connect(new TcpSocket());
            TcpFixture.Seg syn = f.expect(seg().syn());
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isEqualTo(1);
            assertThat(syn.seq - (oldSndNxt + TimeWait.ISS_GAP))
                    .as("RFC 9293 3.4.1: the new ISS lies a window beyond the old SND.NXT").isGreaterThanOrEqualTo(0);
            assertThat(syn.options.tsVal() - lastTsVal).as("TSval newer than on the old incarnation").isPositive();
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);

            int peerTs = f.peerTsVal();
            f.send(seg().syn().ack(syn.seq + 1).seq(NEW_PEER_ISN).win(65160).mss(1460).sackPermitted()
                    .ts(peerTs, syn.options.tsVal()).ws(7));
            f.expect(seg().ack(NEW_PEER_ISN + 1).seq(syn.seq + 1));
            assertThat(second.is(TcpSocket.CONNECTED)).isTrue();
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);

            // RFC 7323 5.3: a duplicate from the old incarnation that falls into the new window
            // carries an older timestamp and is dropped (with an ACK), not delivered
            f.send(seg().ack(syn.seq + 1).seq(NEW_PEER_ISN + 1).len(10).ts(peerTs - 1500, lastTsVal));
            f.expect(seg().ack(NEW_PEER_ISN + 1).seq(syn.seq + 1));
            assertThat(f.counter(Counter.RX_DROP_TCP_PAWS)).isEqualTo(1);
            assertThat(f.read(100)).isEmpty();
            // the new incarnation's own data passes
            f.send(seg().ack(syn.seq + 1).seq(NEW_PEER_ISN + 1).len(10));
            f.expect(seg().ack(NEW_PEER_ISN + 11).seq(syn.seq + 1));
            assertThat(f.read(100)).hasSize(10);
        }

        @Test
        void connectIsRefusedWhileTheLastTimestampIsUnderOneSecondOld() {
            f = TcpFixture.create("jmtcp.tcp.tw-reuse", "1");
            toTimeWait(true);
            f.advance(999);
            TcpSocket second = f.connect(new TcpSocket());
            f.expectNothing();
            assertThat(second.is(TcpSocket.FAILED)).isTrue();
            assertThat(second.failure()).isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
            assertThat(f.state()).as("the old incarnation keeps its TIME-WAIT").isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isZero();
        }

        @Test
        void connectIsRefusedWhenTheOldIncarnationHadNoTimestamps() {
            f = TcpFixture.create("jmtcp.tcp.tw-reuse", "1");
            toTimeWait(false);
            f.advance(5000);
            TcpSocket second = f.connect(new TcpSocket());
            f.expectNothing();
            assertThat(second.failure()).isInstanceOf(BindException.class);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void connectIsRefusedWhenReuseIsOff() {
            f = TcpFixture.create("jmtcp.tcp.tw-reuse", "0");
            toTimeWait(true);
            f.advance(5000);
            TcpSocket second = f.connect(new TcpSocket());
            f.expectNothing();
            assertThat(second.failure()).isInstanceOf(BindException.class);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void defaultReusesOnlyTowardsLoopbackSoNotTowardsThePeer() {
            f = TcpFixture.create();
            toTimeWait(true);
            f.advance(5000);
            TcpSocket second = f.connect(new TcpSocket());
            f.expectNothing();
            assertThat(second.failure()).isInstanceOf(BindException.class);
            assertThat(TimeWait.policyAllows(TimeWait.REUSE_LOOPBACK, PEER_IP, false)).isFalse();
            assertThat(TimeWait.policyAllows(TimeWait.REUSE_LOOPBACK, 0x7f000005, false)).isTrue();
            assertThat(TimeWait.policyAllows(TimeWait.REUSE_LOOPBACK, OUR_IP, true)).as("the stack's own address").isTrue();
            assertThat(TimeWait.policyAllows(TimeWait.REUSE_NEVER, 0x7f000001, true)).isFalse();
            assertThat(TimeWait.policyAllows(TimeWait.REUSE_ALWAYS, PEER_IP, false)).isTrue();
        }

        @Test
        void afterTwoMslTheTupleIsFreeWithoutReuse() {
            f = TcpFixture.create("jmtcp.tcp.tw-reuse", "0", "jmtcp.tcp.time-wait", "2s");
            toTimeWait(true);
            f.advance(2001);
            assertThat(f.tcb()).isNull();
            f.connect(new TcpSocket());
            f.expect(seg().syn());
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isZero();
        }
    }

    /** Ephemeral ports: the 4-tuple must be unique, not the port; TIME-WAIT reuse in the port search. */
    @Nested
    class EphemeralPorts {
        private static final int ONLY_PORT = 40000;
        private final TcpFixture f = TcpFixture.create("jmtcp.tcp.ports", "40000-40000", "jmtcp.tcp.tw-reuse", "1");

        @AfterEach
        void close() {
            f.close();
        }

        private TcpSocket connect(int remotePort) {
            TcpSocket s = f.stack.connect(new TcpSocket(), 0, PEER_IP, remotePort);
            f.cycle();
            return s;
        }

        /** A SYN from the stack's {@code ONLY_PORT} to {@code remotePort}. */
        private TcpFixture.Seg expectSyn(int remotePort) {
            TcpFixture.Seg pattern = seg().syn();
            pattern.srcPort = ONLY_PORT;
            pattern.dstPort = remotePort;
            return f.expect(pattern);
        }

        @Test
        void onePortServesManyDestinationsButEachTupleOnce() {
            TcpSocket a = connect(PEER_PORT);
            expectSyn(PEER_PORT);
            TcpSocket b = connect(PEER_PORT + 1);
            expectSyn(PEER_PORT + 1);
            assertThat(a.localPort()).isEqualTo(ONLY_PORT);
            assertThat(b.localPort()).isEqualTo(ONLY_PORT);
            TcpSocket c = connect(PEER_PORT);
            f.expectNothing();
            assertThat(c.failure()).as("EADDRNOTAVAIL, as the JDK reports it")
                    .isInstanceOf(BindException.class).hasMessageContaining("Cannot assign requested address");
            assertThat(f.tcp.lookup(OUR_IP, ONLY_PORT, PEER_IP, PEER_PORT).state).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void theOnlyPortIsTakenOverFromTimeWaitAfterOneSecond() {
            TcpSocket a = connect(PEER_PORT);
            TcpFixture.Seg syn = expectSyn(PEER_PORT);
            TcpFixture.Seg synAck = seg().syn().ack(syn.seq + 1).seq(PEER_ISN).mss(1460).ts(f.peerTsVal(), syn.options.tsVal());
            synAck.dstPort = ONLY_PORT;
            f.send(synAck);
            f.autoTs = true;
            TcpFixture.Seg ack = seg().ack(PEER_ISN + 1).seq(syn.seq + 1);
            ack.srcPort = ONLY_PORT;
            f.expect(ack);
            a.close();
            f.cycle();
            TcpFixture.Seg fin = seg().fin().ack(PEER_ISN + 1).seq(syn.seq + 1);
            fin.srcPort = ONLY_PORT;
            f.expect(fin);
            TcpFixture.Seg peerFin = seg().fin().ack(syn.seq + 2).seq(PEER_ISN + 1);
            peerFin.dstPort = ONLY_PORT;
            f.send(peerFin);
            TcpFixture.Seg lastAck = seg().ack(PEER_ISN + 2).seq(syn.seq + 2);
            lastAck.srcPort = ONLY_PORT;
            f.expect(lastAck);
            assertThat(f.tcp.lookup(OUR_IP, ONLY_PORT, PEER_IP, PEER_PORT).state).isEqualTo(TcpState.TIME_WAIT);

            f.advance(500);
            TcpSocket early = connect(PEER_PORT);
            f.expectNothing();
            assertThat(early.failure()).isInstanceOf(BindException.class)
                    .hasMessageContaining("Cannot assign requested address");

            f.advance(500);
            TcpSocket again = connect(PEER_PORT);
            TcpFixture.Seg syn2 = expectSyn(PEER_PORT);
            assertThat(again.localPort()).isEqualTo(ONLY_PORT);
            assertThat(syn2.seq - (syn.seq + 2 + TimeWait.ISS_GAP)).isGreaterThanOrEqualTo(0);
            assertThat(f.tcp.lookup(OUR_IP, ONLY_PORT, PEER_IP, PEER_PORT).state).isEqualTo(TcpState.SYN_SENT);
            assertThat(f.counter(Counter.TCP_TIME_WAIT_REUSED)).isEqualTo(1);
        }
    }

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
