package io.jmtcp.engine.stack;

import io.jmtcp.engine.stats.Counter;
import org.agrona.concurrent.IdleStrategy;

/**
 * The adaptive idle strategy of an engine: after a cycle with no work it spins briefly, then
 * yields, then sleeps on its device (a TAP fd, a ring doorbell) until a frame arrives, another
 * thread hands it work, or its next timer is due. So an idle engine costs no CPU on a 2-core
 * machine, yet wakes at once for work. With {@code jmtcp.busy-poll} set it first polls for that
 * long (Onload's {@code EF_POLL_USEC}): lower latency for a burned core while it polls.
 *
 * <p>A device that fails while the engine sleeps on it (its fd gone bad, closed underneath)
 * fails the engine, as a failure inside the duty cycle does: the engine's sockets fail with the
 * cause instead of hanging, and the agent's thread ends.
 */
final class EngineIdleStrategy implements IdleStrategy {

    private static final int SPINS = 64;
    private static final int YIELDS = 8;

    private final Engine engine;
    private final long busyPollNanos;
    private int idleCycles;
    /** When the current idle stretch began (for the busy-poll window); 0 while working. */
    private long idleSince;

    EngineIdleStrategy(Engine engine, long busyPollNanos) {
        this.engine = engine;
        this.busyPollNanos = busyPollNanos;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            idleCycles = 0;
            idleSince = 0;
            return;
        }
        idle();
    }

    @Override
    public void idle() {
        if (busyPollNanos > 0) {
            long now = System.nanoTime();
            if (idleSince == 0) {
                idleSince = now;
            }
            if (now - idleSince < busyPollNanos) {
                Thread.onSpinWait();
                return;
            }
        }
        int n = idleCycles++;
        if (n < SPINS) {
            Thread.onSpinWait();
        } else if (n < SPINS + YIELDS) {
            Thread.yield();
        } else if (!engine.hasCommands()) {
            long sleep = engine.sleepNanos();
            if (sleep > 0) {
                engine.counters().increment(Counter.IDLE_SLEEPS);
                try {
                    engine.device().awaitRx(engine.queue(), sleep);
                } catch (RuntimeException | Error e) {
                    throw engine.fail(e);
                }
            }
        }
    }

    @Override
    public void reset() {
        idleCycles = 0;
        idleSince = 0;
    }

    @Override
    public String alias() {
        return "jmtcp-adaptive";
    }
}
