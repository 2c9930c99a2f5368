package io.jmtcp.engine.stack;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One stack's share of the {@link EngineAssistant}: its busy-poll setting and, in
 * {@code jmtcp.threading=inline}, the duty-cycle tokens of its engines and their backstop.
 *
 * <p>The backstop (DESIGN.md 3.4) is one daemon thread per inline stack. Every
 * {@value #BACKSTOP_PERIOD_MICROS} µs it looks at each engine: if nobody ran a cycle of it since
 * its last look and nobody holds its token, it takes the token and runs cycles until one does
 * no work, then gives it back (handing over to a waiting thread, if one came). So timers fire,
 * receive queues drain and commands run while the application is busy elsewhere, and an
 * application that waits always finds the engine free. It never sleeps holding a token.
 *
 * <p>Threads: created and closed by the {@link Stack}; the backstop's loop on its own thread.
 */
final class InlineEngines {

    static final long BACKSTOP_PERIOD_MICROS = 1000;
    /** Cycles the backstop runs at most per look, so it never keeps a busy engine from the app. */
    private static final int BACKSTOP_MAX_CYCLES = 256;

    private final DutyToken[] tokens;
    private final long busyPollNanos;
    private final Thread backstop;
    private volatile boolean running = true;

    /**
     * @param engines the stack's engines, run inline; empty for a dedicated stack (busy-poll only)
     */
    InlineEngines(String stackName, Engine[] engines, long busyPollNanos) {
        this.busyPollNanos = busyPollNanos;
        this.tokens = new DutyToken[engines.length];
        for (int i = 0; i < engines.length; i++) {
            tokens[i] = new DutyToken(engines[i]);
        }
        if (engines.length > 0) {
            backstop = new Thread(this::backstopLoop, stackName + "-backstop");
            backstop.setDaemon(true);
        } else {
            backstop = null;
        }
    }

    /** Joins the JVM's assistant and starts the backstop. */
    void start() {
        EngineAssistant.register(this);
        if (backstop != null) {
            backstop.start();
        }
    }

    DutyToken[] tokens() {
        return tokens;
    }

    long busyPollNanos() {
        return busyPollNanos;
    }

    /** Whether the engines run inline (false: a dedicated stack registered for busy-poll). */
    boolean inline() {
        return tokens.length > 0;
    }

    private void backstopLoop() {
        Thread self = Thread.currentThread();
        EngineAssistant assistant = EngineAssistant.instance();
        long[] seen = new long[tokens.length];
        while (running) {
            LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(BACKSTOP_PERIOD_MICROS));
            for (int i = 0; i < tokens.length && running; i++) {
                DutyToken t = tokens[i];
                long c = t.cycles();
                if (c != seen[i] || t.engine().isStopped()) {
                    seen[i] = c; // someone ran it lately
                    continue;
                }
                if (!t.tryAcquire(self)) {
                    continue;
                }
                boolean busy = true;
                try {
                    for (int k = 0; k < BACKSTOP_MAX_CYCLES; k++) {
                        if (t.cycle() == 0 && !t.engine().hasCommands()) {
                            busy = false;
                            break;
                        }
                    }
                } finally {
                    assistant.releaseFromBackstop(t, self, busy);
                }
                seen[i] = t.cycles();
            }
        }
    }

    /**
     * Stops the engines (already asked to stop) from the calling thread: takes each token when it
     * is free and runs the cycle that carries out the stop, so the engine's sockets fail and no
     * thread is left waiting; a thread that holds a token carries out the stop itself at its next
     * cycle. Then stops the backstop and leaves the assistant. Bounded by {@code timeoutNanos}.
     */
    void close(long timeoutNanos) {
        Thread self = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        boolean all;
        do {
            all = true;
            for (DutyToken t : tokens) {
                if (t.engine().isStopped()) {
                    continue;
                }
                if (t.heldBy(self) || t.tryAcquire(self)) {
                    try {
                        t.cycle();
                    } finally {
                        EngineAssistant.instance().releaseFromBackstop(t, self, true);
                    }
                }
                all &= t.engine().isStopped();
                if (!t.engine().isStopped()) {
                    t.engine().device().wakeup(t.engine().queue()); // a holder asleep on the device
                }
            }
            if (!all) {
                LockSupport.parkNanos(this, 50_000);
            }
        } while (!all && System.nanoTime() - deadline < 0);
        running = false;
        if (backstop != null) {
            LockSupport.unpark(backstop);
            if (backstop != self) {
                try {
                    backstop.join(TimeUnit.NANOSECONDS.toMillis(Math.max(deadline - System.nanoTime(), 100_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        EngineAssistant.unregister(this);
    }
}
