package io.jmtcp.it.taps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.taps.ForkedJvm.Held;
import io.jmtcp.it.taps.ForkedJvm.Libs;
import io.jmtcp.it.taps.apps.JettyH2cServeApp;
import io.jmtcp.it.taps.apps.NettyServeApp;
import io.jmtcp.it.taps.apps.NioFetchApp;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Framework apps, unchanged, on jmtcp over a TAP with the Linux kernel as the peer: each app's JVM
 * runs inside a fresh namespace ({@code ip netns exec}) with the provider property and
 * {@code -Djmtcp.device=tap:NAME -Djmtcp.ip=198.18.0.2/24}, so the TAP jmtcp opens appears there;
 * the test then gives the kernel side 198.18.0.1/24 and drives kernel tools (curl, wrk, h2load, a
 * Python HTTP server) inside the namespace. Nothing but jmtcp owns 198.18.0.2, so every answer
 * crossed the TAP through jmtcp's stack.
 */
@Tag("interop")
class FrameworksOverTapTest {

    private static final String JMTCP_IP = "198.18.0.2";
    private static final String KERNEL_IP = "198.18.0.1";
    private static final Duration START = Duration.ofSeconds(40);

    private Netns ns;
    private ForkedJvm app;
    private String ifname;

    @BeforeEach
    void namespace() {
        Prerequisites.requireTapAndNetns();
        ifname = "jmtf" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ns = Netns.create();
    }

