package io.jmtcp.it.taps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.taps.ForkedJvm.Libs;
import io.jmtcp.it.taps.apps.JettyH2cServeApp;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unchanged Jetty app started with {@code -javaagent:jmtcp.jar=device=tap:NAME,ip=198.18.0.2/24}
 * inside a fresh namespace, on JDK 17 and 25: the kernel's {@code curl} reaches it across the TAP,
 * jmtcp's engine counters (JMX) show the connection opened by its listener and the bytes, and the
 * kernel has no listener on the port (jmtcp owns 198.18.0.2; nothing else does).
 */
@Tag("interop")
class AgentOverTapTest {

    private static final String JMTCP_IP = "198.18.0.2";
    private static final String KERNEL_IP = "198.18.0.1";
    private static final Duration START = Duration.ofSeconds(60);

    private Netns ns;
    private ForkedJvm app;

    @AfterEach
    void cleanUp() {
        if (app != null) {
            app.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void jettyStartedWithTheAgentServesKernelCurlOverTap(String jdk) throws Exception {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("curl");
        Path home = jdk.equals("17") ? Path.of(System.getProperty("java.home"))
                : Path.of(System.getProperty("jmtcp.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Prerequisites.check(Files.isExecutable(home.resolve("bin/java")), "JDK " + jdk + " at " + home);
        String ifname = "jmta" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ns = Netns.create();
        // the device string holds no comma here, but the options still carry several keys
        app = ForkedJvm.startWithAgent(ns, Libs.JETTY, home,
                "device=tap:" + ifname + ",ip=" + JMTCP_IP + "/24,engines=1,name=agent-" + ifname,
                port -> List.of(), JettyH2cServeApp.class, JMTCP_IP, "0");
        int port = Integer.parseInt(app.awaitFact("server.port", START));
        awaitTap(ifname);
        ns.configure(ifname, KERNEL_IP + "/24");

        Shell.Result curl = ns.exec(Duration.ofSeconds(30), "curl", "-sS", "--max-time", "20",
                "http://" + JMTCP_IP + ":" + port + "/");
        assertThat(curl.ok()).as(curl.describe() + "\n" + app.transcript()).isTrue();
        assertThat(curl.stdout()).isEqualTo("hello from jetty over HTTP/1.1");
        assertThat(ns.exec("ss", "-Hltn", "sport = :" + port).stdout()).as("kernel listeners on " + port).isBlank();

        app.send("stats");
        app.awaitFact("counters", Duration.ofSeconds(20));
        assertThat(app.fact("counter.TCP_PASSIVE_OPENS")).as(app.transcript()).isNotNull();
        assertThat(Long.parseLong(app.fact("counter.TCP_PASSIVE_OPENS"))).as("connections jmtcp's listener opened").isPositive();
        assertThat(Long.parseLong(app.fact("counter.RX_BYTES"))).isPositive();
        assertThat(Long.parseLong(app.fact("counter.TX_BYTES"))).isPositive();

        app.send("stop");
        assertThat(app.finish(Duration.ofSeconds(30))).as(app.transcript()).isZero();
        assertThat(app.fact("jetty.handled")).isEqualTo("1");
        assertThat(app.output()).as("the agent and the JVM print no warning")
                .noneMatch(l -> l.contains("WARNING") || l.startsWith("jmtcp:"));
    }

    private void awaitTap(String ifname) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (!ns.exec("ip", "link", "show", "dev", ifname).ok()) {
            if (System.nanoTime() > deadline || !app.isAlive()) {
                throw new AssertionError("TAP " + ifname + " did not appear in " + ns + "\n" + app.transcript());
            }
            Thread.sleep(50);
        }
    }
}
