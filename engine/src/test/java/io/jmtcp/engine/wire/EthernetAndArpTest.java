package io.jmtcp.engine.wire;

import static io.jmtcp.engine.wire.Hex.OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class EthernetAndArpTest {

    private static final long MAC_A = 0x0200_0000_9901L;
    private static final long MAC_B = 0x0200_0000_9902L;
    private static final int IP_A = 0xc612_6301; // 198.18.99.1
    private static final int IP_B = 0xc612_6302;

    private final EthernetFrame eth = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();

    @Test
    void readsEveryFieldOfKernelArpRequest() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(eth.wrap(buffer, OFFSET, frame.length).checkLength()).isTrue();
        assertThat(eth.destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(eth.source()).isEqualTo(MAC_A);
        assertThat(eth.hasVlanTag()).isFalse();
        assertThat(eth.vlanId()).isZero();
        assertThat(eth.vlanTci()).isZero();
        assertThat(eth.etherType()).isEqualTo(EthernetFrame.ETHERTYPE_ARP);
        assertThat(eth.headerLength()).isEqualTo(14);
        assertThat(eth.payloadOffset()).isEqualTo(OFFSET + 14);
        assertThat(eth.payloadLength()).isEqualTo(28);

        assertThat(arp.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).checkLength()).isTrue();
        assertThat(arp.isEthernetIpv4()).isTrue();
        assertThat(arp.hardwareType()).isEqualTo(1);
        assertThat(arp.protocolType()).isEqualTo(0x0800);
        assertThat(arp.hardwareLength()).isEqualTo(6);
        assertThat(arp.protocolLength()).isEqualTo(4);
        assertThat(arp.operation()).isEqualTo(ArpPacket.OP_REQUEST);
        assertThat(arp.senderHardwareAddress()).isEqualTo(MAC_A);
        assertThat(arp.senderProtocolAddress()).isEqualTo(IP_A);
        assertThat(arp.targetHardwareAddress()).isZero();
        assertThat(arp.targetProtocolAddress()).isEqualTo(IP_B);
    }

    @Test
    void readsEveryFieldOfKernelArpReply() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REPLY);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(eth.wrap(buffer, OFFSET, frame.length).checkLength()).isTrue();
        assertThat(eth.destination()).isEqualTo(MAC_A);
        assertThat(eth.source()).isEqualTo(MAC_B);
        assertThat(eth.etherType()).isEqualTo(EthernetFrame.ETHERTYPE_ARP);
        assertThat(arp.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).checkLength()).isTrue();
        assertThat(arp.isEthernetIpv4()).isTrue();
        assertThat(arp.operation()).isEqualTo(ArpPacket.OP_REPLY);
        assertThat(arp.senderHardwareAddress()).isEqualTo(MAC_B);
        assertThat(arp.senderProtocolAddress()).isEqualTo(IP_B);
        assertThat(arp.targetHardwareAddress()).isEqualTo(MAC_A);
        assertThat(arp.targetProtocolAddress()).isEqualTo(IP_A);
    }

    @Test
    void writesKernelArpReplyByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REPLY);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        eth.wrap(buffer, OFFSET, frame.length).destination(MAC_A).source(MAC_B).etherType(EthernetFrame.ETHERTYPE_ARP);
        arp.wrap(buffer, eth.payloadOffset(), ArpPacket.LENGTH).writeEthernetIpv4Header()
                .operation(ArpPacket.OP_REPLY)
                .senderHardwareAddress(MAC_B).senderProtocolAddress(IP_B)
                .targetHardwareAddress(MAC_A).targetProtocolAddress(IP_A);
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(Hex.direct(frame), OFFSET, frame.length) + "a5");
    }

    @Test
    void writesKernelArpRequestByteForByteWithExplicitFixedFields() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REQUEST);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        eth.wrap(buffer, OFFSET, frame.length).destination(MacAddress.BROADCAST).source(MAC_A)
                .etherType(EthernetFrame.ETHERTYPE_ARP);
        arp.wrap(buffer, eth.payloadOffset(), ArpPacket.LENGTH).hardwareType(1).protocolType(0x0800)
                .hardwareLength(6).protocolLength(4).operation(ArpPacket.OP_REQUEST)
                .senderHardwareAddress(MAC_A).senderProtocolAddress(IP_A)
                .targetHardwareAddress(0).targetProtocolAddress(IP_B);
        assertThat(Hex.of(buffer, OFFSET, frame.length)).isEqualTo(Hex.of(Hex.direct(frame), OFFSET, frame.length));
    }

    @Test
    void rejectsEveryTruncationOfArpRequest() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        for (int n = 0; n <= frame.length; n++) {
            boolean ethOk = eth.wrap(buffer, OFFSET, n).checkLength();
            assertThat(ethOk).as("ethernet, %d bytes", n).isEqualTo(n >= 14);
            boolean arpOk = ethOk && arp.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).checkLength();
            assertThat(arpOk).as("arp, %d bytes of frame", n).isEqualTo(n == frame.length);
        }
    }

    @Test
    void recognisesOnlyEthernetIpv4Arp() {
        ByteBuffer buffer = Hex.direct(Hex.bytes(CapturedFrames.ARP_REQUEST));
        arp.wrap(buffer, OFFSET + 14, 28);
        assertThat(arp.isEthernetIpv4()).isTrue();
        arp.hardwareType(6);
        assertThat(arp.isEthernetIpv4()).isFalse();
        arp.hardwareType(1).protocolType(0x86dd);
        assertThat(arp.isEthernetIpv4()).isFalse();
        arp.protocolType(0x0800).hardwareLength(8);
        assertThat(arp.isEthernetIpv4()).isFalse();
        arp.hardwareLength(6).protocolLength(16);
        assertThat(arp.isEthernetIpv4()).isFalse();
        arp.protocolLength(4);
        assertThat(arp.isEthernetIpv4()).isTrue();
    }

    @Test
    void readsVlanTaggedFrameAndSkipsTheTag() {
        byte[] frame = Hex.bytes(CapturedFrames.VLAN_ICMP_ECHO_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(eth.wrap(buffer, OFFSET, frame.length).checkLength()).isTrue();
        assertThat(eth.destination()).isEqualTo(MAC_B);
        assertThat(eth.source()).isEqualTo(MAC_A);
        assertThat(eth.hasVlanTag()).isTrue();
        assertThat(eth.vlanTci()).isEqualTo(0xa064);
        assertThat(eth.vlanId()).isEqualTo(100);
        assertThat(eth.vlanPriority()).isEqualTo(5);
        assertThat(eth.etherType()).isEqualTo(EthernetFrame.ETHERTYPE_IPV4);
        assertThat(eth.headerLength()).isEqualTo(18);
        assertThat(eth.payloadOffset()).isEqualTo(OFFSET + 18);
        assertThat(eth.payloadLength()).isEqualTo(45);

        Ipv4Packet ip = new Ipv4Packet().wrap(buffer, eth.payloadOffset(), eth.payloadLength());
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(ip.source()).isEqualTo(Ipv4Address.parse("198.18.100.1"));
        assertThat(ip.destination()).isEqualTo(Ipv4Address.parse("198.18.100.2"));
        assertThat(ip.identification()).isEqualTo(0x1234);
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertThat(icmp.checkLength()).isTrue();
        assertThat(icmp.verifyChecksum()).isTrue();
        assertThat(icmp.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REQUEST);
        assertThat(icmp.identifier()).isEqualTo(0x77);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
        assertThat(icmp.payloadLength()).isEqualTo("vlan-tagged jmtcp".length());
    }

    @Test
    void writesVlanTaggedFrameByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.VLAN_ICMP_ECHO_REQUEST);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        eth.wrap(buffer, OFFSET, frame.length).destination(MAC_B).source(MAC_A)
                .vlanTag((5 << 13) | 100, EthernetFrame.ETHERTYPE_IPV4);
        Ipv4Packet ip = new Ipv4Packet().wrap(buffer, eth.payloadOffset(), 45)
                .versionAndHeaderLength(20).typeOfService(0).totalLength(45).identification(0x1234)
                .flagsAndFragmentOffset(true, false, 0).timeToLive(64).protocol(Ipv4Packet.PROTOCOL_ICMP)
                .source(Ipv4Address.parse("198.18.100.1")).destination(Ipv4Address.parse("198.18.100.2"))
                .computeChecksum();
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(buffer, ip.payloadOffset(), ip.payloadLength())
                .type(Icmpv4Packet.TYPE_ECHO_REQUEST).code(0).identifier(0x77).sequenceNumber(1);
        buffer.put(icmp.payloadOffset(), "vlan-tagged jmtcp".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        icmp.computeChecksum();
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(original, OFFSET, frame.length) + "a5");
    }

    @Test
    void rejectsTaggedFrameShorterThanTag() {
        byte[] frame = Hex.bytes(CapturedFrames.VLAN_ICMP_ECHO_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        for (int n = 0; n <= frame.length; n++) {
            assertThat(eth.wrap(buffer, OFFSET, n).checkLength()).as("%d bytes", n).isEqualTo(n >= 18);
        }
    }

    @Test
    void readsBigEndianWhateverTheBufferOrder() {
        byte[] frame = Hex.bytes(CapturedFrames.VLAN_ICMP_ECHO_REQUEST);
        ByteBuffer buffer = Hex.direct(frame).order(ByteOrder.LITTLE_ENDIAN);
        eth.wrap(buffer, OFFSET, frame.length);
        assertThat(eth.vlanId()).isEqualTo(100);
        assertThat(eth.etherType()).isEqualTo(0x0800);
        assertThat(eth.source()).isEqualTo(MAC_A);
    }

    @Test
    void neverMovesThePositionOrLimit() {
        byte[] frame = Hex.bytes(CapturedFrames.ARP_REPLY);
        ByteBuffer buffer = Hex.direct(frame);
        buffer.position(3).limit(OFFSET + frame.length);
        eth.wrap(buffer, OFFSET, frame.length).checkLength();
        eth.source(eth.source());
        arp.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).targetProtocolAddress(arp.targetProtocolAddress());
        assertThat(buffer.position()).isEqualTo(3);
        assertThat(buffer.limit()).isEqualTo(OFFSET + frame.length);
    }
}
