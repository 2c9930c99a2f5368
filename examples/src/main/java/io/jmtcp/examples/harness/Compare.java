package io.jmtcp.examples.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The kernel-vs-jmtcp comparison (issue 7, item 3): the same {@link BenchApp} on each stack
 * ({@link Cell}), each in its own forked JVM(s) with the same JVM flags, measured in alternating
 * rounds after a warm-up, with medians, min–max, per-round ratios to JDK NIO, CPU time and
 * wakeups per operation of every process, and a check that each jmtcp cell really ran on jmtcp.
 * Writes a table to stdout, every figure to {@code --json FILE} and an HTML page with an inline
 * SVG chart next to it.
 *
 * <p>Run: {@code java -jar examples/target/jmtcp-compare.jar [--full | --short] [--json FILE]}.
 * The default compares short connections and persistent 64 B request/response, JDK NIO against
 * jmtcp (one JVM, and two JVMs over shm where the build has the shm device), in under three
 * minutes on two cores; {@code --full} runs every workload on every stack; {@code --short} makes
 * every round a fraction of a second (CI). Exit status: 0 when every cell that could run passed
 * its checks, 1 when one failed, 2 for bad options.
 *
 * <p>Threads: one (the caller's); each fork has a reader thread of its own ({@link Fork}).
 */
@Command(name = "jmtcp-compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the same Netty app on the kernel and on jmtcp and compares them side by side.")
public final class Compare implements Callable<Integer> {

    @Option(names = "--full", description = "every workload on every stack")
    boolean full;

    @Option(names = "--short", description = "CI mode: a fraction of a second per round")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "where every figure goes (default: ${DEFAULT-VALUE});"
            + " the HTML chart is written next to it")
    Path json = Path.of("jmtcp-compare.json");

    @Option(names = "--workloads", split = ",", paramLabel = "W",
            description = "short, persistent, http, bulk, latency (overrides the mode's choice)")
    List<String> workloads;

    @Option(names = "--cells", split = ",", paramLabel = "CELL",
            description = "jdk-nio, netty-epoll, netty-io_uring, jmtcp, jmtcp-busy-poll, jdk-nio-2jvm, jmtcp-shm")
    List<String> cells;

    @Option(names = "--rounds", description = "measured rounds per cell (default 5; 2 with --short)")
    Integer rounds;

    @Option(names = "--round-seconds", description = "length of one round (default 2; 3 with --full; 0.5 with --short)")
    Double roundSeconds;

    @Option(names = "--warmup-seconds", description = "longest warm-up per cell and workload: it ends early once the rate is steady (default 8; 12 with --full; 0.5 with --short)")
    Double warmupSeconds;

    @Option(names = "--class-path", description = "class path of the forked JVMs (default: this JVM's)")
    String classPath = System.getProperty("java.class.path");

    @Option(names = "--jvm-arg", paramLabel = "ARG", description = "an extra flag for every forked JVM (repeatable)")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--jfr", description = "record every forked JVM with JFR (profile settings) into the log folder")
    boolean jfr;

    private PrintStream out = System.out;
    private PrintStream progress = System.err;

    /** Runs from the command line; exits with {@link #call}'s status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Compare()).execute(args));
    }

    /** Runs with the given arguments, printing to the given streams; returns the exit status. */
    static int run(PrintStream out, PrintStream progress, String... args) {
        Compare c = new Compare();
        c.out = out;
        c.progress = progress;
        CommandLine cl = new CommandLine(c);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(progress, true));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        List<Workload> plannedWorkloads = plannedWorkloads();
        List<Cell.Kind> plannedCells = plannedCells();
        int nRounds = rounds != null ? rounds : quick ? 2 : 5;
        double round = roundSeconds != null ? roundSeconds : quick ? 0.5 : full ? 3 : 2;
        double warmup = warmupSeconds != null ? warmupSeconds : quick ? 0.5 : full ? 12 : 8;
        Path jsonFile = json.toAbsolutePath();
        Path logs = jsonFile.resolveSibling(stem(jsonFile) + "-logs");
        Files.createDirectories(logs);

        List<String> base = baseCommand(logs);
        Map<Cell.Kind, Cell> running = new EnumMap<>(Cell.Kind.class);
        Map<Workload, Map<Cell.Kind, Outcome>> results = new EnumMap<>(Workload.class);
        Progress bar = new Progress(progress);
        long started = System.nanoTime();
        try {
            for (Cell.Kind k : plannedCells) {
                Cell cell = new Cell(k);
                running.put(k, cell);
                if (cell.runnable()) {
                    bar.show("starting " + k.id);
                    try {
                        cell.start(base, logs);
                    } catch (IOException e) {
                        cell.failure = "did not start: " + e.getMessage();
                    }
                }
            }
            Set<Cell.Kind> plannedSet = EnumSet.copyOf(plannedCells);
            int steps = 0;
            for (Workload w : plannedWorkloads) {
                for (Cell.Kind k : plannedCells) {
                    steps += k.workloads().contains(w) && running.get(k).runnable() ? 1 + nRounds : 0;
                }
            }
            bar.total = steps;
            for (Workload w : plannedWorkloads) {
                Map<Cell.Kind, Outcome> byCell = new LinkedHashMap<>();
                results.put(w, byCell);
                List<Cell> participants = new ArrayList<>();
                for (Cell.Kind k : plannedCells) {
                    if (!k.workloads().contains(w)) {
                        continue;
                    }
                    byCell.put(k, new Outcome(w, k, k.baseline(plannedSet)));
                    participants.add(running.get(k));
                }
                for (Cell c : participants) {
                    if (c.runnable()) {
                        bar.step(w.cliName() + " · " + c.kind.id + " · warm-up");
                        warmUp(c, w, warmup, bar);
                    }
                }
                for (int r = 1; r <= nRounds; r++) {
                    for (Cell c : participants) {
                        if (!c.runnable()) {
                            continue;
                        }
                        bar.step(w.cliName() + " · " + c.kind.id + " · round " + r + "/" + nRounds);
                        Outcome.Round fig = measure(c, w, round);
                        if (fig != null) {
                            byCell.get(c.kind).rounds.add(fig);
                            bar.note(String.format(Locale.ROOT, "%s %s", Report.figure(w, fig.headline()), w.unit));
                        }
                    }
                }
            }
            for (Cell c : running.values()) {
                if (c.runnable() && c.client != null) {
                    bar.show("checking " + c.kind.id);
                    try {
                        c.verify();
                    } catch (IOException e) {
                        c.failure = "end-of-run check failed: " + e.getMessage();
                    }
                }
            }
        } finally {
            for (Cell c : running.values()) {
                c.close();
            }
            bar.done();
        }
        for (Map<Cell.Kind, Outcome> byCell : results.values()) {
            for (Outcome o : byCell.values()) {
                Cell c = running.get(o.cell);
                o.unavailable = c.unavailable;
                o.failure = c.failure;
                if (o.failure == null && o.errors() > 0) {
                    o.failure = o.errors() + " errors (failed connects, resets or unanswered requests)";
                }
                Outcome b = byCell.get(o.baseline);
                if (b != null && b.ok() && o.ok()) {
                    for (int i = 0; i < Math.min(o.rounds.size(), b.rounds.size()); i++) {
                        o.ratios.add(o.rounds.get(i).headline() / b.rounds.get(i).headline());
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Report report = new Report(results, running, mode(), nRounds, round, warmup, seconds, base);
        out.print(report.table());
        Files.writeString(jsonFile, Json.write(report.json()));
        Path html = jsonFile.resolveSibling(stem(jsonFile) + ".html");
        Files.writeString(html, report.html());
        out.println("JSON: " + jsonFile);
        out.println("HTML: " + html);
        out.println("logs: " + logs);
        out.flush();
        boolean failed = running.values().stream().anyMatch(c -> c.failure != null)
                || results.values().stream().flatMap(m -> m.values().stream()).anyMatch(o -> o.failure != null);
        return failed ? 1 : 0;
    }

    /**
     * Runs the workload in slices of at most a second until two slices in a row agree within
     * 15 % (the JIT has compiled the paths this cell takes; jmtcp has more code to compile than
     * the JDK and needs longer), for at least min(2 s, max) and at most {@code maxSeconds}.
     */
    private void warmUp(Cell c, Workload w, double maxSeconds, Progress bar) {
        double slice = Math.min(1, maxSeconds);
        double min = Math.min(2, maxSeconds);
        double elapsed = 0;
        double previous = -1;
        while (c.runnable() && elapsed < maxSeconds) {
            Outcome.Round fig = measure(c, w, slice);
            elapsed += slice;
            if (fig == null) {
                return;
            }
            bar.note("warm-up " + Report.figure(w, fig.headline()) + " " + w.unit);
            if (elapsed >= min && previous > 0 && Math.abs(fig.headline() - previous) <= 0.15 * previous) {
                return;
            }
            previous = fig.headline();
        }
    }

    /** One round (or warm-up) of one cell: the app's figures plus /proc deltas of every process. */
    private Outcome.Round measure(Cell c, Workload w, double seconds) {
        try {
            long millis = Math.round(seconds * 1000);
            ProcStat[] before = c.sample();
            String r = c.client.ask("run " + w.cliName() + " " + millis, millis + 60_000);
            ProcStat[] after = c.sample();
            if (!r.startsWith("RESULT")) {
                c.failure = "round failed: " + r;
                return null;
            }
            long ops = Cell.field(r, "ops");
            long total = Math.max(1, Cell.field(r, "total"));
            double secs = Cell.field(r, "nanos") / 1e9;
            double[] byProcess = new double[before.length];
            double cpu = 0;
            double wakeups = 0;
            for (int i = 0; i < before.length; i++) {
                ProcStat d = after[i].minus(before[i]);
                byProcess[i] = (double) d.cpuNanos() / total;
                cpu += d.cpuNanos();
                wakeups += d.voluntarySwitches();
            }
            double p50 = Cell.field(r, "p50") / 1000.0;
            double p99 = Cell.field(r, "p99") / 1000.0;
            double p999 = Cell.field(r, "p999") / 1000.0;
            double headline = switch (w) {
                case BULK -> Cell.field(r, "bytes") * 8 / secs / 1e9;
                case LATENCY -> p99;
                default -> ops / secs;
            };
            return new Outcome.Round(headline, ops, total, secs, cpu / total, byProcess, wakeups / total,
                    p50, p99, p999, Cell.field(r, "errors"));
        } catch (IOException e) {
            c.failure = e.getMessage();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.failure = "interrupted";
            return null;
        }
    }

    private List<Workload> plannedWorkloads() {
        if (workloads != null) {
            return workloads.stream().map(Workload::fromCli).distinct().toList();
        }
        return full ? List.of(Workload.values()) : List.of(Workload.SHORT, Workload.PERSISTENT);
    }

    private List<Cell.Kind> plannedCells() {
        if (cells != null) {
            List<Cell.Kind> l = new ArrayList<>(cells.stream().map(Cell.Kind::fromId).distinct().toList());
            if (!l.contains(Cell.Kind.JDK_NIO)) {
                l.add(0, Cell.Kind.JDK_NIO); // every ratio needs it
            }
            return l.stream().sorted().toList();
        }
        if (full) {
            return List.of(Cell.Kind.values());
        }
        List<Cell.Kind> l = new ArrayList<>(List.of(Cell.Kind.JDK_NIO, Cell.Kind.JMTCP));
        if (Cell.Kind.JMTCP_SHM.staticUnavailability() == null) {
            l.add(Cell.Kind.JDK_NIO_2JVM); // the kernel baseline of the two-JVM cell
        }
        l.add(Cell.Kind.JMTCP_SHM); // listed even when the build lacks it, so the table says so
        return l;
    }

    private String mode() {
        return (full ? "full" : workloads != null || cells != null ? "custom" : "default") + (quick ? " (short)" : "");
    }

    /**
     * java, the flags every forked JVM gets whatever its stack, and the class path. Only the
     * jmtcp properties ({@link Cell#stackProperties}) differ between cells.
     */
    private List<String> baseCommand(Path logs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms512m");
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-Dio.netty.leakDetection.level=disabled");
        if (Runtime.version().feature() >= 22) {
            // Netty's native transports load JNI libraries; JDK 22+ warns about that without this
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (jfr) {
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + logs + "/");
        }
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        return cmd;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    /** The live progress line: rewritten in place on a terminal, one line per step otherwise. */
    static final class Progress {
        private final PrintStream to;
        private final boolean tty = System.console() != null;
        private final long t0 = System.nanoTime();
        int total;
        private int done;
        private String current = "";

        Progress(PrintStream to) {
            this.to = to;
        }

        void show(String what) {
            current = what;
            print(what);
        }

        void step(String what) {
            done++;
            show(what);
        }

        void note(String figure) {
            print(current + " · " + figure);
        }

        private void print(String line) {
            String s = String.format(Locale.ROOT, "[%3.0fs %d/%d] %s", (System.nanoTime() - t0) / 1e9, done, total, line);
            if (tty) {
                to.print("\r" + s + " ".repeat(Math.max(0, 100 - s.length())));
            } else {
                to.println(s);
            }
            to.flush();
        }

        void done() {
            if (tty) {
                to.println();
            }
        }
    }
}
