package io.jmtcp.engine.ip;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.stack.WireFixture;
import io.jmtcp.engine.stack.WireFixture.Received;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IPv4 input validation (RFC 791, RFC 1122 3.2.1): every drop has its reason counted. */
class Ipv4InputTest {

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

    private void echo() {
        f.frame.echoRequest(PEER_IP, OUR_IP, 1, 1, 32);
    }

    private void expectDropped(Counter reason) {
        f.send().cycle();
        f.expectNothing();
        assertThat(f.counter(reason)).as(reason.name()).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_RX_ECHO_REQUESTS)).isZero();
    }

    @Test
    void dropsTruncatedHeader() {
        echo();
        f.frame.length(IP + 19);
        expectDropped(Counter.RX_DROP_IP_TRUNCATED);
    }

    @Test
    void dropsTotalLengthBeyondFrame() {
        echo();
        f.frame.length(f.frame.length() - 1);
        expectDropped(Counter.RX_DROP_IP_TRUNCATED);
    }

    @Test
    void dropsBadVersion() {
        echo();
        f.frame.put8(IP, 0x65).ipChecksum();
        expectDropped(Counter.RX_DROP_IP_BAD_VERSION);
    }

    @Test
    void dropsBadHeaderLength() {
        echo();
        f.frame.put8(IP, 0x44);
        expectDropped(Counter.RX_DROP_IP_BAD_HEADER_LENGTH);
    }

    @Test
    void dropsHeaderLengthBeyondFrame() {
        f.frame.ipv4(PEER_IP, OUR_IP, 99, 0).put8(IP, 0x4f); // 60-byte header in a 20-byte packet
        expectDropped(Counter.RX_DROP_IP_TRUNCATED);
    }

    @Test
    void dropsBadTotalLength() {
        echo();
        f.frame.put16(IP + 2, 19).ipChecksum();
        expectDropped(Counter.RX_DROP_IP_BAD_TOTAL_LENGTH);
    }

    @Test
    void dropsBadChecksum() {
        echo();
        f.frame.put16(IP + 10, f.frame.buffer().getShort(IP + 10) ^ 0x0100);
        expectDropped(Counter.RX_DROP_IP_BAD_CHECKSUM);
    }

    @Test
    void dropsPacketNotForUs() {
        f.frame.echoRequest(PEER_IP, WireFixture.OTHER_IP, 1, 1, 32);
        expectDropped(Counter.RX_DROP_IP_NOT_FOR_US);
    }

    @Test
    void dropsMulticastSource() {
        f.frame.echoRequest(Cidr.parseAddress("224.0.0.5"), OUR_IP, 1, 1, 32);
        expectDropped(Counter.RX_DROP_IP_BAD_SOURCE);
    }

    @Test
    void dropsBroadcastSource() {
        f.frame.echoRequest(-1, OUR_IP, 1, 1, 32);
        f.send().cycle();
        f.frame.echoRequest(WireFixture.SUBNET_BROADCAST, OUR_IP, 1, 1, 32);
        f.send().cycle();
        f.expectNothing();
        assertThat(f.counter(Counter.RX_DROP_IP_BAD_SOURCE)).isEqualTo(2);
    }

    @Test
    void acceptsFramesWithEthernetPadding() {
        f.frame.echoRequest(PEER_IP, OUR_IP, 5, 6, 0).pad(60 - 42);
        assertThat(f.frame.length()).isEqualTo(60);
        f.send().cycle();
        Received r = f.expectFrame();
        assertThat(r.ip().totalLength()).isEqualTo(28);
        assertThat(r.icmp().length()).isEqualTo(8);
        assertThat(r.icmp().verifyChecksum()).isTrue();
        assertThat(r.length()).isEqualTo(42);
    }

    @Test
    void acceptsTtlZeroAndOneAsAHostMust() {
        // RFC 1122 3.2.1.7: a host must not discard a datagram because its TTL is below 2
        for (int ttl = 0; ttl <= 1; ttl++) {
            f.frame.ttl(ttl);
            f.frame.echoRequest(PEER_IP, OUR_IP, 1, ttl, 8);
            f.send().cycle();
            Received r = f.expectFrame();
            assertThat(r.icmp().sequenceNumber()).isEqualTo(ttl);
            assertThat(r.ip().timeToLive()).as("our own TTL").isEqualTo(64);
        }
    }

    @Test
    void dropsFrameForAnotherMac() {
        f.frame.ethDestination(0x02_00_00_00_05_05L);
        echo();
        expectDropped(Counter.RX_DROP_ETH_NOT_FOR_US);
    }

    @Test
    void dropsUnknownEtherTypeAndTruncatedEthernet() {
        echo();
        f.frame.put16(12, 0x86dd);
        expectDropped(Counter.RX_DROP_ETH_UNKNOWN_TYPE);
        f.frame.length(13);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ETH_TRUNCATED)).isEqualTo(1);
    }

    @Test
    void acceptsVlanTaggedFrame() {
        f.frame.vlan(0x2005);
        echo();
        f.send().cycle();
        // the reply goes out untagged: the stack has no VLAN configuration to answer with
        assertThat(f.expectFrame().icmp().type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
    }

    @Test
    void acceptsEchoWithIpOptions() {
        // a 24-byte header (one NOP option word) before the ICMP message
        f.frame.echoRequest(PEER_IP, OUR_IP, 3, 4, 16);
        int icmpLen = 8 + 16;
        java.nio.ByteBuffer b = f.frame.buffer();
        for (int i = IP + 20 + icmpLen - 1; i >= IP + 20; i--) {
            b.put(i + 4, b.get(i));
        }
        b.putInt(IP + 20, 0x01010101);
        f.frame.put8(IP, 0x46).put16(IP + 2, 24 + icmpLen).length(IP + 24 + icmpLen).ipChecksum();
        f.send().cycle();
        Received r = f.expectFrame();
        assertThat(r.icmp().identifier()).isEqualTo(3);
        assertThat(r.ip().headerLength()).isEqualTo(20);
    }

    @Test
    void repliesToBroadcastMacWhenUnicastToUs() {
        f.frame.ethDestination(MacAddress.BROADCAST);
        echo();
        f.send().cycle();
        assertThat(f.expectFrame().icmp().type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        assertThat(f.counter(Counter.IP_RX_PACKETS)).isEqualTo(1);
        assertThat(f.counter(Counter.RX_DROP_IP_NOT_FOR_US)).isZero();
    }
}
