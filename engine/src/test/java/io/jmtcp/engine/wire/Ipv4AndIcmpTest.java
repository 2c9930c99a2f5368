package io.jmtcp.engine.wire;

import static io.jmtcp.engine.wire.Hex.OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv4AndIcmpTest {

    private static final int IP_A = 0xc612_6301; // 198.18.99.1
    private static final int IP_B = 0xc612_6302;
    private static final int IP_AT = OFFSET + EthernetFrame.HEADER_LENGTH;

    /** Every captured frame that carries IPv4, untagged. */
    private static final List<String> IPV4_FRAMES = List.of(CapturedFrames.ICMP_ECHO_REQUEST,
            CapturedFrames.ICMP_ECHO_REPLY, CapturedFrames.IP_FIRST_FRAGMENT, CapturedFrames.IP_LAST_FRAGMENT,
            CapturedFrames.TCP_SYN, CapturedFrames.TCP_SYN_ACK, CapturedFrames.TCP_DATA, CapturedFrames.TCP_FIN_ACK,
            CapturedFrames.UDP_DATAGRAM, CapturedFrames.UDP_TO_CLOSED_PORT, CapturedFrames.ICMP_PORT_UNREACHABLE);

    private final Ipv4Packet ip = new Ipv4Packet();
    private final Icmpv4Packet icmp = new Icmpv4Packet();

    private Ipv4Packet wrapIp(ByteBuffer buffer, int frameLength) {
        return ip.wrap(buffer, IP_AT, frameLength - EthernetFrame.HEADER_LENGTH);
    }

    @Test
    void readsEveryFieldOfKernelEchoRequest() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_ECHO_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(wrapIp(buffer, frame.length).checkLength()).isTrue();
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.typeOfService()).isZero();
        assertThat(ip.totalLength()).isEqualTo(84);
        assertThat(ip.identification()).isEqualTo(0x3991);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.timeToLive()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(Ipv4Packet.PROTOCOL_ICMP);
        assertThat(ip.headerChecksum()).isEqualTo(0xaeef);
        assertThat(ip.source()).isEqualTo(IP_A);
        assertThat(ip.destination()).isEqualTo(IP_B);
        assertThat(ip.optionsOffset()).isEqualTo(IP_AT + 20);
        assertThat(ip.optionsLength()).isZero();
        assertThat(ip.payloadOffset()).isEqualTo(IP_AT + 20);
        assertThat(ip.payloadLength()).isEqualTo(64);
        assertThat(ip.verifyChecksum()).isTrue();

        assertThat(icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).checkLength()).isTrue();
        assertThat(icmp.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REQUEST);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.checksum()).isEqualTo(0x1d4b);
        assertThat(icmp.identifier()).isEqualTo(0x16d1);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
        assertThat(icmp.restOfHeader()).isEqualTo(0x16d1_0001);
        assertThat(icmp.payloadOffset()).isEqualTo(IP_AT + 28);
        assertThat(icmp.payloadLength()).isEqualTo(56);
        assertThat(icmp.verifyChecksum()).isTrue();
    }

    @Test
    void readsKernelEchoReplyAndItsChecksums() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_ECHO_REPLY);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(wrapIp(buffer, frame.length).checkLength()).isTrue();
        assertThat(ip.identification()).isEqualTo(0x433b);
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.source()).isEqualTo(IP_B);
        assertThat(ip.destination()).isEqualTo(IP_A);
        assertThat(ip.headerChecksum()).isEqualTo(0xe545);
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertThat(icmp.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        assertThat(icmp.checksum()).isEqualTo(0x254b);
        assertThat(icmp.identifier()).isEqualTo(0x16d1);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
        icmp.computeChecksum();
        assertThat(icmp.checksum()).isEqualTo(0x254b);
        ip.computeChecksum();
        assertThat(ip.headerChecksum()).isEqualTo(0xe545);
    }

    @Test
    void readsFragmentsOfLargePing() {
        byte[] first = Hex.bytes(CapturedFrames.IP_FIRST_FRAGMENT);
        assertThat(first).hasSize(1514);
        wrapIp(Hex.direct(first), first.length);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.totalLength()).isEqualTo(1500);
        assertThat(ip.identification()).isEqualTo(0x3992);
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.isFragment()).isTrue();
        assertThat(ip.payloadLength()).isEqualTo(1480);
        assertThat(ip.verifyChecksum()).isTrue();

        byte[] last = Hex.bytes(CapturedFrames.IP_LAST_FRAGMENT);
        wrapIp(Hex.direct(last), last.length);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.totalLength()).isEqualTo(68);
        assertThat(ip.identification()).isEqualTo(0x3992);
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isEqualTo(2960);
        assertThat(ip.isFragment()).isTrue();
        assertThat(ip.payloadLength()).isEqualTo(48);
        assertThat(ip.headerChecksum()).isEqualTo(0xed8c);
        assertThat(ip.verifyChecksum()).isTrue();
    }

    @Test
    void writesLastFragmentHeaderByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.IP_LAST_FRAGMENT);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        ip.wrap(buffer, IP_AT, 68).versionAndHeaderLength(20).typeOfService(0).totalLength(68)
                .identification(0x3992).flagsAndFragmentOffset(false, false, 2960).timeToLive(64)
                .protocol(Ipv4Packet.PROTOCOL_ICMP).source(IP_A).destination(IP_B).computeChecksum();
        assertThat(Hex.of(buffer, IP_AT - 1, 21)).isEqualTo("a5" + Hex.of(original, IP_AT, 20));
        assertThat(Hex.of(buffer, IP_AT + 20, 1)).isEqualTo("a5");
    }

    @Test
    void writesEveryCapturedIpv4HeaderByteForByteThroughTheSetters() {
        for (String hex : IPV4_FRAMES) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer original = Hex.direct(frame);
            Ipv4Packet in = new Ipv4Packet().wrap(original, IP_AT, frame.length - 14);
            assertThat(in.checkLength()).isTrue();
            ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
            ip.wrap(buffer, IP_AT, in.totalLength()).versionAndHeaderLength(in.headerLength())
                    .typeOfService(in.typeOfService()).totalLength(in.totalLength())
                    .identification(in.identification())
                    .flagsAndFragmentOffset(in.dontFragment(), in.moreFragments(), in.fragmentOffset())
                    .timeToLive(in.timeToLive()).protocol(in.protocol())
                    .source(in.source()).destination(in.destination()).computeChecksum();
            assertThat(Hex.of(buffer, IP_AT, 20)).as(hex).isEqualTo(Hex.of(original, IP_AT, 20));
            assertThat(ip.verifyChecksum()).isTrue();
            ip.headerChecksum(in.headerChecksum());
            assertThat(Hex.of(buffer, IP_AT, 20)).isEqualTo(Hex.of(original, IP_AT, 20));
        }
    }

    @Test
    void verifiesKernelChecksumsAndRejectsCorruptedHeaders() {
        for (String hex : IPV4_FRAMES) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer buffer = Hex.direct(frame);
            wrapIp(buffer, frame.length);
            assertThat(ip.verifyChecksum()).as(hex).isTrue();
            for (int bit = 8; bit < 160; bit += 7) { // not byte 0: IHL decides the summed range
                int at = IP_AT + bit / 8;
                buffer.put(at, (byte) (buffer.get(at) ^ (1 << (bit % 8))));
                assertThat(ip.verifyChecksum()).as("bit %d flipped", bit).isFalse();
                buffer.put(at, (byte) (buffer.get(at) ^ (1 << (bit % 8))));
            }
        }
    }

    @Test
    void rejectsEveryTruncationOfEachCapturedPacket() {
        for (String hex : IPV4_FRAMES) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer buffer = Hex.direct(frame);
            int total = frame.length - 14;
            for (int n = 0; n < total; n++) {
                assertThat(ip.wrap(buffer, IP_AT, n).checkLength()).as("%d of %d bytes", n, total).isFalse();
            }
            assertThat(ip.wrap(buffer, IP_AT, total).checkLength()).isTrue();
        }
    }

    @Test
    void acceptsLinkLayerPaddingButLeavesItOutOfThePayload() {
        byte[] frame = Hex.bytes(CapturedFrames.UDP_TO_CLOSED_PORT); // 53 bytes: Ethernet would pad to 60
        ByteBuffer buffer = Hex.direct(frame);
        ip.wrap(buffer, IP_AT, frame.length - 14 + 7);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.totalLength()).isEqualTo(39);
        assertThat(ip.payloadLength()).isEqualTo(19);
    }

    @Test
    void rejectsInconsistentHeaderAndTotalLengths() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_ECHO_REQUEST);
        ByteBuffer buffer = Hex.direct(frame);
        wrapIp(buffer, frame.length);
        for (int ihlBytes = 0; ihlBytes < 20; ihlBytes += 4) {
            ip.versionAndHeaderLength(ihlBytes);
            assertThat(ip.checkLength()).as("ihl %d bytes", ihlBytes).isFalse();
        }
        ip.versionAndHeaderLength(60).totalLength(84);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.optionsLength()).isEqualTo(40);
        assertThat(ip.payloadOffset()).isEqualTo(IP_AT + 60);
        ip.totalLength(59);
        assertThat(ip.checkLength()).as("total length shorter than header").isFalse();
        ip.versionAndHeaderLength(20).totalLength(85);
        assertThat(ip.checkLength()).as("total length past the wrapped bytes").isFalse();
        ip.totalLength(20);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.payloadLength()).isZero();
        ip.wrap(buffer, IP_AT, 40).versionAndHeaderLength(44);
        assertThat(ip.checkLength()).as("header past the wrapped bytes").isFalse();
    }

    @Test
    void readsKernelPortUnreachableAndTheDatagramItQuotes() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_PORT_UNREACHABLE);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(wrapIp(buffer, frame.length).checkLength()).isTrue();
        assertThat(ip.typeOfService()).isEqualTo(0xc0); // RFC 1812 §4.3.2.5: ICMP errors go as internetwork control
        assertThat(ip.totalLength()).isEqualTo(67);
        assertThat(ip.source()).isEqualTo(IP_B);
        assertThat(ip.headerChecksum()).isEqualTo(0xe392);
        assertThat(icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).checkLength()).isTrue();
        assertThat(icmp.type()).isEqualTo(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE);
        assertThat(icmp.code()).isEqualTo(Icmpv4Packet.CODE_PORT_UNREACHABLE);
        assertThat(icmp.checksum()).isEqualTo(0x4f4a);
        assertThat(icmp.restOfHeader()).isZero();
        assertThat(icmp.verifyChecksum()).isTrue();
        assertThat(icmp.payloadLength()).isEqualTo(39);

        Ipv4Packet quoted = new Ipv4Packet().wrap(buffer, icmp.payloadOffset(), icmp.payloadLength());
        assertThat(quoted.checkLength()).isTrue();
        assertThat(quoted.identification()).isEqualTo(0xb25f);
        assertThat(quoted.protocol()).isEqualTo(Ipv4Packet.PROTOCOL_UDP);
        UdpDatagram udp = new UdpDatagram().wrap(buffer, quoted.payloadOffset(), quoted.payloadLength());
        assertThat(udp.checkLength()).isTrue();
        assertThat(udp.sourcePort()).isEqualTo(40001);
        assertThat(udp.destinationPort()).isEqualTo(5002);
    }

    @Test
    void writesKernelPortUnreachableByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_PORT_UNREACHABLE);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        buffer.put(OFFSET, frame, 0, 14);
        ip.wrap(buffer, IP_AT, 67).versionAndHeaderLength(20).typeOfService(0xc0).totalLength(67)
                .identification(0x443f).flagsAndFragmentOffset(false, false, 0).timeToLive(64)
                .protocol(Ipv4Packet.PROTOCOL_ICMP).source(IP_B).destination(IP_A).computeChecksum();
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength())
                .type(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE).code(Icmpv4Packet.CODE_PORT_UNREACHABLE)
                .restOfHeader(0);
        buffer.put(icmp.payloadOffset(), frame, 14 + 28, 39);
        icmp.computeChecksum();
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(original, OFFSET, frame.length) + "a5");
    }

    @Test
    void writesKernelEchoRequestByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.ICMP_ECHO_REQUEST);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        buffer.put(OFFSET, frame, 0, 14);
        ip.wrap(buffer, IP_AT, 84).versionAndHeaderLength(20).typeOfService(0).totalLength(84)
                .identification(0x3991).flagsAndFragmentOffset(true, false, 0).timeToLive(64)
                .protocol(Ipv4Packet.PROTOCOL_ICMP).headerChecksum(0xaeef).source(IP_A).destination(IP_B);
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).type(8).code(0)
                .identifier(0x16d1).sequenceNumber(1).checksum(0x1d4b);
        buffer.put(icmp.payloadOffset(), frame, 14 + 28, 56);
        assertThat(Hex.of(buffer, OFFSET, frame.length)).isEqualTo(Hex.of(original, OFFSET, frame.length));
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(icmp.verifyChecksum()).isTrue();
    }

    @Test
    void carriesNextHopMtuOfFragmentationNeeded() {
        ByteBuffer buffer = Hex.filled(8, 0xa5);
        icmp.wrap(buffer, OFFSET, 8).type(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE)
                .code(Icmpv4Packet.CODE_FRAGMENTATION_NEEDED).restOfHeader(0).nextHopMtu(1400).computeChecksum();
        assertThat(Hex.of(buffer, OFFSET, 8).substring(0, 4)).isEqualTo("0304");
        assertThat(Hex.of(buffer, OFFSET + 4, 4)).isEqualTo("00000578");
        assertThat(icmp.nextHopMtu()).isEqualTo(1400);
        assertThat(icmp.verifyChecksum()).isTrue();
    }

    @Test
    void rejectsIcmpShorterThanItsHeader() {
        ByteBuffer buffer = Hex.direct(Hex.bytes(CapturedFrames.ICMP_ECHO_REQUEST));
        for (int n = 0; n <= 64; n++) {
            assertThat(icmp.wrap(buffer, IP_AT + 20, n).checkLength()).as("%d bytes", n).isEqualTo(n >= 8);
        }
    }
}
