package io.jmtcp.it.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.jmtcp.it.contract.NioContractCases.Case;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The NIO contract, run in forked JVMs started the way users start them. On each of the JDK
 * running the build, JDK 17 and JDK 25 ({@code jmtcp.it.jdk17}, {@code jmtcp.it.jdk25}):
 * <ul>
 *   <li>the JDK's own provider, which defines the contract ({@code java -cp <test classes>});</li>
 *   <li>jmtcp by the property: {@code -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider}
 *       with {@code jmtcp.jar} ({@code jmtcp.it.jar}) next to the application on the class path;</li>
 *   <li>jmtcp by the agent: {@code -javaagent:jmtcp.jar}, no property.</li>
 * </ul>
 * Each JVM runs every case of {@link NioContractCases} through {@link ContractRunner}, which also
 * fails every case unless {@code SelectorProvider.provider()} is the expected one; each case is a
 * dynamic test under its JVM's container, so a failure names both the case and the JVM. Wherever
 * the JDK passes and jmtcp fails, jmtcp is wrong.
 *
 * <p>The jmtcp containers run only once {@code jmtcp.jar} holds the provider class (and, for the
 * agent, a {@code Premain-Class}); until then each is one test skipped with "jmtcp provider not
 * built yet" / "jmtcp agent not built yet", also under {@code -Djmtcp.it.require=true}. A missing
 * JDK or jar skips, or fails under that property. {@code -Djmtcp.contract.cases=a,b} restricts the
 * run to the named cases. Stack settings given to the build ({@code -Djmtcp.threading=inline})
 * reach the jmtcp runner JVMs ({@link #stackSettings()}).
 */
class NioContractTest {

    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    private static final Duration JVM_TIMEOUT = Duration.ofMinutes(4);

    @TestFactory
    Stream<DynamicNode> nioContract() {
        List<Case> cases = selectedCases();
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath().normalize();
        // the JDK running the build, JDK 17 and JDK 25, each once
        Map<String, Path> jdks = new LinkedHashMap<>();
        Path javaHome = Path.of(System.getProperty("java.home"));
        jdks.put("JDK " + Runtime.version().feature(), javaHome);
        for (String[] other : new String[][] {
                {"JDK 17", System.getProperty("jmtcp.it.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64")},
                {"JDK 25", System.getProperty("jmtcp.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64")}}) {
            Path home = Path.of(other[1]);
            if (jdks.values().stream().noneMatch(h -> sameJdk(h, home))) {
                jdks.putIfAbsent(other[0], home);
            }
        }
        List<DynamicNode> jvms = new ArrayList<>();
        jdks.forEach((name, home) -> jvms.add(jdkProvider("JDK provider on " + name, home, cases)));
        jdks.forEach((name, home) -> jvms.add(jmtcpProvider("jmtcp provider on " + name, home, jar, cases)));
        jdks.forEach((name, home) -> jvms.add(jmtcpAgent("jmtcp agent on " + name, home, jar, cases)));
        return jvms.stream();
    }

    private static DynamicNode jdkProvider(String label, Path javaHome, List<Case> cases) {
        Path java = javaHome.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            return missing(label, "no JVM at " + java);
        }
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classesDir().toString()));
        return forked(label, command, null, cases);
    }

    private static DynamicNode jmtcpProvider(String label, Path javaHome, Path jar, List<Case> cases) {
        if (!Files.isRegularFile(jar)) {
            return missing(label, "the shaded jar " + jar + " was not built");
        }
        if (!jarHoldsProvider(jar)) {
            return dynamicContainer(label, Stream.of(dynamicTest("skipped", () -> assumeTrue(false,
                    "jmtcp provider not built yet: " + jar + " holds no " + PROVIDER))));
        }
        Path java = javaHome.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            return missing(label, "no JVM at " + java);
        }
        // exactly what a user does: the property, and the jar next to the application on the class path
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-D" + PROVIDER_PROPERTY + "=" + PROVIDER));
        command.addAll(stackSettings());
        command.addAll(List.of("-cp", classesDir() + File.pathSeparator + jar));
        return forked(label, command, PROVIDER, cases);
    }

    private static DynamicNode jmtcpAgent(String label, Path javaHome, Path jar, List<Case> cases) {
        if (!Files.isRegularFile(jar)) {
            return missing(label, "the shaded jar " + jar + " was not built");
        }
        if (!jarHoldsProvider(jar) || jarManifestAttribute(jar, "Premain-Class") == null) {
            return dynamicContainer(label, Stream.of(dynamicTest("skipped", () -> assumeTrue(false,
                    "jmtcp agent not built yet: " + jar + " has no Premain-Class or no " + PROVIDER))));
        }
        Path java = javaHome.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            return missing(label, "no JVM at " + java);
        }
        // the agent route: no property, the application's own class path, jmtcp.jar only as the agent
        List<String> command = new ArrayList<>(List.of(java.toString(), "-javaagent:" + jar));
        command.addAll(stackSettings());
        command.addAll(List.of("-cp", classesDir().toString()));
        return forked(label, command, PROVIDER, cases);
    }

    /**
     * The stack settings given to this JVM ({@code -Djmtcp.threading=inline}, {@code
     * -Djmtcp.busy-poll=20us}, ...), passed on to the jmtcp runner JVMs so the contract can be run
     * in every threading mode; the test harness's own keys ({@code jmtcp.it.*},
     * {@code jmtcp.contract.*}) stay here.
     */
    static List<String> stackSettings() {
        List<String> out = new ArrayList<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jmtcp.") && !name.startsWith("jmtcp.it.") && !name.startsWith("jmtcp.contract.")) {
                out.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        out.sort(null);
        return out;
    }

    /** A container whose single test skips (or fails under jmtcp.it.require) for a missing prerequisite. */
    private static DynamicNode missing(String label, String what) {
        return dynamicContainer(label, Stream.of(dynamicTest("prerequisites", () -> Prerequisites.check(false, what))));
    }

    private static DynamicNode forked(String label, List<String> javaCommand, String expectProvider, List<Case> cases) {
        List<String> command = new ArrayList<>(javaCommand);
        command.add(ContractRunner.class.getName());
        if (expectProvider != null) {
            command.add("--expect-provider");
            command.add(expectProvider);
        }
        if (selected() != null) {
            command.add(String.join(",", selected()));
        }
        ForkedRun run = new ForkedRun(label, command);
        Stream<DynamicNode> header = Stream.of(dynamicTest("runner JVM finishes and reports its provider", () -> {
            Results r = run.results();
            String expected = expectProvider != null ? expectProvider : "sun.nio.ch.";
            assertTrue(r.provider != null && r.provider.startsWith(expected),
                    "[" + label + "] runs on provider " + r.provider + ", expected " + expected + "\n" + r.describe());
            assertTrue(r.done, "[" + label + "] runner did not finish\n" + r.describe());
        }));
        Stream<DynamicNode> tests = cases.stream().map(c -> dynamicTest(c.area() + "." + c.name(), () -> {
            Results r = run.results();
            String line = r.lines.get(c.name());
            if (line == null) {
                fail("[" + label + "] no result for " + c.name() + "\n" + r.describe());
            }
            if (!line.startsWith("PASS ")) {
                fail("[" + label + "] " + c.name() + ": " + line);
            }
        }));
        return dynamicContainer(label, Stream.concat(header, tests));
    }

    /** One forked runner JVM, started the first time one of its tests asks for results. */
    private static final class ForkedRun {
        private final String label;
        private final List<String> command;
        private Results results;

        ForkedRun(String label, List<String> command) {
            this.label = label;
            this.command = command;
        }

        synchronized Results results() {
            if (results == null) {
                Shell.Result r;
                try {
                    r = Shell.run(JVM_TIMEOUT, command.toArray(String[]::new));
                } catch (IllegalStateException e) {
                    r = new Shell.Result(command, -1, e.getMessage(), "");
                }
                results = Results.parse(label, r);
            }
            return results;
        }
    }

    /** What a runner JVM printed: its provider and one line per case ("PASS ..." or "FAIL ..."). */
    private static final class Results {
        final Map<String, String> lines = new HashMap<>();
        String provider;
        boolean done;
        Shell.Result raw;

        static Results parse(String label, Shell.Result raw) {
            Results r = new Results();
            r.raw = raw;
            for (String line : raw.stdout().split("\n")) {
                if (!line.startsWith(ContractRunner.PREFIX)) {
                    continue;
                }
                String rest = line.substring(ContractRunner.PREFIX.length());
                String[] words = rest.split(" ", 4);
                switch (words[0]) {
                    case "PROVIDER" -> r.provider = words[1];
                    case "DONE" -> r.done = true;
                    case "PASS", "FAIL" -> r.lines.put(words[1], words[0] + " " + (words.length > 2 ? words[2] + " ms" : "")
                            + (words.length > 3 ? " " + words[3] : ""));
                    default -> { }
                }
            }
            return r;
        }

        String describe() {
            String text = raw.describe();
            return text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text;
        }
    }

    private static List<String> selected() {
        String s = System.getProperty("jmtcp.contract.cases", "").trim();
        return s.isEmpty() ? null : Arrays.asList(s.split(","));
    }

    private static List<Case> selectedCases() {
        List<String> names = selected();
        if (names == null) {
            return NioContractCases.all();
        }
        Set<String> wanted = Set.copyOf(names);
        return NioContractCases.all().stream().filter(c -> wanted.contains(c.name())).toList();
    }

    private static boolean sameJdk(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The directory (or jar) the cases were loaded from: the application class path of the forks. */
    static Path classesDir() {
        try {
            return Path.of(NioContractCases.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jarManifestAttribute(Path jar, String name) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest() == null ? null : f.getManifest().getMainAttributes().getValue(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    static boolean jarHoldsProvider(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getEntry(PROVIDER.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
