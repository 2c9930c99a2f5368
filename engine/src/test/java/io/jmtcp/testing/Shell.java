package io.jmtcp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands for tests with a hard timeout. Output goes to temporary files rather than pipes,
 * so a chatty command can never block on a full pipe while the test waits for it. A command that
 * overstays its timeout is killed by its pid (and its descendants by theirs), never by name.
 */
public final class Shell {

    /** The timeout used when a caller gives none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Shell() {}

    /**
     * What a finished command left behind.
     *
     * @param command the command line
     * @param exitCode its exit status
     * @param stdout everything it wrote to standard output
     * @param stderr everything it wrote to standard error
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Whether it exited with status 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The command, its status and its output, for failure messages. */
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode
                    + (stdout.isBlank() ? "" : "\n--- stdout ---\n" + stdout.strip())
                    + (stderr.isBlank() ? "" : "\n--- stderr ---\n" + stderr.strip());
        }

        /** Returns this result, or throws with {@link #describe()} when the command failed. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }
    }

    /** Runs a command to completion within {@code timeout}; the result may carry a failure status. */
    public static Result run(Duration timeout, String... command) {
        try (Background b = start(command)) {
            return b.await(timeout);
        }
    }

    /** Runs a command with {@link #DEFAULT_TIMEOUT}. */
    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    /** Runs a command with {@link #DEFAULT_TIMEOUT} and throws unless it exits 0. */
    public static Result check(String... command) {
        return run(DEFAULT_TIMEOUT, command).orThrow();
    }

    /** Starts a command in the background; close the handle to kill it if it is still running. */
    public static Background start(String... command) {
        return new Background(List.of(command));
    }

    /** A command running in the background. Closing it kills it (by pid) and deletes its output files. */
    public static final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(List<String> command) {
            this.command = command;
            try {
                out = Files.createTempFile("jmtcp-shell-", ".out");
                err = Files.createTempFile("jmtcp-shell-", ".err");
                process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
            }
        }

        /** The process id, for messages. */
        public long pid() {
            return process.pid();
        }

        /** Whether the command is still running. */
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Waits for the command to finish; if it has not within {@code timeout}, kills it and throws.
         *
         * @throws IllegalStateException on timeout, with whatever the command printed
         */
        public Result await(Duration timeout) {
            boolean finished;
            try {
                finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + String.join(" ", command), e);
            }
            if (!finished) {
                kill();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + "; killed pid " + process.pid() + "\n" + read(out) + read(err));
            }
            return new Result(command, process.exitValue(), read(out), read(err));
        }

        private void kill() {
            // descendants first: once the parent is gone they are re-parented and harder to find
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill();
            }
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files; the OS cleans /tmp eventually
            }
        }
    }
}
