package io.jmtcp.engine.wire;

import static io.jmtcp.engine.wire.Hex.OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UdpDatagramTest {

    private static final int IP_A = 0xc612_6301;
    private static final int IP_B = 0xc612_6302;
    private static final int UDP_AT = OFFSET + 14 + 20;

    private final UdpDatagram udp = new UdpDatagram();

    @Test
    void readsEveryFieldOfKernelDatagram() {
        byte[] frame = Hex.bytes(CapturedFrames.UDP_DATAGRAM);
        ByteBuffer buffer = Hex.direct(frame);
        Ipv4Packet ip = new Ipv4Packet().wrap(buffer, OFFSET + 14, frame.length - 14);
        assertThat(ip.checkLength()).isTrue();
        assertThat(ip.protocol()).isEqualTo(Ipv4Packet.PROTOCOL_UDP);
        assertThat(udp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).checkLength()).isTrue();
        assertThat(udp.sourcePort()).isEqualTo(40001);
        assertThat(udp.destinationPort()).isEqualTo(5001);
        assertThat(udp.length()).isEqualTo(23);
        assertThat(udp.checksum()).isEqualTo(0x8584);
        assertThat(udp.payloadOffset()).isEqualTo(UDP_AT + 8);
        assertThat(udp.payloadLength()).isEqualTo(15);
        byte[] data = new byte[15];
        buffer.get(udp.payloadOffset(), data);
        assertThat(new String(data, StandardCharsets.US_ASCII)).isEqualTo("udp hello jmtcp");
        assertThat(udp.verifyChecksum(IP_A, IP_B)).isTrue();
        assertThat(udp.verifyChecksum(IP_A, IP_B ^ 0x100)).isFalse();
    }

    @Test
    void computesTheKernelsChecksums() {
        for (String hex : new String[] {CapturedFrames.UDP_DATAGRAM, CapturedFrames.UDP_TO_CLOSED_PORT}) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer buffer = Hex.direct(frame);
            udp.wrap(buffer, UDP_AT, frame.length - 34);
            assertThat(udp.checkLength()).isTrue();
            int kernels = udp.checksum();
            udp.computeChecksum(IP_A, IP_B);
            assertThat(udp.checksum()).as(hex).isEqualTo(kernels);
        }
    }

    @Test
    void writesKernelDatagramByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.UDP_TO_CLOSED_PORT);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        buffer.put(OFFSET, frame, 0, 34);
        udp.wrap(buffer, UDP_AT, 19).sourcePort(40001).destinationPort(5002).length(19);
        buffer.put(udp.payloadOffset(), "nobody home".getBytes(StandardCharsets.US_ASCII));
        udp.computeChecksum(IP_A, IP_B);
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(original, OFFSET, frame.length) + "a5");
    }

    @Test
    void acceptsAbsentChecksumAndSendsComputedZeroAsAllOnes() {
        ByteBuffer buffer = Hex.filled(10, 0);
        udp.wrap(buffer, OFFSET, 10).sourcePort(1).destinationPort(2).length(10).checksum(0);
        assertThat(udp.verifyChecksum(IP_A, IP_B)).as("zero means none (RFC 768)").isTrue();
        // choose the last data word so that the sum is 0xffff, i.e. the computed checksum is zero
        udp.computeChecksum(IP_A, IP_B);
        int sumWithoutLastWord = ~udp.checksum() & 0xffff;
        buffer.putShort(OFFSET + 8, (short) (~sumWithoutLastWord & 0xffff));
        udp.computeChecksum(IP_A, IP_B);
        assertThat(udp.checksum()).isEqualTo(0xffff);
        assertThat(udp.verifyChecksum(IP_A, IP_B)).isTrue();
    }

    @Test
    void rejectsEveryTruncationAndBadLengthField() {
        byte[] frame = Hex.bytes(CapturedFrames.UDP_DATAGRAM);
        ByteBuffer buffer = Hex.direct(frame);
        for (int n = 0; n <= 23; n++) {
            assertThat(udp.wrap(buffer, UDP_AT, n).checkLength()).as("%d bytes", n).isEqualTo(n == 23);
        }
        udp.wrap(buffer, UDP_AT, 23);
        for (int length = 0; length < 8; length++) {
            assertThat(udp.length(length).checkLength()).as("length field %d", length).isFalse();
        }
        assertThat(udp.length(8).checkLength()).isTrue();
        assertThat(udp.payloadLength()).isZero();
        assertThat(udp.length(24).checkLength()).isFalse();
        assertThat(udp.wrappedLength()).isEqualTo(23);
    }
}
