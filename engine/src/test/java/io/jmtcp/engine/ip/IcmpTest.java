package io.jmtcp.engine.ip;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.OUR_MAC;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.stack.WireFixture;
import io.jmtcp.engine.stack.WireFixture.Received;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import io.jmtcp.engine.wire.UdpDatagram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ICMP echo and errors (RFC 792, RFC 1122 3.2.2) and UDP's port unreachable (RFC 1122 4.1.3.1). */
class IcmpTest {

    private static final int IP = EthernetFrame.HEADER_LENGTH;

    private WireFixture f;

    @BeforeEach
    void open() {
        f = WireFixture.started();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void repliesToEchoRequest() {
        f.frame.echoRequest(PEER_IP, OUR_IP, 0xbeef, 0x1234, 56);
        byte[] request = f.frame.bytes();
        f.send().cycle();
        Received r = f.expectFrame();
        assertThat(r.eth().destination()).isEqualTo(PEER_MAC);
        assertThat(r.eth().source()).isEqualTo(OUR_MAC);
        Ipv4Packet ip = r.ip();
        assertThat(ip.source()).isEqualTo(OUR_IP);
        assertThat(ip.destination()).isEqualTo(PEER_IP);
        assertThat(ip.protocol()).isEqualTo(Ipv4Packet.PROTOCOL_ICMP);
        assertThat(ip.timeToLive()).isEqualTo(64);
        assertThat(ip.moreFragments()).isFalse();
        Icmpv4Packet m = r.icmp();
        assertThat(m.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        assertThat(m.code()).isZero();
        assertThat(m.identifier()).isEqualTo(0xbeef);
        assertThat(m.sequenceNumber()).isEqualTo(0x1234);
        assertThat(m.verifyChecksum()).isTrue();
        byte[] reply = r.bytes();
        assertThat(reply).hasSize(request.length);
        for (int i = IP + 20 + 8; i < request.length; i++) {
            assertThat(reply[i]).as("data byte %d", i).isEqualTo(request[i]);
        }
        assertThat(f.counter(Counter.ICMP_RX_ECHO_REQUESTS)).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void ignoresEchoToBroadcast() {
        f.frame.ethDestination(MacAddress.BROADCAST);
        f.frame.echoRequest(PEER_IP, WireFixture.SUBNET_BROADCAST, 1, 1, 8);
        f.send().cycle();
        f.frame.echoRequest(PEER_IP, -1, 1, 2, 8);
        f.send().cycle();
        f.expectNothing();
        assertThat(f.counter(Counter.RX_DROP_ICMP_ECHO_TO_BROADCAST)).isEqualTo(2);
    }

    @Test
    void dropsBadIcmpByReason() {
        f.frame.echoRequest(PEER_IP, OUR_IP, 1, 1, 8);
        int icmp = IP + 20;
        f.frame.put8(icmp + 8, f.frame.get8(icmp + 8) ^ 0xff);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ICMP_BAD_CHECKSUM)).isEqualTo(1);
        f.frame.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, 4);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ICMP_TRUNCATED)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void deliversEchoReplyToListener() {
        List<int[]> replies = new ArrayList<>();
        f.engine.icmp().listener(new Icmp.Listener() {
            @Override
            public void onEchoReply(int source, int identifier, int sequence, long now) {
                replies.add(new int[] {source, identifier, sequence});
            }
        });
        f.frame.icmpMessage(PEER_IP, OUR_IP, Icmpv4Packet.TYPE_ECHO_REPLY, 0, 77, 3, 24);
        f.send().cycle();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).containsExactly(PEER_IP, 77, 3);
        assertThat(f.counter(Counter.ICMP_RX_ECHO_REPLIES)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void sendsEchoRequest() {
        assertThat(f.engine.icmp().sendEchoRequest(PEER_IP, 0x55, 2, 40)).isTrue();
        f.cycle();
        Icmpv4Packet m = f.expectFrame().icmp();
        assertThat(m.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REQUEST);
        assertThat(m.identifier()).isEqualTo(0x55);
        assertThat(m.sequenceNumber()).isEqualTo(2);
        assertThat(m.payloadLength()).isEqualTo(40);
        assertThat(m.verifyChecksum()).isTrue();
    }

    @Test
    void deliversErrorQuotingOurPacketToListener() {
        List<int[]> errors = new ArrayList<>();
        f.engine.icmp().listener(new Icmp.Listener() {
            @Override
            public void onError(int type, int code, int nextHopMtu, Ipv4Packet quoted, long now) {
                errors.add(new int[] {type, code, nextHopMtu, quoted.destination()});
            }
        });
        // destination unreachable, fragmentation needed, MTU 1400, quoting a packet we sent to .3
        f.frame.icmpMessage(PEER_IP, OUR_IP, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 0, 1400, 28);
        int q = IP + 20 + 8;
        java.nio.ByteBuffer b = f.frame.buffer();
        Ipv4Packet quoted = new Ipv4Packet().wrap(b, q, 28);
        quoted.versionAndHeaderLength(20).totalLength(1500).protocol(6).source(OUR_IP).destination(WireFixture.OTHER_IP)
                .computeChecksum();
        new Icmpv4Packet().wrap(b, IP + 20, 36).computeChecksum();
        f.send().cycle();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).containsExactly(3, 4, 1400, WireFixture.OTHER_IP);
        assertThat(f.counter(Counter.ICMP_RX_UNREACHABLE)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void protocolUnreachableForUnknownProtocol() {
        f.frame.ipv4(PEER_IP, OUR_IP, 99, 40);
        byte[] offending = f.frame.bytes();
        f.send().cycle();
        Received r = f.expectFrame();
        Icmpv4Packet m = r.icmp();
        assertThat(m.type()).isEqualTo(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE);
        assertThat(m.code()).isEqualTo(Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE);
        assertThat(m.verifyChecksum()).isTrue();
        assertThat(m.restOfHeader()).isZero();
        assertQuotes(r, m, offending);
        assertThat(f.counter(Counter.RX_DROP_PROTOCOL_UNREACHABLE)).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_TX_UNREACHABLE)).isEqualTo(1);
    }

