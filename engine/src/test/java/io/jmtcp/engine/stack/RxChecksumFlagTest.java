package io.jmtcp.engine.stack;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.dev.ForwardingDevice;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.TcpSegment;
import org.junit.jupiter.api.Test;

/**
 * The per-frame receive flag {@link FrameBatch#CHECKSUMS_VERIFIED} (a NIC's checksum-good
 * offload): the engine trusts it and skips its own IPv4 and TCP verification for that frame, and
 * verifies frames without it.
 */
class RxChecksumFlagTest {

    /** Stands for a NIC that verified every frame's checksums: flags each received frame. */
    private static final class VerifyingNic extends ForwardingDevice {
        VerifyingNic(NetDevice inner) {
            super(inner, "verified");
        }

        @Override
        public int rxBurst(int queue, FrameBatch batch) {
            int before = batch.size();
            int n = inner.rxBurst(queue, batch);
            for (int i = before; i < before + n; i++) {
                batch.flags(i, FrameBatch.CHECKSUMS_VERIFIED);
            }
            return n;
        }
    }

    /** A SYN to port 8080 whose TCP checksum is wrong by one. */
    private static void synWithWrongChecksum(WireFixture f) {
        f.frame.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, TcpSegment.MIN_HEADER_LENGTH);
        TcpSegment seg = new TcpSegment().wrap(f.frame.buffer(), f.frame.l3Offset() + Ipv4Packet.MIN_HEADER_LENGTH,
                TcpSegment.MIN_HEADER_LENGTH);
        seg.sourcePort(40000).destinationPort(8080).sequenceNumber(1000).acknowledgmentNumber(0)
                .headerLength(TcpSegment.MIN_HEADER_LENGTH).flags(TcpSegment.SYN).window(65535).checksum(0)
                .urgentPointer(0).computeChecksum(PEER_IP, OUR_IP);
        seg.checksum(seg.checksum() ^ 1);
    }

    @Test
    void aFrameTheDeviceVerifiedIsNotVerifiedAgain() throws Exception {
        try (WireFixture f = WireFixture.started(VerifyingNic::new)) {
            f.stack.listen(0, 8080, 16);
            f.cycle();
            synWithWrongChecksum(f);
            f.sendAndCycle();
            Ipv4Packet ip = f.expectFrame().ip();
            TcpSegment synAck = new TcpSegment().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
            assertThat(synAck.flags() & (TcpSegment.SYN | TcpSegment.ACK)).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
            assertThat(f.counter(Counter.RX_DROP_TCP_BAD_CHECKSUM)).isZero();
        }
    }

    @Test
    void aFrameWithoutTheFlagIsVerified() throws Exception {
        try (WireFixture f = WireFixture.started()) {
            f.stack.listen(0, 8080, 16);
            f.cycle();
            synWithWrongChecksum(f);
            f.sendAndCycle();
            f.expectNothing();
            assertThat(f.counter(Counter.RX_DROP_TCP_BAD_CHECKSUM)).isEqualTo(1);
        }
    }
}
