package io.jmtcp.examples.bench;

import com.sun.management.OperatingSystemMXBean;
import io.jmtcp.examples.apps.SelfTest;
import java.lang.management.ManagementFactory;
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
     * thread hand-over hides from a latency figure.
     */
    static final class ProcessCpu {
        private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private long cpuStart;
        private long wallStart;
        private long opsStart;

        void start(long ops) {
            opsStart = ops;
            wallStart = System.nanoTime();
            cpuStart = os.getProcessCpuTime();
        }

        void stop(long ops) {
            long cpu = os.getProcessCpuTime() - cpuStart;
            long wall = System.nanoTime() - wallStart;
            long n = ops - opsStart;
            if (n > 0) {
                System.out.printf("%n# process CPU %.2f us/op (wall %.2f us/op, %d ops, %.2f cores busy)%n",
                        cpu / 1e3 / n, wall / 1e3 / n, n, (double) cpu / wall);
            }
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
