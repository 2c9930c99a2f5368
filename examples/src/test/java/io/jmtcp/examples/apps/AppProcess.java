package io.jmtcp.examples.apps;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One example app in its own JVM, started as a user starts it ({@code java [flags] -cp CP MAIN ARGS}),
 * its output read line by line. A smaller cousin of it-tests' {@code ForkedApp}: the example apps
 * print plain lines (a banner, a self-test result) rather than that harness's FACT/PROBE protocol.
 * Closing it stops the JVM by its pid.
 *
 * <p>Threads: the test thread drives it; one daemon thread reads the app's output.
 */
final class AppProcess implements AutoCloseable {

    private final Process process;
    private final String label;
    private final List<String> output = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private AppProcess(String label, List<String> command) {
        this.label = label;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        closeQuietly(process);
        Thread reader = new Thread(this::read, "app-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** The apps read no input: their standard input is closed at once. */
    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing was written, nothing is lost
        }
    }

    /** Starts {@code main} with {@code jvmFlags} and class path {@code classPath}, then {@code args}. */
    static AppProcess start(String label, List<String> jvmFlags, List<String> classPath, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new AppProcess(label, command);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (this) {
                    output.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended; its output so far is kept
        }
    }

    /** The next line starting with {@code prefix} (earlier lines are skipped); fails with the transcript on timeout. */
    String await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS) : null;
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && (left <= 0 || !process.isAlive() && lines.isEmpty())) {
                throw new AssertionError(label + ": no line starting with '" + prefix + "' within " + timeout
                        + (process.isAlive() ? "" : " (the JVM exited with " + process.exitValue() + ")") + "\n" + transcript());
            }
        }
    }

    /** Everything the app printed, for failure messages. */
    synchronized String transcript() {
        return "---- " + label + " (pid " + process.pid() + ") ----\n" + String.join("\n", output);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
