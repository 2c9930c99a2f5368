package io.jmtcp.examples.bench;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two jmtcp stacks joined by a {@link PairDevice}, both engines driven by the one benchmark
 * thread (each "cycle" is one duty cycle of each engine, on the real clock), applications on
 * the same thread (issue 3 "Speed and memory"):
 * <ul>
 * <li>{@code requestResponse}: on an established TCP_NODELAY connection, 64 bytes from client
 * to server and 64 bytes back, each side reading what it got (target &lt;= 1 µs);</li>
 * <li>{@code shortConnection}: a whole connection: connect, accept, 64 bytes each way, client
 * close, server reads EOF and closes, until both sockets are finished (target &lt;= 5 µs).
 * TIME-WAIT is configured to 0 so that ports are reused at once; the TIME-WAIT entry is still
 * entered and deleted.</li>
 * </ul>
 * Each measured iteration also prints the thread's CPU time per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpTransactionBenchmark {

    static final int PORT = 5000;
    static final int MESSAGE = 64;

    private TwoStacks stacks;
    private TcpSocket listener;
    private TcpSocket client;
    private TcpSocket server;
    private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer response = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
    private long ops;
    private long cycles;
    private long opsAtStart;
    private final BooleanSupplier requestArrived = () -> server.readableBytes() >= MESSAGE;
    private final BooleanSupplier responseArrived = () -> client.readableBytes() >= MESSAGE;
    private final TcpSegmentBenchmark.CpuMeter cpu = new TcpSegmentBenchmark.CpuMeter();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stacks = new TwoStacks(1500, 1024, Map.of("tcp.time-wait", "0s"));
        listener = stacks.b.listen(0, PORT, 128);
        stacks.cycle();
        client = stacks.connect(PORT);
        stacks.runUntil(() -> client.isConnectFinished() && listener.isAcceptable(), "connect");
        server = listener.accept();
        server.noDelay(true);
        stacks.cycle();
    }

    /** 64 bytes there, 64 bytes back, both read by their applications. */
    @Benchmark
    public long requestResponse() throws IOException {
        request.clear();
        client.write(request);
        cycles += stacks.runUntil(requestArrived, "request");
        readExactly(server, MESSAGE);
        response.clear();
        server.write(response);
        cycles += stacks.runUntil(responseArrived, "response");
        readExactly(client, MESSAGE);
        return ++ops;
    }

    /** SYN ... FIN with 64 bytes each way; both sockets finished at the end. */
    @Benchmark
    public long shortConnection() throws IOException {
        TcpSocket c = stacks.connect(PORT);
        cycles += stacks.runUntil(() -> c.isConnectFinished() && listener.isAcceptable(), "connect");
        TcpSocket s = listener.accept();
        s.noDelay(true);
        request.clear();
        if (c.write(request) != MESSAGE) {
            throw new IllegalStateException("connect failed: " + c.failure());
        }
        cycles += stacks.runUntil(() -> s.readableBytes() >= MESSAGE, "request");
        readExactly(s, MESSAGE);
        response.clear();
        s.write(response);
        cycles += stacks.runUntil(() -> c.readableBytes() >= MESSAGE, "response");
        readExactly(c, MESSAGE);
        c.close();
        cycles += stacks.runUntil(() -> s.is(TcpSocket.INPUT_EOF), "FIN");
        in.clear();
        if (s.read(in) != -1) {
            throw new IllegalStateException("expected end of stream");
        }
        s.close();
        cycles += stacks.runUntil(() -> c.is(TcpSocket.FINISHED) && s.is(TcpSocket.FINISHED), "close");
        return ++ops;
    }

    private void readExactly(TcpSocket socket, int n) throws IOException {
        in.clear().limit(n);
        if (socket.read(in) != n) {
            throw new IllegalStateException("short read");
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu.start(ops);
        opsAtStart = ops;
        cycles = 0;
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpu.stop(ops, "op");
        long n = ops - opsAtStart;
        System.out.printf("# engine cycle pairs per op: %.2f%n", n == 0 ? 0.0 : (double) cycles / n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("# connections " + stacks.a.counter(Counter.TCP_CONNECTIONS_CREATED) + " created, retransmits "
                + stacks.a.counter(Counter.TCP_RETRANSMITS) + "/" + stacks.b.counter(Counter.TCP_RETRANSMITS));
        stacks.close();
    }

    /**
     * Two manual stacks, 198.18.0.1 (A, clients) and 198.18.0.2 (B, servers), on the ends of
     * one {@link PairDevice}, both engines run by the calling thread on the system clock.
     */
    static final class TwoStacks implements AutoCloseable {
        static final int IP_A = Cidr.parseAddress("198.18.0.1");
        static final int IP_B = Cidr.parseAddress("198.18.0.2");

        final PairDevice.Wire wire;
        final Stack a;
        final Stack b;
        final Engine ea;
        final Engine eb;

        TwoStacks(int mtu, int slots, Map<String, String> options) {
            wire = PairDevice.create(mtu, 1, slots);
            a = Stack.manual(config("198.18.0.1/24", options), wire.a(), SystemNanoClock.INSTANCE);
            b = Stack.manual(config("198.18.0.2/24", options), wire.b(), SystemNanoClock.INSTANCE);
            ea = a.engine(0);
            eb = b.engine(0);
        }

        private static JmtcpConfig config(String ip, Map<String, String> options) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("ip", ip);
            all.put("jmx", "false");
            all.putAll(options);
            return JmtcpConfig.of(all);
        }

        /** A TCP_NODELAY connection from A to B's {@code port}. */
        TcpSocket connect(int port) {
            TcpSocket s = new TcpSocket();
            s.noDelay(true);
            return a.connect(s, 0, IP_B, port);
        }

        /** One duty cycle of each engine. */
        int cycle() {
            return ea.doWork() + eb.doWork();
        }

        /** Cycles until {@code done}; returns the cycles it took. Fails after 100,000. */
        int runUntil(BooleanSupplier done, String what) {
            for (int i = 0; i < 100_000; i++) {
                if (done.getAsBoolean()) {
                    return i;
                }
                cycle();
            }
            throw new IllegalStateException(what + " did not happen; A " + a.counters() + " B " + b.counters());
        }

        @Override
        public void close() {
            a.close();
            b.close();
        }
    }
}
