package io.jmtcp.examples.bench;

import io.jmtcp.examples.apps.SelfTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
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
 * A whole short TCP connection through the NIO channel API, both ends on the benchmark thread in
 * blocking mode: open, connect, accept, 64 bytes from client to server, 64 bytes back, the client
 * closes, the server reads end of stream and closes. {@code provider} = {@code jdk} (kernel
 * loopback) or {@code jmtcp} (jmtcp's in-stack loopback), the channels the application sees being
 * the only thing that differs. The engine-level counterpart without the provider is
 * {@link TcpTransactionBenchmark#shortConnection}.
 *
 * <p>The client closes first, so its end enters TIME-WAIT. The kernel reuses such ports on
 * loopback ({@code net.ipv4.tcp_tw_reuse = 2}, RFC 6191-style); jmtcp keeps a TIME-WAIT tuple's
 * port for {@code jmtcp.tcp.time-wait} (60 s by default) and has 28232 ports
 * ({@code jmtcp.tcp.ports}), which a few seconds of this benchmark would exhaust, so the fork sets
 * {@code -Djmtcp.tcp.time-wait=1s} (the kernel ignores the property).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djmtcp.tcp.time-wait=1s")
public class ChannelShortConnectionBenchmark {

    private static final int MESSAGE = 64;

    @Param({"jdk", "jmtcp"})
    public String provider;

    private SelectorProvider p;
    private ServerSocketChannel listener;
    private SocketAddress address;
    private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer response = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(MESSAGE);
    private long opensAtStart;
    private long ops;
    private final Providers.ProcessCpu cpu = new Providers.ProcessCpu();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        opensAtStart = SelfTest.jmtcpActiveOpens();
        p = Providers.of(provider);
        listener = p.openServerSocketChannel();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 128);
        address = listener.getLocalAddress();
    }

    @Benchmark
    public int openExchangeClose() throws IOException {
        int got;
        try (SocketChannel client = p.openSocketChannel()) {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.connect(address);
            try (SocketChannel server = listener.accept()) {
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                request.clear();
                writeFully(client, request);
                readFully(server);
                response.clear();
                writeFully(server, response);
                got = readFully(client);
                client.close();
                in.clear();
                if (server.read(in) != -1) {
                    throw new IOException("expected end of stream after the client's close");
                }
            }
        }
        ops++;
        return got;
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private int readFully(SocketChannel ch) throws IOException {
        in.clear();
        while (in.hasRemaining()) {
            if (ch.read(in) < 0) {
                throw new IOException("end of stream after " + in.position() + " bytes");
            }
        }
        return in.position();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu.start(ops);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpu.stop(ops);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Providers.reportJmtcpConnections(provider, opensAtStart);
        listener.close();
    }
}
