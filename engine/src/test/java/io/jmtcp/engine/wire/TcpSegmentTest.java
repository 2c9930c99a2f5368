package io.jmtcp.engine.wire;

import static io.jmtcp.engine.wire.Hex.OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpSegmentTest {

    private static final int IP_A = 0xc612_6301; // 198.18.99.1, the client
    private static final int IP_B = 0xc612_6302;
    private static final int TCP_AT = OFFSET + 14 + 20;

    private static final List<String> TCP_FRAMES = List.of(CapturedFrames.TCP_SYN, CapturedFrames.TCP_SYN_ACK,
            CapturedFrames.TCP_DATA, CapturedFrames.TCP_FIN_ACK);

    private final EthernetFrame eth = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();
    private final TcpOptions options = new TcpOptions();

    /** Parses the whole frame as the engine will; false where any layer rejects it. */
    private boolean parse(ByteBuffer buffer, int frameLength) {
        return eth.wrap(buffer, OFFSET, frameLength).checkLength()
                && eth.etherType() == EthernetFrame.ETHERTYPE_IPV4
                && ip.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).checkLength()
                && ip.protocol() == Ipv4Packet.PROTOCOL_TCP
                && tcp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).checkLength()
                && options.parse(buffer, tcp.optionsOffset(), tcp.optionsLength());
    }

    @Test
    void readsEveryFieldOfKernelSyn() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_SYN);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(parse(buffer, frame.length)).isTrue();
        assertThat(ip.identification()).isEqualTo(0xafaf);
        assertThat(ip.headerChecksum()).isEqualTo(0x38e4);
        assertThat(tcp.sourcePort()).isEqualTo(34182);
        assertThat(tcp.destinationPort()).isEqualTo(5000);
        assertThat(tcp.sequenceNumber()).isEqualTo(0x9905ca7c);
        assertThat(tcp.acknowledgmentNumber()).isZero();
        assertThat(tcp.headerLength()).isEqualTo(40);
        assertThat(tcp.flags()).isEqualTo(TcpSegment.SYN);
        assertThat(tcp.has(TcpSegment.SYN)).isTrue();
        assertThat(tcp.has(TcpSegment.ACK)).isFalse();
        assertThat(tcp.has(TcpSegment.SYN | TcpSegment.ACK)).isFalse();
        assertThat(tcp.window()).isEqualTo(64240);
        assertThat(tcp.checksum()).isEqualTo(0x5fdd);
        assertThat(tcp.urgentPointer()).isZero();
        assertThat(tcp.optionsOffset()).isEqualTo(TCP_AT + 20);
        assertThat(tcp.optionsLength()).isEqualTo(20);
        assertThat(tcp.payloadOffset()).isEqualTo(TCP_AT + 40);
        assertThat(tcp.payloadLength()).isZero();
        assertThat(tcp.length()).isEqualTo(40);
        assertThat(tcp.verifyChecksum(IP_A, IP_B)).isTrue();
        assertThat(tcp.verifyChecksum(IP_B, IP_A)).as("swapping addresses keeps the sum")
                .isTrue();
        assertThat(tcp.verifyChecksum(IP_A, IP_B + 1)).isFalse();

        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.hasTimestamps()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0x7c3f2236);
        assertThat(options.tsEcr()).isZero();
        assertThat(options.windowScale()).isEqualTo(10);
        assertThat(options.sackBlockCount()).isZero();
    }

    @Test
    void readsEveryFieldOfKernelSynAck() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_SYN_ACK);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(parse(buffer, frame.length)).isTrue();
        assertThat(tcp.sourcePort()).isEqualTo(5000);
        assertThat(tcp.destinationPort()).isEqualTo(34182);
        assertThat(tcp.sequenceNumber()).isEqualTo(0xb84d1e6c);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0x9905ca7d);
        assertThat(tcp.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(tcp.has(TcpSegment.SYN | TcpSegment.ACK)).isTrue();
        assertThat(tcp.window()).isEqualTo(65160);
        assertThat(tcp.checksum()).isEqualTo(0x00c1);
        assertThat(tcp.verifyChecksum(IP_B, IP_A)).isTrue();
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0x589e2c1b);
        assertThat(options.tsEcr()).isEqualTo(0x7c3f2236);
        assertThat(options.windowScale()).isEqualTo(10);
    }

    @Test
    void readsKernelDataSegment() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_DATA);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(parse(buffer, frame.length)).isTrue();
        assertThat(tcp.sequenceNumber()).isEqualTo(0x9905ca7d);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0xb84d1e6d);
        assertThat(tcp.headerLength()).isEqualTo(32);
        assertThat(tcp.flags()).isEqualTo(TcpSegment.PSH | TcpSegment.ACK);
        assertThat(tcp.window()).isEqualTo(63);
        assertThat(tcp.checksum()).isEqualTo(0x9af8);
        assertThat(tcp.payloadOffset()).isEqualTo(TCP_AT + 32);
        assertThat(tcp.payloadLength()).isEqualTo(12);
        byte[] data = new byte[tcp.payloadLength()];
        buffer.get(tcp.payloadOffset(), data);
        assertThat(new String(data, StandardCharsets.US_ASCII)).isEqualTo("hello jmtcp\n");
        assertThat(options.mss()).isEqualTo(-1);
        assertThat(options.windowScale()).isEqualTo(-1);
        assertThat(options.sackPermitted()).isFalse();
        assertThat(options.hasTimestamps()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0x7c3f2236);
        assertThat(options.tsEcr()).isEqualTo(0x589e2c1b);
        assertThat(tcp.verifyChecksum(IP_A, IP_B)).isTrue();
    }

    @Test
    void readsKernelFin() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_FIN_ACK);
        ByteBuffer buffer = Hex.direct(frame);
        assertThat(parse(buffer, frame.length)).isTrue();
        assertThat(tcp.flags()).isEqualTo(TcpSegment.FIN | TcpSegment.ACK);
        assertThat(tcp.sequenceNumber()).isEqualTo(0x9905ca89);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0xb84d1e7e);
        assertThat(tcp.checksum()).isEqualTo(0x2dbc);
        assertThat(tcp.payloadLength()).isZero();
        assertThat(tcp.verifyChecksum(IP_A, IP_B)).isTrue();
    }

    @Test
    void computesTheKernelsChecksumForEverySegment() {
        for (String hex : TCP_FRAMES) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer buffer = Hex.direct(frame);
            assertThat(parse(buffer, frame.length)).isTrue();
            int kernels = tcp.checksum();
            tcp.checksum(0x1234).computeChecksum(ip.source(), ip.destination());
            assertThat(tcp.checksum()).as(hex).isEqualTo(kernels);
            assertThat(tcp.verifyChecksum(ip.source(), ip.destination())).isTrue();
        }
    }

    @Test
    void writesKernelSynByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_SYN);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        eth.wrap(buffer, OFFSET, frame.length).destination(0x0200_0000_9902L).source(0x0200_0000_9901L)
                .etherType(EthernetFrame.ETHERTYPE_IPV4);
        options.clear().mss(1460).sackPermitted(true).timestamps(0x7c3f2236, 0).windowScale(10);
        int optionsLength = options.encodedLength();
        assertThat(optionsLength).isEqualTo(20);
        int tcpLength = TcpSegment.MIN_HEADER_LENGTH + optionsLength;
        ip.wrap(buffer, eth.payloadOffset(), 20 + tcpLength).versionAndHeaderLength(20).typeOfService(0)
                .totalLength(20 + tcpLength).identification(0xafaf).flagsAndFragmentOffset(true, false, 0)
                .timeToLive(64).protocol(Ipv4Packet.PROTOCOL_TCP).source(IP_A).destination(IP_B).computeChecksum();
        tcp.wrap(buffer, ip.payloadOffset(), tcpLength).sourcePort(34182).destinationPort(5000)
                .sequenceNumber(0x9905ca7c).acknowledgmentNumber(0).headerLength(tcpLength).flags(TcpSegment.SYN)
                .window(64240).urgentPointer(0);
        assertThat(options.write(buffer, tcp.optionsOffset())).isEqualTo(20);
        tcp.computeChecksum(IP_A, IP_B);
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(original, OFFSET, frame.length) + "a5");
    }

    @Test
    void writesKernelDataSegmentByteForByte() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_DATA);
        ByteBuffer original = Hex.direct(frame);
        ByteBuffer buffer = Hex.filled(frame.length, 0xa5);
        buffer.put(OFFSET, frame, 0, 14 + 20);
        options.clear().timestamps(0x7c3f2236, 0x589e2c1b);
        int tcpLength = 20 + options.encodedLength() + 12;
        tcp.wrap(buffer, TCP_AT, tcpLength).sourcePort(34182).destinationPort(5000).sequenceNumber(0x9905ca7d)
                .acknowledgmentNumber(0xb84d1e6d).headerLength(20 + options.encodedLength())
                .flags(TcpSegment.PSH | TcpSegment.ACK).window(63).urgentPointer(0);
        options.write(buffer, tcp.optionsOffset());
        buffer.put(tcp.payloadOffset(), "hello jmtcp\n".getBytes(StandardCharsets.US_ASCII));
        tcp.computeChecksum(IP_A, IP_B);
        assertThat(Hex.of(buffer, OFFSET - 1, frame.length + 2))
                .isEqualTo("a5" + Hex.of(original, OFFSET, frame.length) + "a5");
    }

    @Test
    void rejectsEveryTruncationOfEachCapturedSegment() {
        for (String hex : TCP_FRAMES) {
            byte[] frame = Hex.bytes(hex);
            ByteBuffer buffer = Hex.direct(frame);
            for (int n = 0; n < frame.length; n++) {
                assertThat(parse(buffer, n)).as("%d of %d frame bytes", n, frame.length).isFalse();
            }
            assertThat(parse(buffer, frame.length)).isTrue();
            int headerLength = tcp.headerLength();
            for (int n = 0; n <= tcp.length(); n++) {
                assertThat(new TcpSegment().wrap(buffer, TCP_AT, n).checkLength())
                        .as("%d segment bytes", n).isEqualTo(n >= headerLength);
            }
        }
    }

    @Test
    void rejectsDataOffsetBelowFive() {
        byte[] frame = Hex.bytes(CapturedFrames.TCP_FIN_ACK);
        ByteBuffer buffer = Hex.direct(frame);
        tcp.wrap(buffer, TCP_AT, 32);
        for (int bytes = 0; bytes < 20; bytes += 4) {
            tcp.headerLength(bytes);
            assertThat(tcp.checkLength()).as("header %d bytes", bytes).isFalse();
        }
        tcp.headerLength(36);
        assertThat(tcp.checkLength()).as("header past the segment").isFalse();
        tcp.headerLength(32);
        assertThat(tcp.checkLength()).isTrue();
    }

    @Test
    void headerLengthSetterClearsReservedBits() {
        ByteBuffer buffer = Hex.filled(20, 0xff);
        tcp.wrap(buffer, OFFSET, 20).headerLength(20);
        assertThat(buffer.get(OFFSET + TcpSegment.DATA_OFFSET_OFFSET)).isEqualTo((byte) 0x50);
        assertThat(tcp.flags()).isEqualTo(0xff);
        assertThat(tcp.has(TcpSegment.CWR | TcpSegment.ECE | TcpSegment.URG | TcpSegment.FIN)).isTrue();
    }

    @Test
    void checksumsAnOddLengthSegment() {
        ByteBuffer buffer = Hex.filled(20 + 5, 0xa5);
        tcp.wrap(buffer, OFFSET, 25).sourcePort(1).destinationPort(2).sequenceNumber(3).acknowledgmentNumber(4)
                .headerLength(20).flags(TcpSegment.ACK).window(5).urgentPointer(0);
        buffer.put(tcp.payloadOffset(), new byte[] {1, 2, 3, 4, 5});
        tcp.computeChecksum(IP_A, IP_B);
        assertThat(tcp.verifyChecksum(IP_A, IP_B)).isTrue();
        // reference: pseudo-header + segment as one byte array, trailing odd byte padded (RFC 9293 §3.1)
        byte[] whole = new byte[12 + 25];
        ByteBuffer w = ByteBuffer.wrap(whole).putInt(IP_A).putInt(IP_B).put((byte) 0).put((byte) 6).putShort((short) 25);
        for (int i = 0; i < 25; i++) {
            w.put(buffer.get(OFFSET + i));
        }
        whole[12 + 16] = 0;
        whole[12 + 17] = 0;
        assertThat(tcp.checksum()).isEqualTo(ChecksumTest.reference(whole, 0, whole.length));
    }
}
