package io.jmtcp.examples.bench;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.Checksum;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receive fast path of one established connection: one 64-byte data segment in, its ACK
 * out, checksums verified and computed in software (issue 3 "Speed and memory", target
 * &lt;= 100 ns per segment).
 *
 * <p>One stack ({@link Stack#manual}) on end A of a {@link PairDevice}; the benchmark thread is
 * the raw peer on end B. The connection is opened by hand with the options Linux sends (MSS,
 * SACK-permitted, timestamps, window scale), the accepted socket gets TCP_QUICKACK so every
 * segment is acknowledged at once. Data segments (timestamps option, 32-byte TCP header) are
 * built ahead in a buffer; one operation copies the next into the wire, runs one engine duty
 * cycle (clock read, rx burst, Ethernet/IPv4/TCP input with both checksums verified, ACK
 * built and checksummed, tx burst, event flush) and takes the ACK off the wire. The
 * application drains the receive ring every {@value #APP_READ_EVERY} segments
 * ({@code segmentInAckOut}) or after every segment ({@code segmentInAckOutAppRead}, which adds a
 * {@link TcpSocket#read} call per segment).
 *
 * <p>{@code payloadChecksumAndCopy} measures the per-byte part separately: the RFC 1071 sum
 * over a payload plus its copy into a receive ring and out to the application, in GB/s
 * (operations are bytes, so ops/ns reads as GB/s).
 *
 * <p>Each measured iteration also prints the benchmark thread's CPU time per operation
 * (ThreadMXBean), which a noisy shared machine disturbs less than wall-clock time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpSegmentBenchmark {

    static final int OUR_IP = Cidr.parseAddress("198.18.0.2");
    static final int PEER_IP = Cidr.parseAddress("198.18.0.1");
    static final long OUR_MAC = 0x02_00_00_00_01_01L;
    static final long PEER_MAC = 0x02_00_00_00_01_02L;
    static final int PORT = 5000;
    static final int PEER_PORT = 40000;
    static final int PAYLOAD = 64;
    static final int PREBUILT = 1024;
    static final int APP_READ_EVERY = 256;

    private final ManualClock clock = new ManualClock();
    private PairDevice.Wire wire;
    private Stack stack;
    private Engine engine;
    private TcpSocket server;
    private final FrameBatch tx = new FrameBatch(1);
    private final FrameBatch rx = new FrameBatch(64);
    private ByteBuffer frames;
    private int frameLength;
    private int next;
    private long sent;
    private long acks;
    private long received;
    private ByteBuffer appBuffer;
    private final CpuMeter cpu = new CpuMeter();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        wire = PairDevice.create(1500, 1, 256, OUR_MAC, PEER_MAC);
        stack = Stack.manual(JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "jmx", "false")), wire.a(), clock);
        engine = stack.engine(0);
        appBuffer = ByteBuffer.allocateDirect(APP_READ_EVERY * PAYLOAD);
        PeerScript peer = new PeerScript();
        engine.doWork();
        drain(); // the gratuitous ARP
        peer.arpRequest();
        inject(peer.buf, 0, peer.length);
        engine.doWork();
        drain(); // the ARP reply: the stack now knows our MAC
        TcpSocket listener = stack.listen(0, PORT, 16);
        engine.doWork();

        int iss = 0x1000_0000;
        peer.segment(iss, 0, TcpSegment.SYN, new TcpOptions().mss(1460).sackPermitted(true).timestamps(1, 0).windowScale(7), 0);
        inject(peer.buf, 0, peer.length);
        engine.doWork();
        TcpSegment synAck = takeSegment();
        if (synAck == null || synAck.flags() != (TcpSegment.SYN | TcpSegment.ACK)) {
            throw new IllegalStateException("no SYN-ACK; counters " + stack.counters());
        }
        int ourIss = synAck.sequenceNumber();
        TcpOptions synAckOptions = new TcpOptions();
        synAckOptions.parse(synAck.buffer(), synAck.optionsOffset(), synAck.optionsLength());
        int tsEcr = synAckOptions.tsVal();
        rxRelease();
        peer.segment(iss + 1, ourIss + 1, TcpSegment.ACK, new TcpOptions().timestamps(2, tsEcr), 0);
        inject(peer.buf, 0, peer.length);
        engine.doWork();
        server = listener.accept();
        if (server == null) {
            throw new IllegalStateException("handshake did not complete; counters " + stack.counters());
        }
        server.quickAck(true);
        engine.doWork();
        drain();

        // the data segments, each with its own sequence number
        TcpOptions ts = new TcpOptions().timestamps(3, tsEcr);
        peer.segment(iss + 1, ourIss + 1, TcpSegment.ACK | TcpSegment.PSH, ts, PAYLOAD);
        frameLength = peer.length;
        frames = ByteBuffer.allocateDirect(PREBUILT * frameLength);
        for (int i = 0; i < PREBUILT; i++) {
            peer.segment(iss + 1 + i * PAYLOAD, ourIss + 1, TcpSegment.ACK | TcpSegment.PSH, ts, PAYLOAD);
            frames.put(i * frameLength, peer.buf, 0, frameLength);
        }
    }

    /** One data segment in, the engine's cycle, its ACK out. */
    @Benchmark
    public int segmentInAckOut() {
        int n = oneSegment();
        if ((sent & (APP_READ_EVERY - 1)) == 0) {
            appRead();
        }
        return n;
    }

    /** As {@link #segmentInAckOut}, with the application's {@code read} of the 64 bytes each time. */
    @Benchmark
    public int segmentInAckOutAppRead() {
        int n = oneSegment();
        appRead();
        return n;
    }

    /**
     * The fixed cost inside {@code segmentInAckOut}: one duty cycle of the engine with nothing
     * to receive, no timer due and no request (clock read, empty rx burst, timer poll, empty
     * queues, empty tx flush, counters).
     */
    @Benchmark
    public int idleDutyCycle() {
        return engine.doWork();
    }

    private int oneSegment() {
        int slot = next;
        int at = slot * frameLength;
        inject(frames, at, frameLength);
        next = (slot + 1) & (PREBUILT - 1);
        int work = engine.doWork();
        int n = wire.b().rxBurst(0, rx);
        if (n > 0) {
            acks += n;
            wire.b().rxRelease(0, rx);
        }
        sent++;
        // the slot is used again PREBUILT segments later: move its sequence number on, fixing
        // the checksum incrementally (RFC 1624) as a sender patching a header would
        int tcpAt = at + EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
        int oldSeq = frames.getInt(tcpAt + TcpSegment.SEQUENCE_NUMBER_OFFSET);
        int newSeq = oldSeq + PREBUILT * PAYLOAD;
        frames.putInt(tcpAt + TcpSegment.SEQUENCE_NUMBER_OFFSET, newSeq);
        int sum = frames.getShort(tcpAt + TcpSegment.CHECKSUM_OFFSET) & 0xffff;
        frames.putShort(tcpAt + TcpSegment.CHECKSUM_OFFSET, (short) Checksum.update32(sum, oldSeq, newSeq));
        return work + n;
    }

    private void appRead() {
        try {
            appBuffer.clear();
            int r = server.read(appBuffer);
            if (r > 0) {
                received += r;
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu.start(sent);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpu.stop(sent, "segment");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        appRead();
        for (int i = 0; i < 64 && received < sent * PAYLOAD; i++) {
            appRead();
        }
        long drops = stack.counter(Counter.RX_DROP_TCP_BAD_CHECKSUM) + stack.counter(Counter.RX_DROP_TCP_TRUNCATED);
        String summary = "segments " + sent + ", ACK frames " + acks + ", bytes read " + received + ", drops " + drops;
        stack.close();
        wire.b().close();
        // a benchmark that measured a broken path must not report a number
        if (received != sent * PAYLOAD || acks < sent || drops != 0) {
            throw new IllegalStateException("the connection did not carry every segment: " + summary);
        }
        System.out.println("# " + summary);
    }

    // ---------------------------------------------------------------- per-byte work

    /** A payload, a receive ring and the application's buffer, per payload length. */
    @State(Scope.Thread)
    public static class Payload {
        @Param({"1460", "65536"})
        public int payloadLength;

        ByteBuffer payload;
        ByteBuffer appOut;
        ByteRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            payload = ByteBuffer.allocateDirect(payloadLength + 128);
            for (int i = 0; i < payload.capacity(); i++) {
                payload.put(i, (byte) (i * 31 + 7));
            }
            appOut = ByteBuffer.allocateDirect(payloadLength);
            ring = ByteRing.allocate(1 << 20);
        }
    }

    /**
     * What an arriving payload costs per byte: its checksum (at the 66-byte offset it has in a
     * frame), its copy into the receive ring and the application's copy out. Score = GB/s.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(65536)
    public int payloadChecksumAndCopy(Payload p) {
        int reps = 65536 / p.payloadLength;
        int sum = 0;
        for (int r = 0; r < reps; r++) {
            sum += Checksum.compute(p.payload, 66, p.payloadLength);
            p.ring.write(p.payload, 66, p.payloadLength);
            p.appOut.clear();
            p.ring.read(p.appOut);
        }
        return sum;
    }

    /** The copy into the ring and out again, without the checksum. Score = GB/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(65536)
    public int payloadCopyOnly(Payload p) {
        int reps = 65536 / p.payloadLength;
        int sum = 0;
        for (int r = 0; r < reps; r++) {
            sum += p.ring.write(p.payload, 66, p.payloadLength);
            p.appOut.clear();
            p.ring.read(p.appOut);
        }
        return sum;
    }

    /** The checksum alone over the same bytes. Score = GB/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(65536)
    public int payloadChecksumOnly(Payload p) {
        int reps = 65536 / p.payloadLength;
        int sum = 0;
        for (int r = 0; r < reps; r++) {
            sum += Checksum.compute(p.payload, 66, p.payloadLength);
        }
        return sum;
    }

    // ---------------------------------------------------------------- peer plumbing

    private void inject(ByteBuffer data, int offset, int length) {
        int i = wire.b().txAcquire(0, tx);
        if (i < 0) {
            throw new IllegalStateException("the wire towards the stack is full");
        }
        tx.buffer(i).put(tx.offset(i), data, offset, length);
        tx.length(i, length);
        wire.b().txBurst(0, tx);
    }

    private void drain() {
        while (wire.b().rxBurst(0, rx) > 0) {
            wire.b().rxRelease(0, rx);
        }
    }

    private void rxRelease() {
        wire.b().rxRelease(0, rx);
    }

    /** The next frame from the stack as a TCP segment (valid until {@link #rxRelease}), or null. */
    private TcpSegment takeSegment() {
        if (wire.b().rxBurst(0, rx) == 0) {
            return null;
        }
        ByteBuffer b = rx.buffer(0);
        int off = rx.offset(0);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, off + EthernetFrame.HEADER_LENGTH, rx.length(0) - EthernetFrame.HEADER_LENGTH);
        if (new EthernetFrame().wrap(b, off, rx.length(0)).etherType() != EthernetFrame.ETHERTYPE_IPV4
                || ip.protocol() != Ipv4Packet.PROTOCOL_TCP) {
            return null;
        }
        return new TcpSegment().wrap(b, ip.payloadOffset(), ip.payloadLength());
    }

    /** Builds the peer's frames (set-up only; the measured loop uses the pre-built copies). */
    static final class PeerScript {
        final ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        int length;

        void arpRequest() {
            EthernetFrame eth = new EthernetFrame().wrap(buf, 0, buf.capacity());
            eth.destination(MacAddress.BROADCAST).source(PEER_MAC).etherType(EthernetFrame.ETHERTYPE_ARP);
            ArpPacket arp = new ArpPacket().wrap(buf, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
            arp.writeEthernetIpv4Header();
            arp.operation(ArpPacket.OP_REQUEST);
            arp.senderHardwareAddress(PEER_MAC);
            arp.senderProtocolAddress(PEER_IP);
            arp.targetHardwareAddress(0);
            arp.targetProtocolAddress(OUR_IP);
            length = EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH;
        }

        void segment(int seq, int ack, int flags, TcpOptions options, int payloadLength) {
            EthernetFrame eth = new EthernetFrame().wrap(buf, 0, buf.capacity());
            eth.destination(OUR_MAC).source(PEER_MAC).etherType(EthernetFrame.ETHERTYPE_IPV4);
            int ipAt = EthernetFrame.HEADER_LENGTH;
            int tcpAt = ipAt + Ipv4Packet.MIN_HEADER_LENGTH;
            int optionsLength = options.write(buf, tcpAt + TcpSegment.MIN_HEADER_LENGTH);
            int tcpLength = TcpSegment.MIN_HEADER_LENGTH + optionsLength + payloadLength;
            for (int i = 0; i < payloadLength; i++) {
                buf.put(tcpAt + TcpSegment.MIN_HEADER_LENGTH + optionsLength + i, (byte) ('a' + i % 26));
            }
            TcpSegment tcp = new TcpSegment().wrap(buf, tcpAt, tcpLength);
            tcp.sourcePort(PEER_PORT).destinationPort(PORT).sequenceNumber(seq).acknowledgmentNumber(ack)
                    .headerLength(TcpSegment.MIN_HEADER_LENGTH + optionsLength).flags(flags).window(65535)
                    .urgentPointer(0);
            tcp.computeChecksum(PEER_IP, OUR_IP);
            Ipv4Packet ip = new Ipv4Packet().wrap(buf, ipAt, Ipv4Packet.MIN_HEADER_LENGTH + tcpLength);
            ip.versionAndHeaderLength(Ipv4Packet.MIN_HEADER_LENGTH).typeOfService(0)
                    .totalLength(Ipv4Packet.MIN_HEADER_LENGTH + tcpLength).identification(1)
                    .flagsAndFragmentOffset(true, false, 0).timeToLive(64).protocol(Ipv4Packet.PROTOCOL_TCP)
                    .source(PEER_IP).destination(OUR_IP).computeChecksum();
            length = ipAt + Ipv4Packet.MIN_HEADER_LENGTH + tcpLength;
        }
    }

    /**
     * CPU time of the benchmark thread per operation over one iteration (ThreadMXBean), printed
     * beside JMH's wall-clock score.
     */
    static final class CpuMeter {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long cpuStart;
        private long wallStart;
        private long opsStart;

        void start(long ops) {
            opsStart = ops;
            wallStart = System.nanoTime();
            cpuStart = threads.getCurrentThreadCpuTime();
        }

        void stop(long ops, String unit) {
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
            long wallNanos = System.nanoTime() - wallStart;
            long n = ops - opsStart;
            if (n > 0) {
                System.out.printf("%n# CPU %.1f ns/%s (wall %.1f ns/%s, %d %ss, CPU/wall %.2f)%n", (double) cpuNanos / n,
                        unit, (double) wallNanos / n, unit, n, unit, (double) cpuNanos / wallNanos);
            }
        }
    }
}
