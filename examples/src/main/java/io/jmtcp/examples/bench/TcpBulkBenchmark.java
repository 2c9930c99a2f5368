package io.jmtcp.examples.bench;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Address;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk transfer through the whole stack on one thread (issue 3 "Speed and memory"): the
 * application keeps the client socket's send ring full, the engine(s) run a duty cycle, the
 * application reads what the server socket has (up to 64 KiB); one operation ends once
 * {@value #CHUNK} bytes have been read.
 * <ul>
 * <li>{@code loopback}: one stack on the {@link LoopbackDevice} with a 65535-byte MTU,
 * client and server on 127.0.0.1 (target &gt;= 10 Gbit/s);</li>
 * <li>{@code pair}: two stacks on a 1500-byte-MTU {@link io.jmtcp.engine.dev.PairDevice}, both
 * engines driven by this thread (target &gt;= 3 Gbit/s).</li>
 * </ul>
 * The score is µs per 64 KiB chunk; each iteration prints Gbit/s by wall clock and by the
 * thread's CPU time. {@code bufferSize} sets SO_SNDBUF/SO_RCVBUF of both sockets (0: the
 * engine's default, 128 KiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpBulkBenchmark {

    static final int CHUNK = 65536;
    static final int PORT = 5001;

    @Param({"0", "1048576"})
    public int bufferSize;

    private Stack loopback;
    private Engine loopbackEngine;
    private TcpBenchmarkPair pair;
    private TcpSocket client;
    private TcpSocket server;
    private final ByteBuffer out = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
    private long bytes;
    private long bytesAtStart;
    private long cpuAtStart;
    private long wallAtStart;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** Which setup a benchmark runs on. */
    private interface Cycle {
        void run();
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        for (int i = 0; i < CHUNK; i++) {
            out.put(i, (byte) i);
        }
    }

    private void openLoopback() throws IOException {
        if (loopback != null) {
            return;
        }
        loopback = Stack.manual(JmtcpConfig.of(Map.of("ip", "127.0.0.1/8", "jmx", "false")),
                new LoopbackDevice(LoopbackDevice.MAX_MTU, 1, 256), SystemNanoClock.INSTANCE);
        loopbackEngine = loopback.engine(0);
        TcpSocket listener = loopback.listen(0, PORT, 16);
        sizeBuffers(listener); // accepted sockets inherit the listener's buffer sizes
        loopbackEngine.doWork();
        TcpSocket c = new TcpSocket();
        sizeBuffers(c);
        client = loopback.connect(c, 0, Ipv4Address.parse("127.0.0.1"), PORT);
        for (int i = 0; i < 1000 && !(client.isConnectFinished() && listener.isAcceptable()); i++) {
            loopbackEngine.doWork();
        }
        server = accepted(listener);
    }

    private void openPair() throws IOException {
        if (pair != null) {
            return;
        }
        pair = new TcpBenchmarkPair();
        TcpSocket listener = pair.stacks.b.listen(0, PORT, 16);
        sizeBuffers(listener); // accepted sockets inherit the listener's buffer sizes
        pair.stacks.cycle();
        TcpSocket c = new TcpSocket();
        sizeBuffers(c);
        client = pair.stacks.a.connect(c, 0, TcpTransactionBenchmark.TwoStacks.IP_B, PORT);
        pair.stacks.runUntil(() -> client.isConnectFinished() && listener.isAcceptable(), "connect");
        server = accepted(listener);
    }

    private void sizeBuffers(TcpSocket s) {
        if (bufferSize > 0) {
            s.sendBufferSize(bufferSize);
            s.receiveBufferSize(bufferSize);
        }
    }

    private TcpSocket accepted(TcpSocket listener) throws IOException {
        TcpSocket s = listener.accept();
        if (s == null || client.failure() != null) {
            throw new IOException("connect failed", client.failure());
        }
        return s;
    }

    /** 64 KiB over the in-stack loopback (one engine, MTU 65535). */
    @Benchmark
    public long loopback() throws IOException {
        openLoopback();
        return moveChunk(loopbackEngine::doWork);
    }

    /** 64 KiB over a 1500-MTU pair wire between two stacks (two engines, one thread). */
    @Benchmark
    public long pair() throws IOException {
        openPair();
        return moveChunk(pair.stacks::cycle);
    }

    private long moveChunk(Cycle cycle) throws IOException {
        int got = 0;
        for (int spins = 0; got < CHUNK; spins++) {
            // the writer streams: it keeps the send ring full across chunk boundaries, as
            // iperf does, so the sender never idles on a sub-MSS tail (Nagle + delayed ACK)
            if (!out.hasRemaining()) {
                out.clear();
            }
            client.write(out);
            cycle.run();
            in.clear();
            int n = server.read(in);
            if (n > 0) {
                got += n;
            }
            if (spins > 1_000_000) {
                throw new IllegalStateException("no progress; client " + client + " server " + server);
            }
        }
        bytes += got;
        return got;
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        bytesAtStart = bytes;
        wallAtStart = System.nanoTime();
        cpuAtStart = threads.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long cpu = threads.getCurrentThreadCpuTime() - cpuAtStart;
        long wall = System.nanoTime() - wallAtStart;
        long b = bytes - bytesAtStart;
        if (b > 0) {
            System.out.printf("%n# %.2f Gbit/s by wall clock, %.2f Gbit/s per CPU second (CPU/wall %.2f)%n",
                    b * 8.0 / wall, b * 8.0 / cpu, (double) cpu / wall);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Stack s = loopback != null ? loopback : pair.stacks.a;
        System.out.println("# retransmits " + s.counter(Counter.TCP_RETRANSMITS) + ", segments sent "
                + s.counter(Counter.TCP_TX_SEGMENTS) + ", bytes " + bytes);
        if (loopback != null) {
            loopback.close();
        }
        if (pair != null) {
            pair.stacks.close();
        }
    }

    /** The two stacks of the pair benchmark (1500 MTU, 1024 slots per direction). */
    static final class TcpBenchmarkPair {
        final TcpTransactionBenchmark.TwoStacks stacks = new TcpTransactionBenchmark.TwoStacks(1500, 1024, Map.of());
    }
}
