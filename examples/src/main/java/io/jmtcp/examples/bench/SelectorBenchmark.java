package io.jmtcp.examples.bench;

import io.jmtcp.examples.apps.SelfTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
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
 * The selector's own costs, jmtcp's against the JDK's (epoll) in the same run ({@code provider}
 * = {@code jdk} | {@code jmtcp}):
 * <ul>
 * <li>{@code wakeupThenSelect}: {@code wakeup()} then {@code select()}, which returns at once
 * because of the pending wakeup: the fixed price of the mechanism every event loop (Netty, Jetty,
 * XNIO) pays when another thread hands it a task. The JDK's writes and drains an eventfd and
 * enters {@code epoll_wait}; jmtcp's needs no system call (DESIGN.md 5). Same thread, so the
 * figure holds no thread hand-over or scheduler wakeup;</li>
 * <li>{@code selectNowOneReady}: {@code selectNow()} with {@code registered} accepted TCP
 * connections registered for {@code OP_READ}, exactly one of which has an unread byte (it stays
 * ready: selectors are level-triggered), selected-key set cleared each time. DESIGN.md 5 wants
 * jmtcp's cost O(ready keys), not O(registered).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectorBenchmark {

    /** One selector with nothing registered. */
    @State(Scope.Thread)
    public static class Empty {
        @Param({"jdk", "jmtcp"})
        public String provider;

        Selector selector;
        long ops;
        private final Providers.ProcessCpu cpu = new Providers.ProcessCpu();

        @Setup(Level.Iteration)
        public void startIteration() {
            cpu.start(ops);
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            cpu.stop(ops);
        }

        @Setup(Level.Trial)
        public void open() throws IOException {
            selector = Providers.of(provider).openSelector();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            selector.close();
        }
    }

    /** {@code registered} server-side connections on one selector, one of them readable. */
    @State(Scope.Thread)
    public static class OneReady {
        @Param({"jdk", "jmtcp"})
        public String provider;

        @Param({"1", "1000"})
        public int registered;

        Selector selector;
        long ops;
        private final Providers.ProcessCpu cpu = new Providers.ProcessCpu();
        private ServerSocketChannel listener;
        private final List<SocketChannel> channels = new ArrayList<>();
        private long opensAtStart;

        @Setup(Level.Trial)
        public void open() throws IOException, InterruptedException {
            opensAtStart = SelfTest.jmtcpActiveOpens();
            SelectorProvider p = Providers.of(provider);
            selector = p.openSelector();
            listener = p.openServerSocketChannel();
            listener.bind(new InetSocketAddress("127.0.0.1", 0), 64);
            SocketChannel first = null;
            for (int i = 0; i < registered; i++) {
                SocketChannel client = p.openSocketChannel();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                client.connect(listener.getLocalAddress());
                SocketChannel server = listener.accept();
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_READ);
                channels.add(client);
                channels.add(server);
                if (first == null) {
                    first = client;
                }
            }
            first.write(ByteBuffer.wrap(new byte[] {42}));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (selector.selectNow() != 1) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the byte never made its connection readable");
                }
                Thread.sleep(1);
            }
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
        public void close() throws IOException {
            Providers.reportJmtcpConnections(provider, opensAtStart);
            for (SocketChannel c : channels) {
                c.close();
            }
            listener.close();
            selector.close();
        }
    }

    @Benchmark
    public int wakeupThenSelect(Empty s) throws IOException {
        s.selector.wakeup();
        s.ops++;
        return s.selector.select();
    }

    @Benchmark
    public int selectNowOneReady(OneReady s) throws IOException {
        s.selector.selectedKeys().clear();
        int n = s.selector.selectNow();
        s.ops++;
        if (n != 1) {
            throw new IllegalStateException("selectNow found " + n + " ready keys, not 1");
        }
        return n;
    }
}
