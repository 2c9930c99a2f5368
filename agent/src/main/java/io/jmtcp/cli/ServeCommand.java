package io.jmtcp.cli;

import io.jmtcp.engine.services.ChargenService;
import io.jmtcp.engine.services.DiscardService;
import io.jmtcp.engine.services.EchoService;
import io.jmtcp.engine.services.HttpResponder;
import io.jmtcp.engine.services.TcpService;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>TCP services (package {@code io.jmtcp.engine.services}) can run on the stack:
 * {@code --echo} (RFC 862, port 7), {@code --discard} (RFC 863, port 9), {@code --chargen}
 * (RFC 864, port 19), each on another port with {@code --echo-port} etc., and
 * {@code --http PORT}, the HTTP/1.1 responder ({@code GET /}, {@code GET /bytes/N},
 * {@code POST} answered with the body's SHA-256).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run a stack (it answers ARP and ping) until Ctrl-C or --duration, then print its counters.",
            "Optionally serve echo, discard, chargen and an HTTP/1.1 responder (GET /, GET /bytes/N, POST -> SHA-256)."})
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

    @Option(names = "--echo", description = "Serve echo (RFC 862) on port 7.")
    boolean echo;

    @Option(names = "--echo-port", paramLabel = "PORT", description = "Serve echo on this port (implies --echo).")
    Integer echoPort;

    @Option(names = "--discard", description = "Serve discard (RFC 863) on port 9.")
    boolean discard;

    @Option(names = "--discard-port", paramLabel = "PORT", description = "Serve discard on this port (implies --discard).")
    Integer discardPort;

    @Option(names = "--chargen", description = "Serve chargen (RFC 864) on port 19.")
    boolean chargen;

    @Option(names = "--chargen-port", paramLabel = "PORT", description = "Serve chargen on this port (implies --chargen).")
    Integer chargenPort;

    @Option(names = "--http", paramLabel = "PORT",
            description = "Serve the HTTP/1.1 responder on this port: GET / (text), GET /bytes/N (N bytes, byte i ="
                    + " i mod 256), POST (answers the body's SHA-256 in hex).")
    Integer httpPort;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Object[]> wanted = new ArrayList<>(); // {service, port}
        if (echo || echoPort != null) {
            wanted.add(new Object[] {new EchoService(), port("--echo-port", echoPort, EchoService.PORT)});
        }
        if (discard || discardPort != null) {
            wanted.add(new Object[] {new DiscardService(), port("--discard-port", discardPort, DiscardService.PORT)});
        }
        if (chargen || chargenPort != null) {
            wanted.add(new Object[] {new ChargenService(), port("--chargen-port", chargenPort, ChargenService.PORT)});
        }
        if (httpPort != null) {
            wanted.add(new Object[] {new HttpResponder(), port("--http", httpPort, 0)});
        }
        Stack stack = stackOptions.start();
        out.println("jmtcp up on " + StackOptions.describe(stack)
                + (durationNanos > 0 ? "; stopping after " + seconds(durationNanos) : "; Ctrl-C to stop"));
        Session session = new Session(stack, out);
        for (Object[] w : wanted) {
            TcpService service = (TcpService) w[0];
            try {
                service.start(stack, (Integer) w[1]);
            } catch (BindException | RuntimeException e) {
                session.finish();
                throw new StartFailure("cannot serve " + service.name() + " on port " + w[1] + ": " + e.getMessage(), 1, e);
            }
            session.services.add(service);
            out.println(service.name() + " on port " + service.port());
        }
        out.flush();
        // Ctrl-C and SIGTERM run shutdown hooks, not the rest of this method: the hook closes
        // the stack and prints the counters; whoever comes first does it, once.
        Thread hook = new Thread(session::finish, "jmtcp-serve-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) { // SIGTERM came while we were starting
            session.finish();
            return 0;
        }
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

    private int port(String option, Integer given, int standard) {
        int p = given == null ? standard : given;
        if (p < 1 || p > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    option + " must be a port 1..65535, got " + p);
        }
        return p;
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    /** The running stack and its one-time shutdown; any thread. */
    private static final class Session {
        private final Stack stack;
        private final PrintWriter out;
        final List<TcpService> services = new java.util.concurrent.CopyOnWriteArrayList<>();
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
            for (TcpService s : services) {
                s.close();
            }
            Engine[] engines = stack.engines();
            stack.close();
            out.println("jmtcp stopped; counters:");
            out.print(CounterTable.format(stack.counters()));
            if (engines.length > 1) {
                // which engine carried what: with several queues the device (or its RSS) spreads flows
                for (int e = 0; e < engines.length; e++) {
                    var c = engines[e].counters();
                    out.println(String.format(Locale.ROOT, "engine %d: rx %d frames, tx %d frames, %d passive opens,"
                            + " %d active opens", e, c.get(Counter.RX_FRAMES), c.get(Counter.TX_FRAMES),
                            c.get(Counter.TCP_PASSIVE_OPENS), c.get(Counter.TCP_ACTIVE_OPENS)));
                }
            }
            out.flush();
        }
    }
}