    @AfterEach
    void cleanUp() {
        // the JVM first: its TAP goes with it; then the namespace and what was started inside
        if (app != null) {
            app.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void nettyServerAnswersKernelCurlAndWrkOverTap() throws Exception {
        Prerequisites.requireCommands("curl", "wrk");
        int port = startInNamespace(Libs.NETTY, NettyServeApp.class, JMTCP_IP, "0");
        String url = "http://" + JMTCP_IP + ":" + port + "/hello";

        Shell.Result curl = ns.exec(Duration.ofSeconds(30), "curl", "-sS", "--max-time", "20", "-i", url);
        assertThat(curl.ok()).as(curl.describe() + "\n" + app.transcript()).isTrue();
        assertThat(curl.stdout()).startsWith("HTTP/1.1 200").endsWith("hello from netty");

        Shell.Result wrk = ns.exec(Duration.ofSeconds(40), "wrk", "-t2", "-c32", "-d5s", url);
        assertThat(wrk.ok()).as(wrk.describe()).isTrue();
        String out = wrk.stdout();
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(out);
        assertThat(requests.find()).as(out).isTrue();
        assertThat(Long.parseLong(requests.group(1))).as("requests wrk completed").isPositive();
        assertNoSocketErrors(out);
        assertThat(out).as("wrk prints a Non-2xx line only when there are some").doesNotContain("Non-2xx");
        System.out.println("netty on jmtcp over TAP, wrk -t2 -c32 -d5s: " + line(out, "Requests/sec"));

        stopApp();
    }

    @Test
    void jettyServesH2cToH2loadOverTap() throws Exception {
        Prerequisites.requireCommands("h2load");
        int port = startInNamespace(Libs.JETTY, JettyH2cServeApp.class, JMTCP_IP, "0");
        assertThat(Integer.parseInt(app.fact("jetty.acceptors"))).as("blocking acceptor threads").isPositive();

        Shell.Result h2load = ns.exec(Duration.ofSeconds(60), "h2load", "-n", "2000", "-c", "8", "-m", "4",
                "http://" + JMTCP_IP + ":" + port + "/");
        String out = h2load.stdout();
        assertThat(h2load.ok()).as(h2load.describe() + "\n" + app.transcript()).isTrue();
        assertThat(out).as("h2load negotiated HTTP/2 cleartext").contains("Application protocol: h2c");
        Matcher done = Pattern.compile("requests: (\\d+) total, \\d+ started, \\d+ done, (\\d+) succeeded, (\\d+) failed, "
                + "(\\d+) errored, (\\d+) timeout").matcher(out);
        assertThat(done.find()).as(out).isTrue();
        assertThat(done.group(2)).as("succeeded\n" + out).isEqualTo("2000");
        assertThat(done.group(3) + "," + done.group(4) + "," + done.group(5)).as("failed, errored, timeout").isEqualTo("0,0,0");
        assertThat(out).as(out).contains("status codes: 2000 2xx");
        System.out.println("jetty h2c on jmtcp over TAP, h2load -n 2000 -c 8 -m 4: " + line(out, "finished in"));

        assertThat(stopApp()).as("requests Jetty handled").isEqualTo("2000");
    }

    @Test
    void nioClientOnJmtcpFetchesFromKernelServerAcrossTap(@TempDir Path dir) throws Exception {
        byte[] blob = new byte[3 << 20];
        new Random(7).nextBytes(blob);
        Files.write(dir.resolve("blob.bin"), blob);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        app = ForkedJvm.start(ns, Libs.JDK_ONLY, tapConfig(), this::kernelEstablished, NioFetchApp.class,
                JMTCP_IP);
        // the client binds to jmtcp's address first: that starts the stack, and with it the TAP
        assertThat(app.awaitFact("ready", START)).startsWith(ForkedJvm.PROVIDER + " /" + JMTCP_IP + ":");
        awaitTapAndConfigureKernelSide();

        int serverPort = 8000;
        ns.start("/usr/bin/python3", "-m", "http.server", String.valueOf(serverPort), "--bind", KERNEL_IP,
                "--directory", dir.toString());
        awaitKernelListener(serverPort);
        long kernelTxBefore = ns.statistic(ifname, "tx_bytes");

        app.send("fetch " + KERNEL_IP + " " + serverPort + " /blob.bin");
        String status = app.awaitFact("fetch.status", Duration.ofSeconds(60));
        String bytes = app.awaitFact("fetch.bytes", Duration.ofSeconds(60));
        String received = app.awaitFact("fetch.sha", Duration.ofSeconds(10));

        assertThat(status).startsWith("HTTP/1.0 200");
        assertThat(bytes).isEqualTo(String.valueOf(blob.length));
        assertThat(received).as("SHA-256 of the body the NIO client read").isEqualTo(sha);
        assertThat(app.held()).hasSize(1);
        Held held = app.held().get(0);
        assertThat(held.client()).startsWith(JMTCP_IP + ":");
        assertThat(held.jmx()).as("jmtcp's JMX connection listing while connected")
                .isNotNull().contains("ESTABLISHED " + held.client() + " -> " + held.server());
        assertThat(ns.statistic(ifname, "tx_bytes") - kernelTxBefore)
                .as("bytes the kernel sent into the TAP (the file and headers)").isGreaterThan(blob.length);
        app.send("stop");
        assertThat(app.finish(Duration.ofSeconds(20))).as(app.transcript()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, String> tapConfig() {
        return Map.of("device", "tap:" + ifname, "ip", JMTCP_IP + "/24", "name", "it-" + ifname);
    }

    /** Starts a server app in the namespace on jmtcp's TAP; returns the port it printed. */
    private int startInNamespace(Libs libs, Class<?> main, String... args) throws InterruptedException {
        app = ForkedJvm.start(ns, libs, tapConfig(), this::kernelEstablished, main, args);
        int port = Integer.parseInt(app.awaitFact("server.port", START));
        awaitTapAndConfigureKernelSide();
        return port;
    }

    /** jmtcp created the TAP inside the namespace when its stack started: give the kernel side its address. */
    private void awaitTapAndConfigureKernelSide() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (!ns.exec("ip", "link", "show", "dev", ifname).ok()) {
            if (System.nanoTime() > deadline || !app.isAlive()) {
                throw new AssertionError("TAP " + ifname + " did not appear in " + ns + "\n" + app.transcript());
            }
            Thread.sleep(50);
        }
        ns.configure(ifname, KERNEL_IP + "/24");
    }

    private void awaitKernelListener(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ns.exec("ss", "-Hltn", "sport = :" + port).stdout().isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("python3 -m http.server did not listen on " + port + " in " + ns);
            }
            Thread.sleep(50);
        }
    }

    /** The kernel's ESTABLISHED connections on {@code port} in the namespace. */
    private List<String> kernelEstablished(String port) {
        Shell.Result r = ns.exec(Duration.ofSeconds(10), "ss", "-Htn", "state", "established",
                "( sport = :" + port + " or dport = :" + port + " )");
        return r.ok() ? r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList())
                : List.of("ss failed: " + r.describe());
    }

    /** Tells the app to stop, asserts it exits 0, and returns what it reported as handled (or null). */
    private String stopApp() throws InterruptedException {
        app.send("stop");
        assertThat(app.finish(Duration.ofSeconds(30))).as(app.transcript()).isZero();
        return app.fact("jetty.handled");
    }

    static void assertNoSocketErrors(String wrkOutput) {
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(wrkOutput);
        if (errors.find()) {
            assertThat(errors.group()).as(wrkOutput).isEqualTo("Socket errors: connect 0, read 0, write 0, timeout 0");
        }
    }

    private static String line(String out, String containing) {
        return out.lines().filter(l -> l.contains(containing)).findFirst().orElse("?").strip();
    }
}
