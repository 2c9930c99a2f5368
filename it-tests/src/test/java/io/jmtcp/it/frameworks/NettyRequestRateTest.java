package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.apps.NettyRequestRate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Netty HTTP/1.1 keep-alive requests/s, the same app ({@link NettyRequestRate}) and JVM options on
 * jmtcp's in-stack loopback and on the JDK's provider over the kernel's loopback, measured in one
 * run: both JVMs start and warm up, then take turns for {@value #ROUNDS} rounds of
 * {@value #ROUND_MS} ms each so that load from elsewhere on the machine hits both alike. Prints the
 * table; asserts only that both produced a rate (a figure, not a speed requirement) and that the
 * jmtcp run's connections were jmtcp's.
 */
class NettyRequestRateTest {

    static final int ROUNDS = 3;
    static final int ROUND_MS = 5000;
    static final int CONNECTIONS = 16;
    static final int WARMUP_MS = 5000;

    @Test
    void measuresKeepAliveRequestRateOnJmtcpAndKernelAlternately() throws Exception {
        try (ForkedApp jmtcp = ForkedApp.start(true, Libs.NETTY, NettyRequestRate.class, String.valueOf(CONNECTIONS));
                ForkedApp kernel = ForkedApp.start(false, Libs.NETTY, NettyRequestRate.class, String.valueOf(CONNECTIONS))) {
            Duration wait = Duration.ofSeconds(30);
            jmtcp.await("READY", wait);
            kernel.await("READY", wait);
            for (ForkedApp app : List.of(jmtcp, kernel)) {
                app.send("round " + WARMUP_MS); // JIT and pools
                app.await("RATE", wait);
            }
            List<Double> onJmtcp = new ArrayList<>();
            List<Double> onKernel = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                onJmtcp.add(round(jmtcp, wait));
                onKernel.add(round(kernel, wait));
            }
            for (ForkedApp app : List.of(jmtcp, kernel)) {
                app.send("probe");
                app.await("PROBE HOLD", wait); // answered "go" before the line is queued
                app.send("quit");
            }
            jmtcp.finish(wait);
            kernel.finish(wait);

            StringBuilder table = new StringBuilder(String.format(
                    "Netty 4.2 HTTP/1.1 keep-alive, %d connections, 1 server + 1 client event loop, requests/s%n"
                            + "%-6s %14s %14s%n", CONNECTIONS, "round", "jmtcp loopback", "kernel loopback"));
            for (int i = 0; i < ROUNDS; i++) {
                table.append(String.format("%-6d %14.0f %14.0f%n", i + 1, onJmtcp.get(i), onKernel.get(i)));
            }
            table.append(String.format("%-6s %14.0f %14.0f%n", "median", median(onJmtcp), median(onKernel)));
            System.out.print(table);

            assertThat(onJmtcp).allMatch(r -> r > 0);
            assertThat(onKernel).allMatch(r -> r > 0);
            assertThat(jmtcp.probes()).hasSize(1);
            jmtcp.probes().get(0).assertOnJmtcp();
            assertThat(kernel.probes()).hasSize(1);
            assertThat(kernel.probes().get(0).jmx()).as("the kernel run has no jmtcp engine").isNull();
        }
    }

    private static double round(ForkedApp app, Duration wait) throws InterruptedException {
        app.send("round " + ROUND_MS);
        String[] w = app.await("RATE", wait).split(" ");
        return Long.parseLong(w[1]) * 1e9 / Long.parseLong(w[2]);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
