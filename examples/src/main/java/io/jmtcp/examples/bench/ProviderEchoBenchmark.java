package io.jmtcp.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application-level view of issue 7's first two targets, through whatever
 * {@link SelectorProvider} the JVM runs with: a non-blocking selector echo server and a client
 * in one JVM on 127.0.0.1, using nothing but {@code java.nio}.
 * <ul>
 * <li>{@code short}: connect (blocking, or non-blocking through a selector with
 *     {@code --nonblocking}), write 64 B, read the 64 B echo, close; connections per second;</li>
 * <li>{@code pingpong}: one persistent TCP_NODELAY connection, 64 B request and 64 B response;
 *     round trips per second and the latency p50/p99/p99.9.</li>
 * </ul>
 * Besides rates (noisy on a shared 2-core machine) each cell reports the process CPU time and
 * the voluntary context switches (thread wakeups) per operation, summed over all threads.
 *
 * <p>{@code --compare N} runs N alternating rounds (JDK NIO, jmtcp, JDK NIO, ...) of each
 * workload in child JVMs with the same JVM options, then prints per-round ratios to JDK NIO and
 * their median, so the figures being compared were measured minutes apart, not hours:
 * <pre>
 * java -cp engine+provider+agrona+jctools+examples classes io.jmtcp.examples.bench.ProviderEchoBenchmark \
 *      --compare 3 --seconds 3 [--jmtcp-opts "-Djmtcp.threading=inline"]
 * </pre>
 * Run alone (no {@code --compare}) it measures the JVM's own provider once and prints one
 * {@code RESULT} line per workload.
 *
 * <p>Threads: the main thread is the client; a daemon thread runs the server's selector.
 */
public final class ProviderEchoBenchmark {

    private static final int MESSAGE = 64;
    private static final String JMTCP_PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";

