package io.jmtcp.it.taps;

import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.JarFile;

/**
 * One app of {@code io.jmtcp.it.taps.apps} in a forked JVM on jmtcp, started the way a user starts
 * an app: its classes and its framework's jars on the class path, {@code jmtcp.jar}, the provider
 * property, and jmtcp's own configuration as {@code -Djmtcp.*} system properties. With a namespace
 * the JVM runs inside it ({@code ip netns exec NS java ...}), so the TAP jmtcp opens appears
 * there. Collects the app's {@code FACT} lines; answers each {@code PROBE HOLD} of
 * {@code io.jmtcp.it.frameworks.apps.Probe} after asking {@code kernelCheck} what the kernel holds
 * on the held port. Closing it kills the JVM by its pid (descendants first) if it still runs.
 *
 * <p>Threads: the test thread drives it; one daemon thread reads the app's output.
 */
final class ForkedJvm implements AutoCloseable {

    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";

    /** Which framework's jars the app gets (fragments of their local-repository paths). */
    enum Libs {
        NETTY("/io/netty/"),
        JETTY("/org/eclipse/jetty/", "/org/slf4j/"),
        JDK_ONLY;

        final List<String> fragments;

        Libs(String... fragments) {
            this.fragments = List.of(fragments);
        }
    }

    /** One {@code PROBE} round: the tuple, jmtcp's JMX listing (null: no engine) and what the kernel held. */
    record Held(String what, String client, String server, List<String> jmx, List<String> kernel) {
    }

    private final Process process;
    private final String label;
    private final Writer stdin;
    private final Thread reader;
    private final Function<String, List<String>> kernelCheck;
    private final List<String> output = new ArrayList<>();
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<Held> held = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ForkedJvm(String label, List<String> command, Function<String, List<String>> kernelCheck) {
        this.label = label;
        this.kernelCheck = kernelCheck;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::readOutput, "forked-jvm-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} on jmtcp.
     *
     * @param ns the namespace to run the JVM in, or null for the caller's
     * @param jmtcp jmtcp configuration keys without the {@code jmtcp.} prefix (e.g. {@code device})
     * @param kernelCheck given a port, the kernel's ESTABLISHED connections on it (for {@code PROBE HOLD})
     */
    static ForkedJvm start(Netns ns, Libs libs, Map<String, String> jmtcp, Function<String, List<String>> kernelCheck,
            Class<?> main, String... args) {
        Path jar = jmtcpJar();
        List<String> command = new ArrayList<>();
        if (ns != null) {
            command.addAll(List.of("ip", "netns", "exec", ns.name()));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // the TAP device is native code; JDK 22+ warns about JNI without this (JDK 17 accepts it silently)
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Djava.nio.channels.spi.SelectorProvider=" + PROVIDER);
        jmtcp.forEach((k, v) -> command.add("-Djmtcp." + k + "=" + v));
        command.add("-cp");
        command.add(appClassPath(libs) + File.pathSeparator + jar);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ForkedJvm((ns == null ? "" : ns.name() + " ") + main.getSimpleName(), command, kernelCheck);
    }

    /**
     * Starts {@code main} with the agent at launch, as a user adds it to an unchanged command line:
     * {@code java -javaagent:jmtcp.jar=AGENT_OPTIONS -cp APP main}, with the given JDK, and no
     * provider property or {@code -Djmtcp.*}: the agent sets them. The TAP is native code, so on
     * JDK 22+ the JVM also gets {@code --enable-native-access=ALL-UNNAMED} (a {@code -javaagent}
     * jar's manifest does not grant it).
     */
    static ForkedJvm startWithAgent(Netns ns, Libs libs, Path javaHome, String agentOptions,
            Function<String, List<String>> kernelCheck, Class<?> main, String... args) {
        Path jar = jmtcpJar();
        List<String> command = new ArrayList<>();
        if (ns != null) {
            command.addAll(List.of("ip", "netns", "exec", ns.name()));
        }
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("-Xmx512m");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-javaagent:" + jar + "=" + agentOptions);
        command.add("-cp");
        command.add(appClassPath(libs));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ForkedJvm((ns == null ? "" : ns.name() + " ") + "agent " + main.getSimpleName(), command, kernelCheck);
    }

    /** Everything the app printed so far. */
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

    /** This module's test classes (where the apps live) and the framework's jars; jmtcp only from jmtcp.jar. */
    private static String appClassPath(Libs libs) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> keep = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean app = e.endsWith("it-tests/target/test-classes") || e.endsWith("it-tests/target/test-classes/");
            if (app || libs.fragments.stream().anyMatch(e::contains)) {
                keep.add(entry);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String[] tuple = null;
            List<String> jmx = null;
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
                    List<String> kernel = kernelCheck.apply(line.substring(11).trim());
                    synchronized (this) {
                        held.add(new Held(tuple[0], tuple[1], tuple[2], jmx, kernel));
                    }
                    send("go");
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended; what it printed is kept
        }
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

    /** Waits for the next line starting with {@code prefix}; fails with the transcript on timeout. */
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

    /** Waits for the fact {@code key} and returns its value. */
    String awaitFact(String key, Duration timeout) throws InterruptedException {
        String line = await("FACT " + key + " ", timeout);
        return line.substring(6 + key.length());
    }

    /** Waits for the JVM to exit and returns its exit code; kills it on timeout. */
    int finish(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError(label + ": did not finish within " + timeout + "\n" + transcript());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    synchronized String fact(String key) {
        return facts.get(key);
    }

    synchronized List<Held> held() {
        return List.copyOf(held);
    }

    /** The last 300 lines the app printed, for failure messages. */
    synchronized String transcript() {
        List<String> tail = output.size() > 300 ? output.subList(output.size() - 300, output.size()) : output;
        return "---- " + label + " (pid " + process.pid() + ") ----\n" + String.join("\n", tail);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
