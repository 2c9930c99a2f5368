package io.jmtcp.examples.memory;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Address;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Memory per idle established connection (issue 3 "Speed and memory", target &lt;= 2 KiB).
 *
 * <p>One manual stack on the in-stack loopback (127.0.0.1/8), a listener on port 7 of every
 * local address, and N client connections spread over 127.0.0.1, 127.0.0.2, ... (25,000 per
 * destination address, as one address pair has only the ephemeral range of ports). Every
 * connection is accepted and both sockets are kept, idle. The main measures heap (after GC,
 * MemoryMXBean) and direct memory (BufferPoolMXBean "direct") before and after, and prints the
 * difference per connection (both endpoints, as both live in this JVM) and per socket, then the
 * class histogram ({@code jcmd GC.class_histogram}) of the biggest per-connection consumers.
 *
 * <p>An idle connection holds no ring memory: the engine makes a socket's receive ring with the
 * first payload byte and the application's first write makes its send ring, so with default
 * buffer sizes the direct figure is 0 and the heap figure is the TCB, the socket and their
 * share of the engine's tables. Pass bufferBytes to see that SO_RCVBUF/SO_SNDBUF only size the
 * rings once they are made.
 *
 * <p>Run: {@code java -Xmx8g -XX:MaxDirectMemorySize=8g -cp examples/target/benchmarks.jar
 * io.jmtcp.examples.memory.ConnectionMemory N [bufferBytes] [memory.max]}; bufferBytes sets
 * SO_SNDBUF/SO_RCVBUF (0 = engine default), memory.max is the engine's ring memory cap.
 */
public final class ConnectionMemory {

    private static final int PORT = 7;
    private static final int PER_ADDRESS = 25_000;
    private static final int BATCH = 128;

    private ConnectionMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int bufferBytes = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        String memoryMax = args.length > 2 ? args[2] : "64g";

        Map<String, String> options = new LinkedHashMap<>();
        options.put("ip", "127.0.0.1/8");
        options.put("jmx", "false");
        options.put("memory.max", memoryMax);
        options.put("tcp.syn-backlog", "4096");
        Stack stack = Stack.manual(JmtcpConfig.of(options), new LoopbackDevice(16384, 1, 1024),
                SystemNanoClock.INSTANCE);
        Engine engine = stack.engine(0);
        TcpSocket listener = stack.listen(0, PORT, 4096);
        if (bufferBytes > 0) {
            listener.receiveBufferSize(bufferBytes);
            listener.sendBufferSize(bufferBytes);
        }
        engine.doWork();

        // warm the classes and the first slab chunk with a few connections that stay open
        List<TcpSocket> keep = new ArrayList<>(2 * n + 64);
        open(stack, engine, listener, 8, 0, bufferBytes, keep);
        Snapshot before = Snapshot.take();

        long t0 = System.nanoTime();
        open(stack, engine, listener, n, 8, bufferBytes, keep);
        long openNanos = System.nanoTime() - t0;
        // let delayed ACKs and the like run out, so the connections are truly idle
        long idleUntil = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < idleUntil) {
            engine.doWork();
            Thread.sleep(1);
        }
        Snapshot after = Snapshot.take();
        int established = 0;
        for (TcpSocket s : keep) {
            if (s.is(TcpSocket.CONNECTED) && !s.is(TcpSocket.FINISHED) && s.failure() == null) {
                established++;
            }
        }
        int sockets = keep.size() - 16; // minus the 8 warm-up connections
        System.out.printf("connections %d (sockets %d, established sockets %d of %d), opened in %.2f s%n", n, sockets,
                established, keep.size(), openNanos / 1e9);
        System.out.printf("engine: connections %d, no-memory %d, SYN cookies sent %d%n", engine.tcp().connections(),
                stack.counter(Counter.TCP_NO_MEMORY), stack.counter(Counter.TCP_SYN_COOKIES_SENT));
        long heap = after.heap - before.heap;
        long direct = after.direct - before.direct;
        System.out.printf("heap   %,d bytes: %,.0f per connection, %,.0f per socket%n", heap, (double) heap / n,
                (double) heap / sockets);
        System.out.printf("direct %,d bytes: %,.0f per connection, %,.0f per socket%n", direct, (double) direct / n,
                (double) direct / sockets);
        System.out.printf("total  %,.0f bytes per connection (%,.0f per socket)%n", (double) (heap + direct) / n,
                (double) (heap + direct) / sockets);
        histogram(n);
        if (keep.isEmpty()) {
            System.out.println("nothing kept");
        }
        stack.close();
    }

    /** Opens {@code count} connections, {@value #BATCH} at a time, keeping both sockets. */
    private static void open(Stack stack, Engine engine, TcpSocket listener, int count, int first, int bufferBytes,
            List<TcpSocket> keep) throws Exception {
        List<TcpSocket> pending = new ArrayList<>(BATCH);
        for (int done = 0; done < count; ) {
            int batch = Math.min(BATCH, count - done);
            for (int i = 0; i < batch; i++) {
                int index = first + done + i;
                int destination = Ipv4Address.parse("127.0.0.1") + index / PER_ADDRESS;
                TcpSocket s = new TcpSocket();
                if (bufferBytes > 0) {
                    s.receiveBufferSize(bufferBytes);
                    s.sendBufferSize(bufferBytes);
                }
                pending.add(stack.connect(s, 0, destination, PORT));
            }
            int accepted = 0;
            for (int cycles = 0; accepted < batch || !allConnected(pending); cycles++) {
                engine.doWork();
                for (TcpSocket a = listener.accept(); a != null; a = listener.accept()) {
                    keep.add(a);
                    accepted++;
                }
                if (cycles > 100_000) {
                    throw new IllegalStateException("batch did not connect: accepted " + accepted + " of " + batch
                            + "; counters " + stack.counters());
                }
            }
            for (TcpSocket s : pending) {
                if (s.failure() != null) {
                    throw new IllegalStateException("connect failed after " + (done + first) + ": " + s.failure());
                }
            }
            keep.addAll(pending);
            pending.clear();
            done += batch;
        }
    }

    private static boolean allConnected(List<TcpSocket> sockets) {
        for (TcpSocket s : sockets) {
            if (!s.isConnectFinished()) {
                return false;
            }
        }
        return true;
    }

    /** The top of the live-object histogram, per connection. */
    private static void histogram(int n) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()),
                "GC.class_histogram").redirectErrorStream(true).start();
        System.out.println("live objects per connection (top, >= 8 bytes per connection):");
        System.out.printf("  %10s %10s  %s%n", "bytes", "instances", "class");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[0].endsWith(":")) {
                    continue;
                }
                long instances = Long.parseLong(f[1]);
                long bytes = Long.parseLong(f[2]);
                if (bytes / n >= 8) {
                    System.out.printf("  %10.1f %10.2f  %s%n", (double) bytes / n, (double) instances / n, f[3]);
                }
            }
        }
        p.waitFor();
    }

    /** Heap after GC and direct memory in use. */
    private record Snapshot(long heap, long direct) {
        static Snapshot take() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    direct = pool.getMemoryUsed();
                }
            }
            return new Snapshot(heap, direct);
        }
    }
}
