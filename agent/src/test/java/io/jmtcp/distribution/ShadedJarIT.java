package io.jmtcp.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadedJarIT {

    private static final Path JAR = Path.of(System.getProperty("jmtcp.it.jar", "target/jmtcp.jar"));
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final String SERVICES_PREFIX = "META-INF/services/";

    /** The outcome of running the jar in a child JVM. */
    private record Run(int exitCode, String out, String err) { }

    private static Run runJar(Path java, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", JAR.toAbsolutePath().toString()));
        Collections.addAll(command, args);
        Path out = workDir.resolve("out.txt");
        Path err = workDir.resolve("err.txt");
        // files, not pipes: a child that writes more than a pipe holds must never block
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("java -jar jmtcp.jar " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    @Test
    void pingsLoopbackFromJavaDashJarOnTheBuildJdk(@TempDir Path dir) throws Exception {
        Run run = runJar(currentJava(), dir, "ping", "--count", "3", "--interval", "20ms");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("3 sent, 3 received, 0% loss").containsPattern("ICMP_RX_ECHO_REPLIES +3");
        assertThat(run.err()).doesNotContain("WARNING");
    }

    @Test
    void runsOnJdk25WithoutAnyJvmWarning(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(JDK25)) {
            if (Boolean.getBoolean("jmtcp.it.require")) {
                fail(JDK25 + " is required (jmtcp.it.require=true) but missing");
            }
            Assumptions.abort(JDK25 + " is not installed");
        }
        Run run = runJar(JDK25, dir, "ping", "--count", "3", "--interval", "20ms");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("3 sent, 3 received, 0% loss");
        assertThat(run.err().lines().filter(l -> l.contains("WARNING"))).as(run.err()).isEmpty();
    }

    @Test
    void serveClosesTheStackAndPrintsItsCountersOnSigterm(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(currentJava().toString(), "-jar", JAR.toAbsolutePath().toString(), "serve")
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(out).contains("Ctrl-C to stop")) {
                assertThat(p.isAlive()).as("serve exited early: " + Files.readString(out)).isTrue();
                assertThat(System.nanoTime() - deadline).as("serve did not come up in 30 s").isNegative();
                Thread.sleep(20);
            }
            p.destroy(); // SIGTERM: the JVM runs serve's shutdown hook
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("serve stops after SIGTERM").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.readString(out)).contains("jmtcp up on device loopback")
                .containsPattern("jmtcp stopped; counters:\\R(?s).*DUTY_CYCLES +[1-9]");
        assertThat(Files.readString(dir.resolve("err.txt"))).isEmpty();
    }

    @Test
    void aBadOptionExits2WithTheKeyInTheMessage(@TempDir Path dir) throws Exception {
        Run run = runJar(currentJava(), dir, "serve", "--engines", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("jmtcp: jmtcp.engines=0 is not valid; allowed: 1..64").doesNotContain("\tat ");
    }

    @Test
    void everyThirdPartyClassIsRelocatedUnderIoJmtcpShaded() throws Exception {
        List<String> unrelocated = new ArrayList<>();
        int shaded = 0;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
                String name = stripVersionPrefix(e.getName());
                if (!name.endsWith(".class")) {
                    continue;
                }
                if (name.startsWith("io/jmtcp/shaded/")) {
                    shaded++;
                } else if (!name.startsWith("io/jmtcp/")) {
                    unrelocated.add(e.getName());
                }
            }
        }
        assertThat(unrelocated).as("classes outside io/jmtcp/ (module-info, org/agrona, org/jctools, picocli...)").isEmpty();
        assertThat(shaded).as("relocated classes").isPositive();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry("io/jmtcp/shaded/org/agrona/collections/Int2ObjectHashMap.class")).isNotNull();
            assertThat(jar.getEntry("io/jmtcp/shaded/org/jctools/queues/atomic/MpscAtomicArrayQueue.class")).isNotNull();
            assertThat(jar.getEntry("io/jmtcp/shaded/picocli/CommandLine.class")).isNotNull();
        }
    }

    /** {@code META-INF/versions/N/x} of a multi-release jar is the class {@code x}. */
    private static String stripVersionPrefix(String name) {
        if (name.startsWith("META-INF/versions/")) {
            int slash = name.indexOf('/', "META-INF/versions/".length());
            return slash < 0 ? name : name.substring(slash + 1);
        }
        return name;
    }

    @Test
    void manifestNamesTheCliAllowsNativeAccessAndCarriesTheVersionButNoAgentYet() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Main-Class")).isEqualTo("io.jmtcp.cli.Main");
            assertThat(main.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
            assertThat(main.getValue("Implementation-Version")).isNotBlank().doesNotContain("${");
            assertThat(main.getValue("Premain-Class")).isEqualTo("io.jmtcp.agent.JmtcpAgent");
            assertThat(main.getValue("Multi-Release")).isNull();
        }
    }

    @Test
    void neverRegistersASelectorProviderAndEveryMergedServiceNamesAClassInTheJar() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry(SERVICES_PREFIX + "java.nio.channels.spi.SelectorProvider"))
                    .as("putting jmtcp.jar on a class path must not replace the JDK's provider").isNull();
            for (JarEntry e : Collections.list(jar.entries())) {
                if (!e.getName().startsWith(SERVICES_PREFIX) || e.isDirectory()) {
                    continue;
                }
                try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.getInputStream(e), StandardCharsets.UTF_8))) {
                    for (String line : r.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList()) {
                        assertThat(jar.getEntry(line.replace('.', '/') + ".class"))
                                .as(e.getName() + " names " + line).isNotNull();
                    }
                }
            }
        }
    }
}
