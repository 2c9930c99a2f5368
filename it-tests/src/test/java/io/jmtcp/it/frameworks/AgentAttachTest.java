package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.ForkedApp.Probe;
import io.jmtcp.it.frameworks.apps.AttachNettyApp;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent in running JVMs, as users run it: {@code java -jar jmtcp.jar attach PID OPTIONS}
 * against {@link AttachNettyApp} (a Netty server and a JDK {@code HttpClient} made before the
 * attach; servers and clients made after it), and {@code -javaagent:jmtcp.jar=OPTIONS} at
 * launch on JDK 25. What is made after the attach runs on jmtcp (its connection in jmtcp's JMX
 * listing, none in the kernel's); what existed keeps the kernel and keeps working, including new
 * channels for the old event loop group and new connections of the old {@code HttpClient}.
 */
class AgentAttachTest {

    private static final Duration START = Duration.ofSeconds(60);
    static final String OPTIONS = "ip=127.0.0.1/8,engines=1";
    static final String JMTCP_SERVER = "io.jmtcp.provider.channel.JmtcpServerSocketChannel";
    static final String JMTCP_CLIENT = "io.jmtcp.provider.channel.JmtcpSocketChannel";
    /** JEP 451: the lines JDK 21+ print when an agent is loaded into a running JVM. */
    private static final List<String> JEP_451 = List.of("A Java agent has been loaded dynamically",
            "-XX:+EnableDynamicAgentLoading", "-Djdk.instrument.traceUsage", "Dynamic loading of agents will be disallowed");

    private ForkedApp app;

    /** What {@code java -jar jmtcp.jar ...} exited with and printed. */
    record Cli(int exit, String out, String err) {
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"}) // "17": the JDK running the tests (JDK 25 in CI's second pass)
    void nettyMadeAfterTheAttachRunsOnJmtcpWhileWhatExistedKeepsTheKernel(String jdk) throws Exception {
        Path home = javaHome(jdk);
        app = start(home, false);
        int p1 = Integer.parseInt(awaitFact("server1.port"));
        assertThat(app.fact("server1.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("before.http1")).startsWith("200 ");
        assertThat(kernelListener(p1)).as("the first server listens on the kernel").isNotEmpty();

        Cli cli = attach(home, OPTIONS);
        assertThat(cli.exit()).as(cli.err() + "\n" + app.transcript()).isZero();
        assertThat(cli.out()).contains("jmtcp attached to").contains("redirected");
        app.send("attached");
        awaitFact("done");

        assertThat(app.fact("provider")).isEqualTo(ForkedApp.PROVIDER);
        // made after the attach, on new groups: jmtcp's channels on jmtcp's selectors
        assertThat(app.fact("server2.channel")).isEqualTo(JMTCP_SERVER);
        assertThat(app.fact("client2.channel")).isEqualTo(JMTCP_CLIENT);
        assertThat(app.fact("after.netty2")).isEqualTo("200 hello from netty");
        assertThat(app.probes()).hasSize(1);
        Probe held = app.probes().get(0);
        held.assertOnJmtcp();
        assertThat(held.jmx()).as("jmtcp carries nothing of the first server's port")
                .noneMatch(l -> l.contains(":" + p1 + " "));
        // made after the attach for the old group A (a JDK selector): the kernel's channels, no IllegalSelectorException
        assertThat(app.fact("server3.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("client1.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("after.netty1")).isEqualTo("200");
        assertThat(app.fact("datagram1.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("datagram2.channel")).isEqualTo("io.jmtcp.provider.channel.KernelDatagramChannel");
        // the HttpClient made before the attach opens new connections after it
        assertThat(app.fact("after.http3")).startsWith("200 ");
        assertThat(app.fact("after.http2")).startsWith("200 ");
        assertThat(app.fact("after.http1")).startsWith("200 ");
        // and the first server still serves the kernel's clients from its kernel listener
        Shell.Result curl = Shell.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "15",
                "http://127.0.0.1:" + p1 + "/hello");
        assertThat(curl.stdout()).as(curl.describe()).isEqualTo("hello from netty");
        assertThat(kernelListener(p1)).isNotEmpty();

        app.send("stop");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isZero();
        assertThat(app.output()).as("errors inside the app").noneMatch(l -> l.contains("IllegalSelectorException")
                || l.startsWith("SERVER-ERROR") || l.startsWith("jmtcp:"));
        List<String> warnings = warnings();
        if (feature(home) < 21) {
            assertThat(warnings).as(app.transcript()).isEmpty();
        } else {
            assertThat(warnings).as("only JEP 451's warning\n" + app.transcript()).hasSize(JEP_451.size())
                    .allMatch(w -> JEP_451.stream().anyMatch(w::contains));
        }
    }

    @Test
    void agentAtLaunchOnJdk25PrintsNoWarningAndNeedsNoFlag() throws Exception {
        Path home = javaHome("25");
        app = start(home, false, "-javaagent:" + ForkedApp.jmtcpJar() + "=" + OPTIONS);
        awaitFact("server1.port");
        assertThat(app.fact("server1.channel")).isEqualTo(JMTCP_SERVER);
        assertThat(app.fact("before.http1")).startsWith("200 ");
        app.send("attached"); // no attach here: the app just goes on making servers and clients
        awaitFact("done");
        assertThat(app.fact("after.netty2")).isEqualTo("200 hello from netty");
        app.probes().get(0).assertOnJmtcp();
        app.send("stop");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isZero();
        assertThat(warnings()).as(app.transcript()).isEmpty();
    }

    @Test
    void applicationsOwnByteBuddyAndAgronaKeepWorkingAcrossTheAttach() throws Exception {
        Path home = javaHome("17");
        app = start(home, true);
        awaitFact("server1.port");
        String before = app.fact("own.before");
        assertThat(before).contains("byte-buddy-1.14.12.jar", "agrona-1.23.1.jar", "made-by-own-bytebuddy", "map7=49");
        Cli cli = attach(home, OPTIONS);
        assertThat(cli.exit()).as(cli.err() + "\n" + app.transcript()).isZero();
        app.send("attached");
        awaitFact("done");
        assertThat(app.fact("own.after")).isEqualTo(before);
        assertThat(app.fact("server2.channel")).isEqualTo(JMTCP_SERVER);
        app.probes().get(0).assertOnJmtcp();
        app.send("stop");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isZero();
    }

    @Test
    void badOptionsAtAttachLeaveTheAppOnTheKernel() throws Exception {
        Path home = javaHome("17");
        app = start(home, false);
        awaitFact("server1.port");
        Cli cli = attach(home, "mtu=1");
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err()).contains("agent not installed").contains("jmtcp.mtu");
        app.send("attached");
        awaitFact("done");
        assertThat(app.output()).anyMatch(l -> l.startsWith("jmtcp: agent not installed") && l.contains("jmtcp.mtu"));
        assertThat(app.fact("provider")).startsWith("sun.nio.ch.");
        assertThat(app.fact("server2.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("after.netty2")).isEqualTo("200 hello from netty");
        assertThat(app.fact("after.http2")).startsWith("200 ");
        app.send("stop");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isZero();
    }

    @Test
    void failfastAtAttachExitsTheTargetNonZero() throws Exception {
        Path home = javaHome("17");
        app = start(home, false);
        awaitFact("server1.port");
        Cli cli = attach(home, "mtu=1,agent.failfast=true");
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err()).contains("jmtcp.mtu");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isEqualTo(2);
    }

    @Test
    void attachExplainsAMissingProcessAndADisabledAttachMechanism() throws Exception {
        Path home = javaHome("17");
        Cli none = run(home, "attach", "2147483646", OPTIONS);
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no such process");

        app = start(home, false, "-XX:+DisableAttachMechanism");
        awaitFact("server1.port");
        Cli refused = attach(home, OPTIONS);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("-XX:+DisableAttachMechanism");
        assertThat(app.isAlive()).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    static Path javaHome(String jdk) {
        if (jdk.equals("17")) {
            return Path.of(System.getProperty("java.home"));
        }
        Path home = Path.of(System.getProperty("jmtcp.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Prerequisites.check(Files.isExecutable(home.resolve("bin/java")), "JDK 25 at " + home);
        return home;
    }

    /** The feature release of the JDK at {@code home} (its {@code release} file's JAVA_VERSION). */
    static int feature(Path home) throws IOException {
        for (String line : Files.readAllLines(home.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                return Runtime.Version.parse(line.substring(13).replace("\"", "")).feature();
            }
        }
        throw new AssertionError("no JAVA_VERSION in " + home.resolve("release"));
    }

    /** The app on the kernel ({@code jvmArgs} may add the agent), with Netty, and with its own libraries if asked. */
    private static ForkedApp start(Path home, boolean ownLibs, String... jvmArgs) {
        return start(home, Libs.NETTY, AttachNettyApp.class, ownLibs, jvmArgs);
    }

    /** The app {@code main} with the given JDK, on the kernel ({@code jvmArgs} may add the agent), with its framework's jars. */
    static ForkedApp start(Path home, Libs libs, Class<?> main, boolean ownLibs, String... jvmArgs) {
        ForkedApp.jmtcpJar(); // skips when the jar was not built
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(List.of(jvmArgs));
        String cp = ForkedApp.appClassPath(libs);
        if (ownLibs) {
            Path own = Path.of(System.getProperty("jmtcp.it.applibs", "target/app-libs"));
            Prerequisites.check(Files.isDirectory(own), "the application's own libraries in " + own);
            try (Stream<Path> jars = Files.list(own)) {
                cp += File.pathSeparator + jars.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(main.getName());
        if (ownLibs) {
            cmd.add("own-libs");
        }
        return ForkedApp.launch(main.getSimpleName() + " on " + home.getFileName(), cmd);
    }

    private String awaitFact(String key) throws InterruptedException {
        return awaitFact(app, key);
    }

    /** The value of the app's next {@code FACT key} line (waits up to a minute). */
    static String awaitFact(ForkedApp app, String key) throws InterruptedException {
        String line = app.await("FACT " + key + " ", START);
        return line.substring(6 + key.length());
    }

    private Cli attach(Path home, String options) throws Exception {
        return attach(home, app, options);
    }

    /** {@code java -jar jmtcp.jar attach PID OPTIONS} against {@code app} (its {@code FACT pid}). */
    static Cli attach(Path home, ForkedApp app, String options) throws Exception {
        return run(home, "attach", app.fact("pid"), options);
    }

    /** {@code java -jar jmtcp.jar ARGS} with the given JDK. */
    static Cli run(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/java").toString(), "-jar",
                ForkedApp.jmtcpJar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + cmd);
        }
        return new Cli(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** What the kernel listens on at {@code port} ({@code ss -Hltn}). */
    static String kernelListener(int port) {
        return Shell.run(Duration.ofSeconds(10), "ss", "-Hltn", "sport = :" + port).stdout().strip();
    }

    /** Lines of the JVM's own warnings and anything else printed as a warning. */
    private List<String> warnings() {
        return app.output().stream().filter(l -> l.contains("WARNING")).collect(Collectors.toList());
    }
}
