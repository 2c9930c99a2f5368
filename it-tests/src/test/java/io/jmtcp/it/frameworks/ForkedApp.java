package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * One framework app ({@code io.jmtcp.it.frameworks.apps}) in a forked JVM started the way a user
 * starts an app: the app's classes and its framework's jars on the class path, plus
 * {@code jmtcp.jar}; on jmtcp the one difference is
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider}.
 * Collects the app's {@code FACT} lines and answers each {@code PROBE HOLD} after looking at the
 * kernel's established connections on the held port with {@code ss}, recording a {@link Probe}.
 * Closing it kills the JVM (by pid) if it still runs.
 *
 * <p>Threads: the test thread drives it; one reader thread consumes the app's output.
 */
final class ForkedApp implements AutoCloseable {

    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

    /** What one {@code PROBE} round saw: the tuple, jmtcp's listing (null: no jmtcp) and the kernel's. */
    record Probe(String what, String client, String server, List<String> jmx, List<String> kernelEstablished) {

        /** The listing line of one end of the connection, as {@code TcpLayer.describe} writes it. */
        static String established(String from, String to) {
            return "ESTABLISHED " + from + " -> " + to;
        }

        /** Asserts the connection ran on jmtcp: both ends in its listing, nothing in the kernel's. */
        void assertOnJmtcp() {
            assertThat(jmx).as("jmtcp's JMX connection listing (%s)", what).isNotNull()
                    .contains(established(client, server), established(server, client));
            assertThat(kernelEstablished).as("kernel connections on port %s while %s was open (ss -tn)",
                    server.substring(server.indexOf(':') + 1), what).isEmpty();
        }
    }

    /** Which framework's jars an app gets on its class path (fragments of their repository paths). */
    enum Libs {
        NETTY("/io/netty/"),
        JETTY("/org/eclipse/jetty/", "/org/slf4j/"),
        UNDERTOW("/io/undertow/", "/org/jboss/", "/org/wildfly/", "/io/smallrye/"),
        JDK_ONLY;

        final List<String> fragments;

        Libs(String... fragments) {
            this.fragments = List.of(fragments);
        }
    }

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<Probe> probes = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;
    private final Thread reader;
    private final String label;

    private ForkedApp(String label, List<String> command) {
        this.label = label;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::readOutput, "forked-app-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} on jmtcp ({@code onJmtcp}) or on the JDK's provider; everything else the same. */
    static ForkedApp start(boolean onJmtcp, Libs libs, Class<?> main, String... args) {
        Path jar = jmtcpJar();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        if (onJmtcp) {
            command.add("-D" + PROVIDER_PROPERTY + "=" + PROVIDER);
        }
        command.add("-cp");
        command.add(appClassPath(libs) + File.pathSeparator + jar);
        command.add(main.getName());
        command.addAll(Arrays.asList(args));
        return new ForkedApp((onJmtcp ? "jmtcp" : "kernel") + " " + main.getSimpleName(), command);
    }

    /** Starts {@code command} as it is (the agent tests build their own: -javaagent, another JDK, other libraries). */
    static ForkedApp launch(String label, List<String> command) {
        return new ForkedApp(label, command);
    }

    /** Waits for the JVM to exit and returns its exit code; kills it and fails on timeout. */
    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(label + ": did not exit within " + timeout + "\n" + transcript());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every line the app printed so far (standard output and error). */
    synchronized List<String> output() {
        return List.copyOf(output);
    }

    /** The shaded jar; skips the test (fails under jmtcp.it.require) when it was not built. */
    static Path jmtcpJar() {
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath().normalize();
        boolean holds = false;
        if (Files.isRegularFile(jar)) {
            try (JarFile j = new JarFile(jar.toFile())) {
                holds = j.getEntry(PROVIDER.replace('.', '/') + ".class") != null;
            } catch (IOException e) {
                holds = false;
            }
        }
        Prerequisites.check(holds, "the shaded jar " + jar + " with " + PROVIDER);
        return jar;
    }

    /**
     * The application's class path: this module's test classes (where the apps live) and the jars
     * of its framework from the test class path (Netty; Jetty and slf4j-api; Undertow with XNIO,
     * JBoss, WildFly and SmallRye libraries), nothing of jmtcp's modules or test libraries (jmtcp
     * comes only from jmtcp.jar, as for a user).
     */
    static String appClassPath(Libs libs) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> keep = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean app = e.endsWith("it-tests/target/test-classes") || e.endsWith("it-tests/target/test-classes/");
            boolean framework = libs.fragments.stream().anyMatch(e::contains);
            if (app || framework) {
                keep.add(entry);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            List<String> jmx = null;
            String[] tuple = null;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    output.add(line);
                }
                if (line.startsWith("FACT ")) {
                    String[] kv = line.substring(5).split(" ", 2);
                    synchronized (this) {
                        facts.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                } else if (line.startsWith("PROBE TUPLE ")) {
                    tuple = line.substring(12).split(" ");
                    jmx = new ArrayList<>();
                } else if (line.equals("PROBE JMX-NONE")) {
                    jmx = null;
                } else if (line.startsWith("PROBE JMX ") && jmx != null) {
                    jmx.add(line.substring(10));
                } else if (line.startsWith("PROBE HOLD ") && tuple != null) {
                    String port = line.substring(11).trim();
                    List<String> kernel = kernelEstablished(port);
                    synchronized (this) {
                        probes.add(new Probe(tuple[0], tuple[1], tuple[2], jmx, kernel));
                    }
                    send("go");
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended; what it printed so far is kept
        }
    }

    /** The kernel's ESTABLISHED TCP connections from or to {@code port} ({@code ss -Htn}). */
    static List<String> kernelEstablished(String port) {
        Shell.Result r = Shell.run(Duration.ofSeconds(10), "ss", "-Htn", "state", "established",
                "( sport = :" + port + " or dport = :" + port + " )");
        if (!r.ok()) {
            return List.of("ss failed: " + r.describe());
        }
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }

    /** Writes one line to the app's standard input. */
    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + label, e);
        }
    }

    /** Waits for the next line starting with {@code prefix} (other lines are skipped). */
    String await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError(label + ": no line starting with '" + prefix + "' within " + timeout
                        + (process.isAlive() ? "" : " (the JVM exited with " + process.exitValue() + ")") + "\n" + transcript());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits for the JVM to exit and asserts it exited 0; kills it on timeout. */
    ForkedApp finish(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(label + ": did not finish within " + timeout + "\n" + transcript());
        }
        reader.join(5_000);
        assertThat(process.exitValue()).as("%s exit code\n%s", label, transcript()).isZero();
        return this;
    }

    /** A fact the app printed, or null. */
    synchronized String fact(String key) {
        return facts.get(key);
    }

    /**
     * Warnings the app's JVM logged ({@code java.util.logging} prints "WARNING:" or "SEVERE:"),
     * except the JDK 24+ notices about a library's use of {@code sun.misc.Unsafe}.
     */
    synchronized List<String> warnings() {
        return output.stream().filter(l -> l.startsWith("WARNING") || l.startsWith("SEVERE"))
                .filter(l -> !l.contains("sun.misc.Unsafe") && !l.contains("Please consider reporting"))
                .collect(Collectors.toList());
    }

    synchronized List<Probe> probes() {
        return List.copyOf(probes);
    }

    /** Everything the app printed, for failure messages. */
    synchronized String transcript() {
        List<String> tail = output.size() > 400 ? output.subList(output.size() - 400, output.size()) : output;
        return "---- " + label + " (pid " + process.pid() + ") ----\n" + String.join("\n", tail);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