    private ProviderEchoBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "3"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "1"));
        String workloads = o.getOrDefault("workload", "short,pingpong");
        boolean nonBlocking = o.containsKey("nonblocking");
        if (o.containsKey("compare")) {
            compare(Integer.parseInt(o.get("compare")), o, workloads);
            return;
        }
        System.out.println("provider " + SelectorProvider.provider().getClass().getName());
        SocketAddress server = startServer();
        for (String w : workloads.split(",")) {
            Map<String, Double> r = "short".equals(w)
                    ? shortConnections(server, warmup, seconds, nonBlocking)
                    : pingPong(server, warmup, seconds);
            StringBuilder line = new StringBuilder("RESULT ").append(w);
            r.forEach((k, v) -> line.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.2f", v)));
            System.out.println(line);
        }
        System.exit(0); // the server thread is a daemon, but jmtcp's engine threads are not ours to stop
    }

    // ------------------------------------------------------------------------------ workloads

    private static Map<String, Double> shortConnections(SocketAddress server, double warmup, double seconds,
            boolean nonBlocking) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(MESSAGE);
        Selector selector = nonBlocking ? Selector.open() : null;
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < warmEnd) {
            oneShortConnection(server, b, selector);
        }
        Usage before = Usage.now();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long n = 0;
        long connectNanos = 0;
        long t;
        while ((t = System.nanoTime()) < end) {
            connectNanos += oneShortConnection(server, b, selector);
            n++;
        }
        Usage used = Usage.now().minus(before);
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("ops_s", n / ((t - start) / 1e9));
        r.put("connect_us", connectNanos / 1e3 / n);
        used.perOp(r, n);
        if (selector != null) {
            selector.close();
        }
        return r;
    }

    /** One connection: connect, 64 B out, 64 B back, close; returns the nanoseconds connect took. */
    private static long oneShortConnection(SocketAddress server, ByteBuffer b, Selector selector) throws IOException {
        long t0 = System.nanoTime();
        SocketChannel c;
        if (selector == null) {
            c = SocketChannel.open(server);
        } else {
            c = SocketChannel.open();
            c.configureBlocking(false);
            if (!c.connect(server)) {
                c.register(selector, SelectionKey.OP_CONNECT);
                while (!c.finishConnect()) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            }
            c.register(selector, SelectionKey.OP_READ);
        }
        long connected = System.nanoTime() - t0;
        b.clear();
        while (b.hasRemaining()) {
            c.write(b);
        }
        b.clear();
        while (b.hasRemaining()) {
            int r = c.read(b);
            if (r < 0) {
                throw new IOException("server closed early");
            }
            if (r == 0 && selector != null) {
                selector.select();
                selector.selectedKeys().clear();
            }
        }
        c.close();
        if (selector != null) {
            selector.selectNow(); // flushes the cancelled key, as a selector loop would
        }
        return connected;
    }

    private static Map<String, Double> pingPong(SocketAddress server, double warmup, double seconds)
            throws IOException {
        long[] latency = new long[1 << 22];
        try (SocketChannel c = SocketChannel.open(server)) {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer b = ByteBuffer.allocateDirect(MESSAGE);
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < warmEnd) {
                roundTrip(c, b);
            }
            Usage before = Usage.now();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int n = 0;
            long t = start;
            while (t < end) {
                long t0 = t;
                roundTrip(c, b);
                t = System.nanoTime();
                if (n < latency.length) {
                    latency[n++] = t - t0;
                }
            }
            Usage used = Usage.now().minus(before);
            Arrays.sort(latency, 0, n);
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("ops_s", n / ((t - start) / 1e9));
            r.put("p50_us", latency[n / 2] / 1e3);
            r.put("p99_us", latency[(int) (n * 0.99)] / 1e3);
            r.put("p999_us", latency[(int) (n * 0.999)] / 1e3);
            used.perOp(r, n);
            return r;
        }
    }

    private static void roundTrip(SocketChannel c, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            c.write(b);
        }
        b.clear();
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("server closed");
            }
        }
    }

    // --------------------------------------------------------------------------------- server

    private static SocketAddress startServer() throws IOException {
        ServerSocketChannel ssc = ServerSocketChannel.open();
        ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ssc.configureBlocking(false);
        Selector selector = Selector.open();
        ssc.register(selector, SelectionKey.OP_ACCEPT);
        Thread t = new Thread(() -> serve(selector), "echo-server");
        t.setDaemon(true);
        t.start();
        return ssc.getLocalAddress();
    }

    private static void serve(Selector selector) {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        try {
            for (;;) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = ((ServerSocketChannel) k.channel()).accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            ch.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (k.isReadable()) {
                        SocketChannel ch = (SocketChannel) k.channel();
                        b.clear();
                        int r;
                        try {
                            r = ch.read(b);
                        } catch (IOException e) {
                            r = -1; // reset by the client: close as at EOF
                        }
                        if (r < 0) {
                            k.cancel();
                            ch.close();
                            continue;
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    }
                }
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    // ---------------------------------------------------------------------------- measurement

    /** Process CPU time and voluntary context switches of all threads, from the JVM and /proc. */
    private static final class Usage {
        final long cpuNanos;
        final long wakeups;

        Usage(long cpuNanos, long wakeups) {
            this.cpuNanos = cpuNanos;
            this.wakeups = wakeups;
        }

        static Usage now() {
            long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Usage(cpu, voluntarySwitches());
        }

        Usage minus(Usage o) {
            return new Usage(cpuNanos - o.cpuNanos, wakeups - o.wakeups);
        }

        void perOp(Map<String, Double> r, long n) {
            r.put("cpu_us", cpuNanos / 1e3 / n);
            if (wakeups >= 0) {
                r.put("wakeups", wakeups / (double) n);
            }
        }

        /** Sum of voluntary_ctxt_switches over the threads alive now; -1 where /proc is absent. */
        private static long voluntarySwitches() {
            Path tasks = Paths.get("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return -1;
            }
            long sum = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
                for (Path t : ds) {
                    try {
                        for (String l : Files.readAllLines(t.resolve("status"))) {
                            if (l.startsWith("voluntary_ctxt_switches")) {
                                sum += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return sum;
        }
    }

    // ------------------------------------------------------------------------ A/B comparison

    private static void compare(int rounds, Map<String, String> o, String workloads) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> common = new ArrayList<>(List.of(o.getOrDefault("jvm-opts", "-Xmx512m").split(" ")));
        List<String> jmtcpOpts = new ArrayList<>(List.of("-Djava.nio.channels.spi.SelectorProvider=" + JMTCP_PROVIDER,
                "-Djmtcp.jmx=false"));
        if (o.containsKey("jmtcp-opts")) {
            jmtcpOpts.addAll(List.of(o.get("jmtcp-opts").split(" ")));
        }
        List<String> childArgs = new ArrayList<>(List.of("--seconds", o.getOrDefault("seconds", "3"),
                "--warmup", o.getOrDefault("warmup", "1"), "--workload", workloads));
        if (o.containsKey("nonblocking")) {
            childArgs.add("--nonblocking");
        }
        // workload -> stack -> one result map per round
        Map<String, Map<String, List<Map<String, Double>>>> all = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String stack : new String[] {"jdk", "jmtcp"}) {
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(common);
                if (stack.equals("jmtcp")) {
                    cmd.addAll(jmtcpOpts);
                }
                cmd.add("-cp");
                cmd.add(cp);
                cmd.add(ProviderEchoBenchmark.class.getName());
                cmd.addAll(childArgs);
                for (Map.Entry<String, Map<String, Double>> e : runChild(cmd).entrySet()) {
                    all.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(stack, k -> new ArrayList<>()).add(e.getValue());
                    System.out.printf(Locale.ROOT, "round %d %-8s %-6s %s%n", round, e.getKey(), stack, e.getValue());
                }
            }
        }
        System.out.println();
        for (Map.Entry<String, Map<String, List<Map<String, Double>>>> w : all.entrySet()) {
            List<Map<String, Double>> jdk = w.getValue().get("jdk");
            List<Map<String, Double>> jm = w.getValue().get("jmtcp");
            for (String metric : jdk.get(0).keySet()) {
                double[] ratio = new double[Math.min(jdk.size(), jm.size())];
                for (int i = 0; i < ratio.length; i++) {
                    ratio[i] = jm.get(i).get(metric) / jdk.get(i).get(metric);
                }
                System.out.printf(Locale.ROOT, "%-8s %-10s jdk %10.1f  jmtcp %10.1f  jmtcp/jdk median %.2f (min %.2f, max %.2f)%n",
                        w.getKey(), metric, median(jdk, metric), median(jm, metric), median(ratio),
                        Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
            }
        }
    }

    private static Map<String, Map<String, Double>> runChild(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (!line.startsWith("RESULT ")) {
                    System.out.println("  | " + line);
                    continue;
                }
                String[] f = line.split(" ");
                Map<String, Double> m = new LinkedHashMap<>();
                for (int i = 2; i < f.length; i++) {
                    int eq = f[i].indexOf('=');
                    m.put(f[i].substring(0, eq), Double.parseDouble(f[i].substring(eq + 1)));
                }
                results.put(f[1], m);
            }
        }
        if (p.waitFor() != 0) {
            throw new IOException("child failed (exit " + p.exitValue() + "): " + cmd);
        }
        return results;
    }

    private static double median(List<Map<String, Double>> runs, String metric) {
        return median(runs.stream().mapToDouble(m -> m.get(metric)).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("nonblocking")) {
                o.put(key, "true");
            } else if (i + 1 < args.length) {
                o.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return o;
    }
}
