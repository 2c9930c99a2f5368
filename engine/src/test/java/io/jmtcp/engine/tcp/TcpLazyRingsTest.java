package io.jmtcp.engine.tcp;

import static io.jmtcp.engine.tcp.TcpFixture.PEER_ISN;
import static io.jmtcp.engine.tcp.TcpFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.RingSlab;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stats.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Socket rings made lazily (issue 3 item 6): none after the handshake, the receive ring with the
 * first payload byte, the send ring with the application's first write, sized by the options in
 * force then; a zero window while ring memory is exhausted and a window update when it is back;
 * rings of an idle connection back to the slab. Scripted against a Linux-like peer (window scale
 * 7, so the stack's 128 KiB default window reads 1024 in the window field).
 */
class TcpLazyRingsTest {

    private static final int DEFAULT = 128 * 1024;

    /** One 4 MiB slab chunk: a single 4 MiB slice takes all the ring memory. */
    private final TcpFixture f = TcpFixture.create("memory.max", "4m");
    private int snd;
    private int rcv;

    @AfterEach
    void close() {
        f.close();
    }

    private void establish() {
        f.establishPassive();
        snd = f.iss + 1;
        rcv = PEER_ISN + 1;
    }

    private RingSlab slab() {
        return f.tcp.slab;
    }

    @Test
    void anEstablishedConnectionHoldsNoRingUntilItCarriesData() {
        establish();
        assertThat(f.tcb().receiveRing).isNull();
        assertThat(f.tcb().sendRing).isNull();
        assertThat(f.socket.receiveRing()).isNull();
        assertThat(f.socket.sendRing()).isNull();
        assertThat(slab().inUseBytes()).isZero();
        // the application sees the buffer it will get: writable, nothing to read
        assertThat(f.socket.isWritable()).isTrue();
        assertThat(f.socket.writableBytes()).isEqualTo(DEFAULT);
        assertThat(f.socket.readableBytes()).isZero();
        assertThat(f.socket.isReadable()).isFalse();
    }

    @Test
    void theReceiveRingArrivesWithTheFirstPayloadByteAndTheWindowWasItsSize() {
        establish();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100).seq(snd).win((DEFAULT - 100) >> 7));
        ByteRing ring = f.socket.receiveRing();
        assertThat(ring).isNotNull().isSameAs(f.tcb().receiveRing);
        assertThat(ring.capacity()).isEqualTo(DEFAULT);
        assertThat(f.tcb().sendRing).as("nothing written yet").isNull();
        assertThat(slab().inUseBytes()).isEqualTo(DEFAULT);
        byte[] got = f.read(1000);
        assertThat(got).hasSize(100);
        assertThat(got[0]).isEqualTo((byte) rcv);
    }

    @Test
    void aFinWithoutDataNeedsNoRing() {
        establish();
        f.send(seg().ack(snd).seq(rcv).fin());
        f.expect(seg().ack(rcv + 1).seq(snd));
        assertThat(f.socket.receiveRing()).isNull();
        assertThat(f.read(100)).as("end of stream").isNull();
    }

    @Test
    void theFirstWriteMakesTheSendRingAndTheEngineSendsFromIt() {
        establish();
        assertThat(f.write(300, 7)).isEqualTo(300);
        ByteRing ring = f.socket.sendRing();
        assertThat(ring).isNotNull();
        assertThat(ring.capacity()).isEqualTo(DEFAULT);
        assertThat(f.socket.receiveRing()).isNull();
        f.cycle();
        assertThat(f.tcb().sendRing).isSameAs(ring);
        f.expect(seg().seq(snd).ack(rcv).len(300).psh());
        assertThat(f.socket.writableBytes()).isEqualTo(DEFAULT - 300);
    }

    @Test
    void aWriteAndACloseInOneCycleSendTheDataBeforeTheFin() {
        establish();
        assertThat(f.write(50, 0)).isEqualTo(50);
        f.socket.close();
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv).len(50).psh());
        f.expect(seg().seq(snd + 50).ack(rcv).fin());
    }

    @Test
    void buffersSetAfterTheHandshakeSizeTheLazyRingsAndTheWindow() {
        establish();
        f.socket.receiveBufferSize(1 << 20);
        f.socket.sendBufferSize(1 << 20);
        f.cycle();
        assertThat(f.socket.writableBytes()).isEqualTo(1 << 20);
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        // the window opens to the larger buffer with the first ACK: (1 MiB - 100) >> 7
        f.expect(seg().ack(rcv + 100).seq(snd).win(((1 << 20) - 100) >> 7));
        assertThat(f.socket.receiveRing().capacity()).isEqualTo(1 << 20);
        assertThat(f.write(10, 0)).isEqualTo(10);
        assertThat(f.socket.sendRing().capacity()).isEqualTo(1 << 20);
    }

    @Test
    void aLargerReceiveBufferGrowsTheRingOnceTheApplicationHasReadEverything() {
        establish();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100).seq(snd));
        ByteRing first = f.socket.receiveRing();
        assertThat(first.capacity()).isEqualTo(DEFAULT);
        f.socket.receiveBufferSize(1 << 20);
        f.cycle();
        // unread bytes: the ring stays
        f.send(seg().ack(snd).seq(rcv + 100).len(100).psh());
        f.expect(seg().ack(rcv + 200).seq(snd));
        assertThat(f.socket.receiveRing()).isSameAs(first);
        assertThat(f.read(1000)).hasSize(200);
        // empty now: the next data goes into a ring of the new size, and the window opens to it
        f.send(seg().ack(snd).seq(rcv + 200).len(100).psh());
        f.expect(seg().ack(rcv + 300).seq(snd).win(((1 << 20) - 100) >> 7));
        assertThat(f.socket.receiveRing().capacity()).isEqualTo(1 << 20);
        byte[] got = f.read(1000);
        assertThat(got).hasSize(100);
        assertThat(got[0]).isEqualTo((byte) (rcv + 200));
        slab().drainReturned();
        assertThat(slab().inUseBytes()).as("the old ring went back").isEqualTo(1 << 20);
    }

    @Test
    void buffersInheritedFromTheListenerSizeTheLazyRings() {
        f.listen().receiveBufferSize(256 * 1024);
        f.listener.sendBufferSize(64 * 1024);
        establish();
        f.send(seg().ack(snd).seq(rcv).len(10).psh());
        f.expect(seg().ack(rcv + 10));
        assertThat(f.socket.receiveRing().capacity()).isEqualTo(256 * 1024);
        assertThat(f.write(10, 0)).isEqualTo(10);
        assertThat(f.socket.sendRing().capacity()).isEqualTo(64 * 1024);
    }

    @Test
    void exhaustedRingMemoryDropsTheDataWithAZeroWindowUntilMemoryIsBack() {
        establish();
        RingSlab.Slice hog = slab().tryAllocate(slab().maxSlice());
        assertThat(hog).isNotNull();

        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        // dropped, counted, and the window closes: the edge moves back to RCV.NXT
        f.expect(seg().ack(rcv).seq(snd).win(0));
        assertThat(f.counter(Counter.TCP_NO_MEMORY)).isEqualTo(1);
        assertThat(f.socket.readableBytes()).isZero();
        assertThat(f.tcb().rcvStarved).isTrue();
        // the peer's retransmission (or window probe) falls outside the zero window: ACK, window 0
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv).seq(snd).win(0));
        f.advance(500);
        f.expectNothing();

        hog.free();
        f.cycle();
        // memory is back: the ring is made and a window update reopens the window
        f.expect(seg().ack(rcv).seq(snd).win(DEFAULT >> 7));
        assertThat(f.socket.receiveRing()).isNotNull();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100).seq(snd));
        assertThat(f.read(1000)).hasSize(100);
        assertThat(f.tcb().inStarvedList).isFalse();
    }

    @Test
    void aWriteThatFindsNoRingMemoryWaitsForMemoryInsteadOfFailing() throws Exception {
        establish();
        RingSlab.Slice hog = slab().tryAllocate(slab().maxSlice());
        assertThat(f.write(100, 0)).isZero();
        assertThat(f.socket.isWritable()).as("not writable while memory is exhausted").isFalse();
        assertThat(f.socket.writableBytes()).isZero();
        assertThat(f.socket.failure()).isNull();
        f.cycle();
        assertThat(f.counter(Counter.TCP_NO_MEMORY)).isEqualTo(1);
        f.expectNothing();
        // a blocked writer would be woken: the engine reports writable once memory is back
        hog.free();
        f.cycle();
        assertThat(f.socket.isWritable()).isTrue();
        assertThat(f.socket.awaitWritable(0)).isZero();
        assertThat(f.write(100, 0)).isEqualTo(100);
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv).len(100).psh());
    }

    @Test
    void ringsOfAnIdleConnectionGoBackToTheSlabAndComeBackWhenNeeded() {
        establish();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100));
        assertThat(f.read(1000)).hasSize(100);
        rcv += 100;
        assertThat(f.write(200, 0)).isEqualTo(200);
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv).len(200).psh());
        f.send(seg().ack(snd + 200).seq(rcv));
        snd += 200;
        assertThat(slab().inUseBytes()).isEqualTo(2 * DEFAULT);

        f.advance(1600);
        assertThat(f.socket.receiveRing()).isNull();
        assertThat(f.socket.sendRing()).isNull();
        assertThat(f.tcb().receiveRing).isNull();
        assertThat(f.tcb().sendRing).isNull();
        slab().drainReturned();
        assertThat(slab().inUseBytes()).isZero();
        f.expectNothing();

        // both directions work again, from fresh rings, with no byte lost or repeated
        f.send(seg().ack(snd).seq(rcv).len(30).psh());
        f.expect(seg().ack(rcv + 30).seq(snd));
        byte[] got = f.read(1000);
        assertThat(got).hasSize(30);
        assertThat(got[0]).isEqualTo((byte) rcv);
        assertThat(f.write(40, 9)).isEqualTo(40);
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv + 30).len(40).psh());
    }

    @Test
    void ringsWithUnreadOrUnacknowledgedBytesAreKeptWhileIdle() {
        establish();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100));
        assertThat(f.write(200, 0)).isEqualTo(200);
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv + 100).len(200).psh());
        // the peer never acknowledges; the application never reads
        f.advanceCollecting(1500);
        assertThat(f.socket.receiveRing()).isNotNull();
        assertThat(f.socket.sendRing()).isNotNull();
        assertThat(f.read(1000)).hasSize(100);
    }

    @Test
    void closingReturnsTheRingsToTheSlab() {
        establish();
        f.send(seg().ack(snd).seq(rcv).len(100).psh());
        f.expect(seg().ack(rcv + 100));
        assertThat(f.read(1000)).hasSize(100);
        assertThat(f.write(10, 0)).isEqualTo(10);
        TcpSocket s = f.socket;
        s.close();
        f.cycle();
        f.expect(seg().seq(snd).ack(rcv + 100).len(10).psh());
        f.expect(seg().seq(snd + 10).ack(rcv + 100).fin());
        f.send(seg().ack(snd + 11).seq(rcv + 100).fin());
        f.expect(seg().ack(rcv + 101));
        assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        slab().drainReturned();
        assertThat(slab().inUseBytes()).isZero();
        assertThat(s.receiveRing()).isNull();
        assertThat(s.sendRing()).isNull();
    }
}
