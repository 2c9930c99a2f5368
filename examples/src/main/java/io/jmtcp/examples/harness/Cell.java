package io.jmtcp.examples.harness;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.NetDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One stack of the comparison (a column of issue 7's matrix): which transport the
 * {@link BenchApp} uses, whether jmtcp's provider is installed, in one JVM or two, and the
 * JVM properties that differ from the other stacks (only the jmtcp ones: the provider, and for
 * the shm cell the device and address). At run time it holds its forked JVMs, started once and
 * kept across workloads and rounds so that the alternation measures warm JVMs.
 *
 * <p>Threads: the harness thread only.
 */
final class Cell implements AutoCloseable {

    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    static final String SHM_SERVER_IP = "198.18.0.1";
    static final String SHM_CLIENT_IP = "198.18.0.2";

    /** The cells, in table order. */
    enum Kind {
        JDK_NIO("jdk-nio", "JDK NIO, kernel loopback", Transport.NIO, false, false),
        NETTY_EPOLL("netty-epoll", "Netty epoll, kernel loopback", Transport.EPOLL, false, false),
        NETTY_IO_URING("netty-io_uring", "Netty io_uring, kernel loopback", Transport.IO_URING, false, false),
        JMTCP("jmtcp", "jmtcp, in-stack loopback", Transport.NIO, true, false),
        JMTCP_INLINE("jmtcp-inline", "jmtcp, loopback, inline threading", Transport.NIO, true, false),
        JMTCP_BUSY_POLL("jmtcp-busy-poll", "jmtcp, loopback, busy-poll 50us", Transport.NIO, true, false),
        JDK_NIO_2JVM("jdk-nio-2jvm", "JDK NIO, kernel loopback, 2 JVMs", Transport.NIO, false, true),
        JMTCP_SHM("jmtcp-shm", "jmtcp over shm, 2 JVMs", Transport.NIO, true, true);

        final String id;
        final String label;
        final Transport transport;
        final boolean jmtcp;
        final boolean twoJvms;

        Kind(String id, String label, Transport transport, boolean jmtcp, boolean twoJvms) {
            this.id = id;
            this.label = label;
            this.transport = transport;
            this.jmtcp = jmtcp;
            this.twoJvms = twoJvms;
        }

        static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown cell '" + id + "'; known: " + List.of(ids()));
        }

        static String[] ids() {
            return java.util.Arrays.stream(values()).map(k -> k.id).toArray(String[]::new);
        }

        /** The workloads this cell takes part in: busy-poll is a latency setting. */
        Set<Workload> workloads() {
            return this == JMTCP_BUSY_POLL ? EnumSet.of(Workload.LATENCY) : EnumSet.allOf(Workload.class);
        }

        /**
         * Why this build cannot run the cell before any JVM is forked, or null. The native
         * transports are judged by the forked app itself (it answers UNAVAILABLE with Netty's
         * reason), since only it loads their libraries.
         */
        String staticUnavailability() {
            if (this == JMTCP_SHM && !NetDevices.providers().containsKey("shm")) {
                return "shm device not available (no 'shm' NetDeviceProvider in this build)";
            }
            if (this == JMTCP_BUSY_POLL && JmtcpConfig.keys().stream().noneMatch(k -> k.name().equals("jmtcp.busy-poll"))) {
                return "busy-poll not available (no jmtcp.busy-poll key in this build)";
            }
            return null;
        }

        /** The baseline its ratios are taken against: the JDK NIO cell with the same process layout. */
        Kind baseline(Set<Kind> planned) {
            return twoJvms && planned.contains(JDK_NIO_2JVM) ? JDK_NIO_2JVM : JDK_NIO;
        }
    }

    final Kind kind;
    /** Set when the cell cannot run here (before or at start); the table prints it. */
    String unavailable;
    /** Set when the cell ran but broke a rule (errors, fell back to the kernel, ...). */
    String failure;
    /** What the end-of-run check found (connection counts), for the report. */
    String check = "";
    final List<Fork> forks = new ArrayList<>();
    Fork client;
    private Path shmFile;

    Cell(Kind kind) {
        this.kind = kind;
        this.unavailable = kind.staticUnavailability();
    }

    boolean runnable() {
        return unavailable == null && failure == null;
    }

    /** The jmtcp-specific properties of one of this cell's JVMs (empty for kernel cells). */
    List<String> stackProperties(String role) {
        List<String> p = new ArrayList<>();
        if (!kind.jmtcp) {
            return p;
        }
        p.add("-D" + PROVIDER_PROPERTY + "=" + PROVIDER);
        p.add("-Djmtcp.name=compare-" + kind.id + "-" + role);
        // Both stacks let connect() take over a loopback 4-tuple still in TIME-WAIT once its last
        // timestamp is 1 s old (Linux: net.ipv4.tcp_tw_reuse=2, jmtcp: jmtcp.tcp.tw-reuse=2, the
        // defaults), which caps a client at one connection per ephemeral port per second and
        // destination: ~28k conn/s with the default range. The kernel cells stay below that;
        // jmtcp's in-stack cell runs above it (measured up to ~70k conn/s) and would get
        // "Cannot assign requested address". A 200 ms TIME-WAIT lifts the cap to ~140k conn/s;
        // no old duplicate can arrive late on an in-process wire. Listed in the report with the
        // cell's other properties.
        p.add("-Djmtcp.tcp.time-wait=200ms");
        if (kind == Kind.JMTCP_BUSY_POLL) {
            p.add("-Djmtcp.busy-poll=50us");
        }
        if (kind == Kind.JMTCP_INLINE) {
            p.add("-Djmtcp.threading=inline");
        }
        if (kind == Kind.JMTCP_SHM) {
            p.add("-Djmtcp.device=shm:" + shmFile);
            p.add("-Djmtcp.ip=" + (role.equals("server") ? SHM_SERVER_IP : SHM_CLIENT_IP) + "/24");
        }
        return p;
    }

    /**
     * Forks the cell's JVMs and waits for them to be ready.
     *
     * @param base java, the common JVM flags and the class path, up to (not including) the main class
     */
    void start(List<String> base, Path logs) throws IOException, InterruptedException {
        String transport = kind.transport.cliName();
        if (!kind.twoJvms) {
            Fork f = fork("both", base, logs, List.of("--transport", transport, "--bind", "127.0.0.1",
                    "--target", "127.0.0.1"));
            String ready = f.expect(60_000);
            if (!ready(ready)) {
                return;
            }
            client = f;
            return;
        }
        if (kind == Kind.JMTCP_SHM) {
            shmFile = Path.of("/dev/shm", "jmtcp-compare-" + ProcessHandle.current().pid() + ".wire");
            Files.deleteIfExists(shmFile);
        }
        String serverIp = kind == Kind.JMTCP_SHM ? SHM_SERVER_IP : "127.0.0.1";
        Fork server = fork("server", base, logs, List.of("--transport", transport, "--bind", serverIp));
        String ready = server.expect(60_000);
        if (!ready(ready)) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("--transport", transport, "--target", serverIp));
        for (String kv : ready.split("\\s+")) {
            if (kv.startsWith("echo=") || kv.startsWith("http=") || kv.startsWith("sink=")) {
                args.add("--" + kv.substring(0, kv.indexOf('=')));
                args.add(kv.substring(kv.indexOf('=') + 1));
            }
        }
        Fork c = fork("client", base, logs, args);
        if (ready(c.expect(60_000))) {
            client = c;
        }
    }

    private Fork fork(String role, List<String> base, Path logs, List<String> appArgs) throws IOException {
        List<String> cmd = new ArrayList<>(base.subList(0, base.size()));
        cmd.addAll(1, stackProperties(role));
        cmd.add(BenchApp.class.getName());
        cmd.add(role);
        cmd.addAll(appArgs);
        Fork f = new Fork(kind.id + "-" + role, cmd, logs.resolve(kind.id + "-" + role + ".log"));
        forks.add(f);
        return f;
    }

    private boolean ready(String line) {
        if (line.startsWith("UNAVAILABLE")) {
            unavailable = line.substring("UNAVAILABLE".length()).trim();
            return false;
        }
        if (!line.startsWith("READY")) {
            failure = "did not start: " + line;
            return false;
        }
        String provider = line.substring(line.indexOf("provider=") + "provider=".length()).trim();
        if (kind.jmtcp != provider.equals(PROVIDER)) {
            failure = "runs on provider " + provider + ", expected " + (kind.jmtcp ? PROVIDER : "the JDK's");
            return false;
        }
        return true;
    }

    /** Everything the cell's processes have used so far, per process in fork order. */
    ProcStat[] sample() throws IOException {
        ProcStat[] s = new ProcStat[forks.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ProcStat.of(forks.get(i).pid());
        }
        return s;
    }

    /**
     * The end-of-run check: a jmtcp cell must have opened (and accepted) on jmtcp exactly the
     * connections the app made, else some of them silently went through the kernel; a kernel
     * cell must have no jmtcp engine at all. Sets {@link #failure} when the check fails.
     */
    void verify() throws IOException, InterruptedException {
        long connects = 0;
        long accepts = 0;
        long engines = 0;
        long active = 0;
        long passive = 0;
        for (Fork f : forks) {
            String s = f.ask("stats", 30_000);
            connects += field(s, "connects");
            accepts += field(s, "accepts");
            engines += field(s, "engines");
            active += field(s, "active");
            passive += field(s, "passive");
        }
        check = "app connects=" + connects + " accepts=" + accepts + "; jmtcp engines=" + engines
                + " active opens=" + active + " passive opens=" + passive;
        if (kind.jmtcp) {
            if (engines == 0) {
                failure = "no jmtcp engine runs: the app used the kernel (" + check + ")";
            } else if (active != connects || passive != accepts) {
                failure = "jmtcp's connection counts differ from the app's: some connections went"
                        + " elsewhere (" + check + ")";
            }
        } else if (engines != 0) {
            failure = "a jmtcp engine runs in a kernel cell (" + check + ")";
        }
    }

    static long field(String line, String name) {
        for (String kv : line.split("\\s+")) {
            if (kv.startsWith(name + "=")) {
                return Long.parseLong(kv.substring(name.length() + 1));
            }
        }
        throw new IllegalArgumentException("no " + name + " in: " + line);
    }

    @Override
    public void close() {
        for (Fork f : forks) {
            f.close();
        }
        if (shmFile != null) {
            try {
                Files.deleteIfExists(shmFile);
            } catch (IOException ignored) {
                // /dev/shm is cleared at boot; the name carries our pid
            }
        }
    }
}
