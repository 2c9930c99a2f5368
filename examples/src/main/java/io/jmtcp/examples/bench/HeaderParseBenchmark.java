package io.jmtcp.examples.bench;

import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Receive-side header parsing of one Ethernet + IPv4 + TCP frame, as the engine does it before a
 * segment reaches TCP: wrap and length-check each layer, verify the IPv4 header checksum, parse
 * the TCP options. The TCP checksum (which covers the payload) is left out; see
 * {@link ChecksumBenchmark}. Target: at most 20 ns per frame.
 *
 * <p>{@code syn}: MSS, SACK-permitted, timestamps, window scale (the kernel's SYN layout);
 * {@code ack}: NOP NOP timestamps, the common case on an established connection. Both frames are
 * built with the same flyweights in {@link #setUp()}, as the engine builds them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderParseBenchmark {

    @Param({"syn", "ack"})
    public String segment;

    private final EthernetFrame eth = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();
    private final TcpOptions options = new TcpOptions();
    private ByteBuffer buffer;
    private int frameLength;

    @Setup
    public void setUp() {
        TcpOptions out = new TcpOptions();
        int flags;
        int payload;
        if (segment.equals("syn")) {
            out.mss(1460).sackPermitted(true).timestamps(0x7c3f2236, 0).windowScale(10);
            flags = TcpSegment.SYN;
            payload = 0;
        } else {
            out.timestamps(0x7c3f2236, 0x589e2c1b);
            flags = TcpSegment.ACK | TcpSegment.PSH;
            payload = 1448;
        }
        int tcpLength = TcpSegment.MIN_HEADER_LENGTH + out.encodedLength() + payload;
        int ipLength = Ipv4Packet.MIN_HEADER_LENGTH + tcpLength;
        frameLength = EthernetFrame.HEADER_LENGTH + ipLength;
        buffer = ByteBuffer.allocateDirect(2048);
        eth.wrap(buffer, 0, frameLength).destination(0x0200_0000_9902L).source(0x0200_0000_9901L)
                .etherType(EthernetFrame.ETHERTYPE_IPV4);
        ip.wrap(buffer, eth.payloadOffset(), ipLength).versionAndHeaderLength(20).typeOfService(0)
                .totalLength(ipLength).identification(0xafaf).flagsAndFragmentOffset(true, false, 0)
                .timeToLive(64).protocol(Ipv4Packet.PROTOCOL_TCP).source(0xc612_6301).destination(0xc612_6302)
                .computeChecksum();
        tcp.wrap(buffer, ip.payloadOffset(), tcpLength).sourcePort(34182).destinationPort(5000)
                .sequenceNumber(0x9905ca7c).acknowledgmentNumber(0xb84d1e6d)
                .headerLength(TcpSegment.MIN_HEADER_LENGTH + out.encodedLength()).flags(flags).window(64240)
                .urgentPointer(0);
        out.write(buffer, tcp.optionsOffset());
        tcp.computeChecksum(ip.source(), ip.destination());
        if (parse() == 0) {
            throw new IllegalStateException("benchmark frame does not parse");
        }
    }

    /** One frame through Ethernet, IPv4 (with header checksum) and TCP (with options); ns/op = ns/frame. */
    @Benchmark
    public int parse() {
        if (!eth.wrap(buffer, 0, frameLength).checkLength() || eth.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
            return 0;
        }
        if (!ip.wrap(buffer, eth.payloadOffset(), eth.payloadLength()).checkLength() || ip.version() != 4
                || !ip.verifyChecksum() || ip.protocol() != Ipv4Packet.PROTOCOL_TCP || ip.isFragment()) {
            return 0;
        }
        if (!tcp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).checkLength()
                || !options.parse(buffer, tcp.optionsOffset(), tcp.optionsLength())) {
            return 0;
        }
        // the fields TCP input reads first (flow lookup, then RFC 9293 §3.10.7.4), so none is dead code
        return ip.source() ^ ip.destination() ^ (tcp.sourcePort() << 16 | tcp.destinationPort())
                ^ tcp.sequenceNumber() ^ tcp.acknowledgmentNumber() ^ tcp.flags() ^ tcp.window()
                ^ options.tsVal() ^ options.tsEcr() ^ options.mss() ^ tcp.payloadLength();
    }
}
