package io.jmtcp.examples.bench;

import io.jmtcp.examples.apps.SelfTest;
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
