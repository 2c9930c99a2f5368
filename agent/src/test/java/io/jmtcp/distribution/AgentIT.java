package io.jmtcp.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent at launch, as users start it: a plain NIO app with {@code -javaagent:jmtcp.jar[=...]}. */
class AgentIT {

    private static final Path JAR = Path.of(System.getProperty("jmtcp.it.jar", "target/jmtcp.jar")).toAbsolutePath();

    private record Run(int exit, String out, String err) {}

    private static Run run(String agentArg, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-javaagent:" + JAR + agentArg);
        cmd.add("-cp");
        cmd.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        cmd.add(ProviderProbe.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish: " + cmd);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void agentMakesJmtcpTheProviderBeforeMain() throws Exception {
        Run r = run("=ip=127.0.0.1/8,engines=1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("provider=io.jmtcp.provider.JmtcpSelectorProvider").contains("echo=ping");
        assertThat(r.err()).doesNotContain("WARNING");
    }

    @Test
    void anotherAgentUsingNioFirstDoesNotKeepTheApplicationOffJmtcp(@TempDir Path dir) throws Exception {
        // an agent jar of one manifest line: its class comes from the class path (test-classes)
        Path other = dir.resolve("nio-touching-agent.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", NioTouchingAgent.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(other), m)) {
            out.flush();
        }
        Run r = run("=ip=127.0.0.1/8,engines=1", "-javaagent:" + other);
        assertThat(r.exit()).as(r.err()).isZero();
        // the JDK had fixed its provider before jmtcp's premain: jmtcp redirected provider()
        assertThat(r.out()).contains("provider=io.jmtcp.provider.JmtcpSelectorProvider").contains("echo=ping");
        assertThat(r.err()).doesNotContain("WARNING").doesNotContain("jmtcp:");
    }

    @Test
    void badOptionLeavesTheApplicationOnTheKernel() throws Exception {
        Run r = run("=mtu=1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("agent not installed").contains("jmtcp.mtu=1");
        assertThat(r.out()).doesNotContain("JmtcpSelectorProvider").contains("echo=ping");
    }

    @Test
    void failfastExitsOnABadOption() throws Exception {
        Run r = run("=mtu=1,agent.failfast=true");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("jmtcp.mtu=1");
        assertThat(r.out()).doesNotContain("echo=");
    }

    @Test
    void aDeviceThatCannotStartLeavesTheApplicationOnTheKernel() throws Exception {
        // a shared-memory wire in a directory that does not exist: the device fails to open
        Run r = run("=device=shm:/nonexistent-jmtcp-dir/x.wire,ip=198.18.0.1/24");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("agent not installed").contains("/nonexistent-jmtcp-dir/x.wire");
        assertThat(r.out()).doesNotContain("JmtcpSelectorProvider").contains("echo=ping");
    }

    @Test
    void failfastExitsWhenTheDeviceCannotStart() throws Exception {
        Run r = run("=device=shm:/nonexistent-jmtcp-dir/x.wire,ip=198.18.0.1/24,agent.failfast=true");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("/nonexistent-jmtcp-dir/x.wire");
        assertThat(r.out()).doesNotContain("echo=");
    }
}
