package io.jmtcp.cli;

import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jmtcp serve}: starts a stack, says what it is up on, and runs until Ctrl-C / SIGTERM or
 * until {@code --duration} has passed; then closes the stack and prints its non-zero counters.
 * With {@code --stats-interval} it prints one line of totals and rates each interval.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a stack (it answers ARP and ping) until Ctrl-C or --duration, then print its counters.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions = new StackOptions();

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 10s; 0 (the default) runs until Ctrl-C.")
    long durationNanos;

    @Option(names = "--stats-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Print a line of counters this often, e.g. 1s; 0 (the default) prints none.")
    long statsIntervalNanos;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = stackOptions.start();
        out.println("jmtcp up on " + StackOptions.describe(stack)
                + (durationNanos > 0 ? "; stopping after " + seconds(durationNanos) : "; Ctrl-C to stop"));
        out.flush();
        Session session = new Session(stack, out);
        // Ctrl-C and SIGTERM run shutdown hooks, not the rest of this method: the hook closes
        // the stack and prints the counters; whoever comes first does it, once.
        Thread hook = new Thread(session::finish, "jmtcp-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runUntilDone(session);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // the hook is running or about to; finish() below waits for it and does nothing more
            }
            session.finish();
        }
        return 0;
    }

    private void runUntilDone(Session session) {
        long start = System.nanoTime();
        long nextStats = statsIntervalNanos; // relative to start; 0 = no stats
        try {
            while (true) {
                long elapsed = System.nanoTime() - start; // differences only: nanoTime may be negative
                if (durationNanos > 0 && elapsed >= durationNanos) {
                    return;
                }
                if (nextStats > 0 && elapsed >= nextStats) {
                    session.printStats(elapsed);
                    nextStats += statsIntervalNanos;
                    continue;
                }
                long wait = TimeUnit.HOURS.toNanos(1); // nothing due: sleep long, Ctrl-C ends it
                if (durationNanos > 0) {
                    wait = Math.min(wait, durationNanos - elapsed);
                }
                if (nextStats > 0) {
                    wait = Math.min(wait, nextStats - elapsed);
                }
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop like Ctrl-C: close and print
        }
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    /** The running stack and its one-time shutdown; any thread. */
    private static final class Session {
        private final Stack stack;
        private final PrintWriter out;
        private long lastRx;
        private long lastTx;
        private long lastAt;
        private boolean finished;

        Session(Stack stack, PrintWriter out) {
            this.stack = stack;
            this.out = out;
        }

        synchronized void printStats(long elapsedNanos) {
            if (finished) {
                return;
            }
            long rx = stack.counter(Counter.RX_FRAMES);
            long tx = stack.counter(Counter.TX_FRAMES);
            long drops = 0;
            for (Counter c : Counter.values()) {
                if (c.isDrop()) {
                    drops += stack.counter(c);
                }
            }
            double secs = Math.max(1e-9, (elapsedNanos - lastAt) / 1e9);
            out.println(String.format(Locale.ROOT, "t=%s rx %d frames (%.0f/s), tx %d frames (%.0f/s), drops %d",
                    seconds(elapsedNanos), rx, (rx - lastRx) / secs, tx, (tx - lastTx) / secs, drops));
            out.flush();
            lastRx = rx;
            lastTx = tx;
            lastAt = elapsedNanos;
        }

        synchronized void finish() {
            if (finished) {
                return;
            }
            finished = true;
            stack.close();
            out.println("jmtcp stopped; counters:");
            out.print(CounterTable.format(stack.counters()));
            out.flush();
        }
    }
}