    private static void assertQuotes(Received r, Icmpv4Packet m, byte[] offending) {
        // RFC 1812 4.3.2.3 / RFC 1122: as much of the offending datagram as fits in 576 bytes
        int quoted = Math.min(offending.length - IP, 576 - 20 - 8);
        assertThat(m.payloadLength()).isEqualTo(quoted);
        for (int i = 0; i < quoted; i++) {
            assertThat(r.buffer().get(m.payloadOffset() + i)).as("quoted byte %d", i).isEqualTo(offending[IP + i]);
        }
    }

    @Test
    void portUnreachableForUdp() {
        f.frame.udp(PEER_IP, OUR_IP, 40000, 9, 12, true);
        byte[] offending = f.frame.bytes();
        f.send().cycle();
        Received r = f.expectFrame();
        Icmpv4Packet m = r.icmp();
        assertThat(m.type()).isEqualTo(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE);
        assertThat(m.code()).isEqualTo(Icmpv4Packet.CODE_PORT_UNREACHABLE);
        assertThat(r.ip().destination()).isEqualTo(PEER_IP);
        assertQuotes(r, m, offending);
        assertThat(f.counter(Counter.UDP_RX_DATAGRAMS)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_UDP_NO_PORT)).isEqualTo(1);
    }

    @Test
    void longOffendingDatagramIsQuotedUpTo576Bytes() {
        f.frame.udp(PEER_IP, OUR_IP, 40000, 9, 1200, false);
        byte[] offending = f.frame.bytes();
        f.send().cycle();
        Received r = f.expectFrame();
        assertThat(r.ip().totalLength()).isEqualTo(576);
        assertQuotes(r, r.icmp(), offending);
    }

    @Test
    void dropsBadUdpByReason() {
        f.frame.udp(PEER_IP, OUR_IP, 1, 2, 10, true);
        int udp = IP + 20;
        f.frame.put8(udp + 8, f.frame.get8(udp + 8) ^ 1);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_UDP_BAD_CHECKSUM)).isEqualTo(1);
        f.frame.udp(PEER_IP, OUR_IP, 1, 2, 10, false).put16(udp + 4, 30);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_UDP_TRUNCATED)).isEqualTo(1);
        f.frame.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_UDP, UdpDatagram.HEADER_LENGTH - 1);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_UDP_TRUNCATED)).isEqualTo(2);
        f.expectNothing();
    }

    @Test
    void noIcmpErrorAboutBroadcastOrIcmpError() {
        f.frame.ethDestination(MacAddress.BROADCAST);
        f.frame.udp(PEER_IP, WireFixture.SUBNET_BROADCAST, 68, 67, 10, true);
        f.send().cycle();
        f.clock.advanceMillis(10);
        f.frame.udp(PEER_IP, -1, 68, 67, 10, true);
        f.send().cycle();
        f.clock.advanceMillis(10);
        f.frame.ipv4(PEER_IP, -1, 99, 8);
        f.send().cycle();
        f.clock.advanceMillis(10);
        f.frame.ethDestination(OUR_MAC);
        // RFC 1122 3.2.2: nor about a datagram from 0.0.0.0
        f.frame.udp(0, OUR_IP, 68, 67, 10, false);
        f.send().cycle();
        f.expectNothing();
        assertThat(f.counter(Counter.RX_DROP_UDP_NO_PORT)).isEqualTo(3);
        assertThat(f.counter(Counter.RX_DROP_PROTOCOL_UNREACHABLE)).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_TX_UNREACHABLE)).isZero();
    }

    @Test
    void icmpErrorsAreRateLimited() {
        f.frame.udp(PEER_IP, OUR_IP, 40000, 9, 12, true);
        f.send().send().send().cycle();
        assertThat(f.drain()).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_ERRORS_RATE_LIMITED)).isEqualTo(2);
        f.clock.advanceMillis(1);
        f.send().cycle();
        assertThat(f.drain()).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_TX_UNREACHABLE)).isEqualTo(2);
    }

    @Test
    void icmpErrorRateLimitOfZeroSendsEveryError() {
        f.close();
        f = WireFixture.started("icmp.error-interval", "0ms");
        f.frame.udp(PEER_IP, OUR_IP, 40000, 9, 12, true);
        f.send().send().send().cycle();
        assertThat(f.drain()).isEqualTo(3);
    }
}
