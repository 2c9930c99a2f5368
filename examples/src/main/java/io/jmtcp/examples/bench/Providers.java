package io.jmtcp.examples.bench;

import com.sun.management.OperatingSystemMXBean;
import io.jmtcp.examples.apps.SelfTest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import io.jmtcp.provider.JmtcpSelectorProvider;
import java.nio.channels.spi.SelectorProvider;

/**
 * The two {@link SelectorProvider}s the provider-level benchmarks compare inside one JMH run, by
 * their {@code @Param} name: {@code jdk}, the JDK's own (kernel sockets, epoll), and
 * {@code jmtcp}, this JVM's jmtcp stack (in-stack loopback by default, started on first use).
 * JMH forks one JVM per parameter value, so the two never share a process.
 *
 * <p>Threads: any.
 */
final class Providers {

    private Providers() {
    }

    /**
     * The process's CPU time (user + system, every thread: the benchmark's client, jmtcp's engine,
     * the framework's event loop, and also JIT and GC) per operation over one iteration. On a
     * shared machine it is steadier than the wall-clock score, and it shows the cost that a
     * thread hand-over hides from a latency figure. Beside it, the voluntary context switches of
     * all the process's threads per operation (Linux {@code /proc/self/task/N/status}): each is a
     * thread that went to sleep waiting for another, so the figure counts the hand-overs an
     * operation costs (jmtcp's engine thread adds some that the kernel's in-syscall TCP has not);
     * on a loaded machine each one also waits for a free core.
     */
    static final class ProcessCpu {
        private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private long cpuStart;
        private long wallStart;
        private long opsStart;
        private long switchesStart;

        void start(long ops) {
            opsStart = ops;
            switchesStart = voluntarySwitches();
            wallStart = System.nanoTime();
            cpuStart = os.getProcessCpuTime();
        }

        void stop(long ops) {
            long cpu = os.getProcessCpuTime() - cpuStart;
            long wall = System.nanoTime() - wallStart;
            long switches = voluntarySwitches() - switchesStart;
            long n = ops - opsStart;
            if (n > 0) {
                System.out.printf("%n# process CPU %.2f us/op, %.2f voluntary context switches/op (wall %.2f us/op, %d ops,"
                        + " %.2f cores busy)%n", cpu / 1e3 / n, (double) switches / n, wall / 1e3 / n, n, (double) cpu / wall);
            }
        }

        /** The sum over this process's threads alive now; threads that ended meanwhile are missed (none do here). */
        private static long voluntarySwitches() {
            long sum = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    try {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")) {
                                sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException e) {
                        // the thread ended between listing and reading
                    }
                }
            } catch (IOException e) {
                return 0; // not Linux: the figure reads 0
            }
            return sum;
        }
    }

    /** The provider named {@code name}: {@code jdk} or {@code jmtcp}. */
    static SelectorProvider of(String name) {
        return switch (name) {
            // SelectorProvider.provider() is the JDK's one: the benchmarks jar never sets the provider property
            case "jdk" -> SelectorProvider.provider();
            case "jmtcp" -> new JmtcpSelectorProvider();
            default -> throw new IllegalArgumentException("provider " + name + ": jdk or jmtcp");
        };
    }

    /**
     * Prints how many connections jmtcp's engines opened during the trial and fails a jmtcp trial
     * in which they opened none (so a run that fell back to the kernel cannot pass for jmtcp).
     */
    static void reportJmtcpConnections(String provider, long activeOpensAtStart) {
        long now = SelfTest.jmtcpActiveOpens();
        if (provider.equals("jmtcp")) {
            long opened = now - Math.max(0, activeOpensAtStart);
            System.out.println("# jmtcp connections opened in this trial: " + opened);
            if (now < 0 || opened <= 0) {
                throw new IllegalStateException("the jmtcp trial opened no jmtcp connection: it ran on the kernel");
            }
        } else if (now >= 0) {
            throw new IllegalStateException("a jmtcp stack runs in the jdk trial: run with forks >= 1, each provider in its own JVM");
        }
    }
}
