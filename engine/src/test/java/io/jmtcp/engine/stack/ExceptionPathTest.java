package io.jmtcp.engine.stack;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.OUR_MAC;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.dev.ExceptionSinkDevice;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.RingExceptionSink;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's exception path: with a sink on the device, what jmtcp does not consume goes to the
 * sink (the host's stack) byte for byte instead of being answered or dropped, and what it does
 * consume stays with it. The sink is a real in-memory one: a {@link FrameRing} read back here.
 */
class ExceptionPathTest {

    private final FrameRing ring = FrameRing.allocate(16, 1600);
    private final WireFixture f = WireFixture.started(d -> new ExceptionSinkDevice(d, new RingExceptionSink(ring, null)));
    private final FrameBatch borrowed = new FrameBatch(16);

    @AfterEach
    void close() {
        f.close();
    }

    /** Every frame the sink holds, copied out, and consumed. */
    private List<byte[]> sunk() {
        List<byte[]> out = new ArrayList<>();
        int n = ring.borrow(borrowed, 0);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[borrowed.length(i)];
            borrowed.buffer(i).get(borrowed.offset(i), b);
            out.add(b);
        }
        ring.releaseBorrowed();
        borrowed.clear();
        return out;
    }

    private FrameBuilder tcp(int destinationPort, int flags) {
        f.frame.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, TcpSegment.MIN_HEADER_LENGTH);
        new TcpSegment().wrap(f.frame.buffer(), f.frame.l3Offset() + Ipv4Packet.MIN_HEADER_LENGTH,
                TcpSegment.MIN_HEADER_LENGTH)
                .sourcePort(40000).destinationPort(destinationPort).sequenceNumber(1000).acknowledgmentNumber(0)
                .headerLength(TcpSegment.MIN_HEADER_LENGTH).flags(flags).window(65535).checksum(0).urgentPointer(0)
                .computeChecksum(PEER_IP, OUR_IP);
        return f.frame;
    }

    @Test
    void arpIsCopiedToTheSinkAndStillAnswered() {
        // WireFixture.started sent an ARP request for us and saw the reply: the sink has its copy
        List<byte[]> frames = sunk();
        assertThat(frames).hasSize(1);
        EthernetFrame eth = new EthernetFrame().wrap(ByteBuffer.wrap(frames.get(0)), 0, frames.get(0).length);
        assertThat(eth.etherType()).isEqualTo(EthernetFrame.ETHERTYPE_ARP);
        assertThat(eth.destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(f.counter(Counter.EXCEPTION_ARP)).isEqualTo(1);
        assertThat(f.counter(Counter.ARP_TX_REPLIES)).isEqualTo(1);
    }

    @Test
    void udpGoesToTheSinkInsteadOfPortUnreachable() {
        sunk();
        f.frame.udp(PEER_IP, OUR_IP, 5353, 53, 30, true);
        byte[] sent = f.frame.bytes();
        f.sendAndCycle();
        f.expectNothing(); // no ICMP port unreachable: the host's stack answers, or not
        assertThat(sunk()).containsExactly(sent);
        assertThat(f.counter(Counter.EXCEPTION_UDP)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_UDP_NO_PORT)).isZero();
        assertThat(f.counter(Counter.ICMP_TX_UNREACHABLE)).isZero();
    }

    @Test
    void synToAPortNobodyUsesGoesToTheSinkInsteadOfRst() {
        sunk();
        byte[] sent = tcp(9999, TcpSegment.SYN).bytes();
        f.sendAndCycle();
        f.expectNothing();
        assertThat(sunk()).containsExactly(sent);
        assertThat(f.counter(Counter.EXCEPTION_TCP_NO_SOCKET)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_TCP_NO_SOCKET)).isZero();
    }

    @Test
    void tcpForAListenerStaysWithJmtcp() throws Exception {
        sunk();
        TcpSocket listener = f.stack.listen(0, 8080, 16);
        f.cycle();
        tcp(8080, TcpSegment.SYN);
        f.sendAndCycle();
        WireFixture.Received synAck = f.expectFrame();
        Ipv4Packet ip = synAck.ip();
        TcpSegment seg = new TcpSegment().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertThat(seg.flags() & (TcpSegment.SYN | TcpSegment.ACK)).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(sunk()).isEmpty();
        assertThat(f.counter(Counter.EXCEPTION_TCP_NO_SOCKET)).isZero();
        assertThat(listener.is(TcpSocket.LISTENING)).isTrue();
    }

    @Test
    void ipv6AndOtherMacsGoToTheSink() {
        sunk();
        ByteBuffer b = ByteBuffer.allocate(14 + 40);
        b.putShort(0, (short) 0x3333).putInt(2, 0xff000001); // IPv6 multicast MAC (neighbour discovery)
        b.putShort(6, (short) (PEER_MAC >>> 32)).putInt(8, (int) PEER_MAC).putShort(12, (short) 0x86dd);
        b.put(14, (byte) 0x60);
        f.send(b, 0, b.capacity()).cycle();
        b.putShort(0, (short) (OUR_MAC >>> 32)).putInt(2, (int) OUR_MAC); // IPv6 unicast to our MAC
        f.send(b, 0, b.capacity()).cycle();
        f.expectNothing();
        List<byte[]> frames = sunk();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1)).isEqualTo(b.array());
        assertThat(f.counter(Counter.EXCEPTION_OTHER_DESTINATION)).isEqualTo(1);
        assertThat(f.counter(Counter.EXCEPTION_ETHERTYPE)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_ETH_UNKNOWN_TYPE)).isZero();
    }

    @Test
    void echoRequestsStayWithJmtcpOtherIcmpIsCopied() {
        sunk();
        f.frame.echoRequest(PEER_IP, OUR_IP, 7, 1, 16);
        f.sendAndCycle();
        assertThat(f.expectFrame().icmp().type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        assertThat(sunk()).isEmpty();
        // an echo reply answers the host's own ping: the host gets it (jmtcp sees it too)
        f.frame.icmpMessage(PEER_IP, OUR_IP, Icmpv4Packet.TYPE_ECHO_REPLY, 0, 9, 1, 16);
        byte[] reply = f.frame.bytes();
        f.sendAndCycle();
        f.expectNothing();
        assertThat(sunk()).containsExactly(reply);
        assertThat(f.counter(Counter.EXCEPTION_ICMP)).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_RX_ECHO_REPLIES)).isEqualTo(1);
    }

    @Test
    void unknownIpProtocolGoesToTheSinkInsteadOfProtocolUnreachable() {
        sunk();
        f.frame.ipv4(PEER_IP, OUR_IP, 47, 24); // GRE
        byte[] sent = f.frame.bytes();
        f.sendAndCycle();
        f.expectNothing();
        assertThat(sunk()).containsExactly(sent);
        assertThat(f.counter(Counter.EXCEPTION_IP_PROTOCOL)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_PROTOCOL_UNREACHABLE)).isZero();
    }

    @Test
    void aReassembledDatagramGoesToTheSinkAsOneFrameWithAnEthernetHeader() {
        sunk();
        // a UDP datagram of 1200 bytes in two fragments: what the host gets is the whole datagram
        ByteBuffer udp = ByteBuffer.allocate(1200);
        udp.putShort(0, (short) 5353).putShort(2, (short) 53).putShort(4, (short) 1200).putShort(6, (short) 0);
        for (int i = 8; i < 1200; i++) {
            udp.put(i, (byte) (i * 7));
        }
        f.frame.identification(77).fragment(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_UDP, udp, 0, 800, true);
        f.sendAndCycle();
        assertThat(sunk()).isEmpty();
        f.frame.identification(77).fragment(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_UDP, udp, 800, 400, false);
        f.sendAndCycle();
        f.expectNothing();
        List<byte[]> frames = sunk();
        assertThat(frames).hasSize(1);
        ByteBuffer b = ByteBuffer.wrap(frames.get(0));
        EthernetFrame eth = new EthernetFrame().wrap(b, 0, b.capacity());
        assertThat(eth.destination()).isEqualTo(OUR_MAC);
        assertThat(eth.source()).isEqualTo(PEER_MAC);
        assertThat(eth.etherType()).isEqualTo(EthernetFrame.ETHERTYPE_IPV4);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, EthernetFrame.HEADER_LENGTH, b.capacity() - EthernetFrame.HEADER_LENGTH);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.totalLength()).isEqualTo(Ipv4Packet.MIN_HEADER_LENGTH + 1200);
        byte[] payload = new byte[1200];
        b.get(ip.payloadOffset(), payload);
        assertThat(payload).isEqualTo(udp.array());
        assertThat(f.counter(Counter.EXCEPTION_UDP)).isEqualTo(1);
    }

    @Test
    void aFullSinkDropsAndCountsWithoutAnsweringInstead() {
        sunk();
        f.frame.udp(PEER_IP, OUR_IP, 5353, 53, 8, true);
        for (int i = 0; i < ring.slots() + 3; i++) {
            f.sendAndCycle();
        }
        f.expectNothing();
        assertThat(sunk()).hasSize(ring.slots());
        assertThat(f.counter(Counter.EXCEPTION_UDP)).isEqualTo(ring.slots());
        assertThat(f.counter(Counter.EXCEPTION_DROPPED)).isEqualTo(3);
    }

    @Test
    void withoutASinkJmtcpStillAnswersUdpAndTcpItself() {
        try (WireFixture plain = WireFixture.started()) {
            plain.frame.udp(PEER_IP, OUR_IP, 5353, 53, 8, true);
            plain.sendAndCycle();
            assertThat(plain.expectFrame().icmp().code()).isEqualTo(Icmpv4Packet.CODE_PORT_UNREACHABLE);
            assertThat(plain.counter(Counter.EXCEPTION_UDP)).isZero();
            assertThat(plain.counter(Counter.EXCEPTION_ARP)).isZero();
        }
    }
}
