package io.jmtcp.it.taps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.taps.ForkedJvm.Held;
import io.jmtcp.it.taps.ForkedJvm.Libs;
import io.jmtcp.it.taps.apps.NettyServeApp;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Kernel-side reachability (DESIGN.md 5): the Netty server on jmtcp's default in-stack loopback
 * (127.0.0.1/8, no TAP, no root) also listens on the kernel, so {@code curl} from the host and a
 * blocking {@code java.net.Socket} in the app's JVM reach it; the app's own Netty client still
 * goes through jmtcp — its connection is in the engine's JMX listing and the kernel holds no
 * established connection on the port while it is open.
 */
class KernelSideReachabilityTest {

    @Test
    void curlAndJavaNetSocketReachTheServerThroughTheKernelWhileItsNettyClientStaysOnJmtcp() throws Exception {
        Prerequisites.requireCommands("curl", "ss");
        try (ForkedJvm app = ForkedJvm.start(null, Libs.NETTY, Map.of(), KernelSideReachabilityTest::kernelEstablished,
                NettyServeApp.class, "127.0.0.1", "0")) {
            String port = app.awaitFact("server.port", Duration.ofSeconds(40));

            Shell.Result curl = Shell.run(Duration.ofSeconds(30), "curl", "-sS", "--max-time", "20", "-i",
                    "http://127.0.0.1:" + port + "/hello");
            assertThat(curl.ok()).as(curl.describe() + "\n" + app.transcript()).isTrue();
            assertThat(curl.stdout()).startsWith("HTTP/1.1 200").endsWith("hello from netty");

            app.send("clients");
            assertThat(app.awaitFact("socket.status", Duration.ofSeconds(30))).isEqualTo("HTTP/1.1 200 OK");
            assertThat(app.awaitFact("socket.body", Duration.ofSeconds(5))).isEqualTo("hello from netty");
            app.await("PROBE HOLD", Duration.ofSeconds(30));
            app.send("stop");
            assertThat(app.finish(Duration.ofSeconds(30))).as(app.transcript()).isZero();

            assertThat(app.fact("netty.status")).isEqualTo("200,200");
            assertThat(app.fact("netty.body")).isEqualTo("hello from netty");
            String clientPort = app.fact("netty.client-port");
            assertThat(app.fact("netty.server-saw-ports")).as("keep-alive").isEqualTo(clientPort + "," + clientPort);
            assertThat(app.held()).hasSize(1);
            Held held = app.held().get(0);
            assertThat(held.jmx()).as("jmtcp's JMX connection listing").isNotNull()
                    .contains("ESTABLISHED " + held.client() + " -> " + held.server(),
                            "ESTABLISHED " + held.server() + " -> " + held.client());
            assertThat(held.kernel()).as("kernel connections on port %s while the Netty client's was open", port).isEmpty();
        }
    }

    private static List<String> kernelEstablished(String port) {
        Shell.Result r = Shell.run(Duration.ofSeconds(10), "ss", "-Htn", "state", "established",
                "( sport = :" + port + " or dport = :" + port + " )");
        return r.ok() ? r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList())
                : List.of("ss failed: " + r.describe());
    }
}
