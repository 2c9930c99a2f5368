package io.jmtcp.examples.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One forked JVM running {@link BenchApp}: its command line, its pid (for {@link ProcStat}),
 * a line-oriented conversation over its stdin/stdout, and its stderr in a log file. Closing it
 * asks the app to quit and, if it does not within a few seconds, destroys exactly this process.
 *
 * <p>Threads: the harness thread talks to it; one daemon thread per fork reads its stdout into a
 * queue, so that a silent or dead app costs a timeout, never a hang.
 */
final class Fork implements AutoCloseable {

    private static final String EOF = "\u0000EOF";

    final String name;
    final List<String> command;
    final Path log;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Fork(String name, List<String> command, Path log) throws IOException {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        process = pb.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::pump, "compare-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("ERROR reading the app's output: " + e);
        } finally {
            lines.add(EOF);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command line. */
    void send(String command) throws IOException {
        stdin.write(command);
        stdin.write('\n');
        stdin.flush();
    }

    /**
     * The next line the app prints, skipping lines that are not protocol replies.
     *
     * @throws IOException if the app ends or says nothing within the timeout; the message holds
     *     the end of its log
     */
    String expect(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException(name + ": no answer within " + timeoutMillis + " ms" + logTail());
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new IOException(name + ": the app exited" + exitCode() + logTail());
            }
            if (line.startsWith("READY") || line.startsWith("UNAVAILABLE") || line.startsWith("RESULT")
                    || line.startsWith("STATS") || line.startsWith("ERROR")) {
                return line;
            }
        }
    }

    /** Sends a command and returns the answer. */
    String ask(String command, long timeoutMillis) throws IOException, InterruptedException {
        send(command);
        return expect(timeoutMillis);
    }

    private String exitCode() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " with status " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** The last lines of the app's stderr, for error messages. */
    String logTail() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = new ArrayList<>(all.subList(Math.max(0, all.size() - 15), all.size()));
            return tail.isEmpty() ? "" : "; its log " + log + " ends with:\n    " + String.join("\n    ", tail);
        } catch (IOException e) {
            return "; log " + log + " unreadable: " + e;
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
