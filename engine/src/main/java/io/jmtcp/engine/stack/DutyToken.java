package io.jmtcp.engine.stack;

import io.jmtcp.engine.dev.LoopbackDevice;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.AgentTerminationException;

/**
 * The right to run one engine's duty cycle in {@code jmtcp.threading=inline} (DESIGN.md 3.4):
 * whoever holds it is, for that time, the engine's thread, and only it touches the engine's
 * state (its TCBs, timers, device queue). Taken with {@link #tryAcquire} — a compare-and-set,
 * never a blocking wait — and given back with {@link #release}.
 *
 * <p>Threads: any thread may try to take it; {@link #cycle} only by the holder. The cycle count
 * is written by the holder and read by the backstop to see whether anyone ran the engine lately.
 */
final class DutyToken {

    private final Engine engine;
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    /** Duty cycles run so far; written only by the holder (the token's CAS orders holders). */
    private volatile long cycles;
    private volatile boolean failureReported;

    /**
     * Whether the engine's device receives only what the engine itself transmitted (loopback): an
     * idle engine on it stays idle until a thread submits work or a timer falls due, so a thread
     * that leaves it idle need not wake another to watch it.
     */
    private final boolean selfContained;

    DutyToken(Engine engine) {
        this.engine = engine;
        this.selfContained = engine.device() instanceof LoopbackDevice;
        engine.inlineToken(this);
    }

    /** The holder while it sleeps on the engine's device (EngineAssistant.drive), else null. */
    private volatile Thread deviceSleeper;

    void deviceSleeper(Thread t) {
        deviceSleeper = t;
    }

    Thread deviceSleeper() {
        return deviceSleeper;
    }

    /** Rings the engine's device if {@code t} sleeps on it (an unpark may not reach it there). */
    void wakeIfSleeping(Thread t) {
        if (deviceSleeper == t) {
            engine.device().wakeup(engine.queue());
        }
    }

    boolean selfContained() {
        return selfContained;
    }

    /**
     * An application thread handed the engine work (Engine.submit, after the device wakeup that
     * rouses a holder asleep on the device): if nobody holds the token, a waiting thread is woken
     * to run it, since a holder that left an idle engine woke nobody. The fence orders the
     * command's publication before the token read; the leaving holder frees the token (a CAS)
     * before it looks at the command queue, so one of the two sees the other.
     */
    void workSubmitted() {
        VarHandle.fullFence();
        if (owner.get() == null) {
            EngineAssistant.instance().handOver();
        }
    }

    Engine engine() {
        return engine;
    }

    /** Takes the token if nobody holds it. Never blocks. */
    boolean tryAcquire(Thread self) {
        return owner.get() == null && owner.compareAndSet(null, self);
    }

    /** Gives the token back. Holder only; the caller then hands over to a waiting thread. */
    void release(Thread self) {
        owner.compareAndSet(self, null);
    }

    /** Whether no thread holds the token now. */
    boolean isFree() {
        return owner.get() == null;
    }

    /** Whether {@code t} holds it. */
    boolean heldBy(Thread t) {
        return owner.get() == t;
    }

    /** How many cycles have run (the backstop compares readings over its period). */
    long cycles() {
        return cycles;
    }

    /**
     * Runs one duty cycle as the engine's thread. A failure inside it has already failed the
     * engine's sockets with the cause (Engine.fail), so every thread blocked on them wakes with
     * an IOException; here it is reported once, as the dedicated runner's error handler does, and
     * the stopped engine does nothing afterwards. Holder only.
     *
     * @return the work done (0 for a stopped engine)
     */
    int cycle() {
        cycles = cycles + 1;
        try {
            return engine.doWork();
        } catch (AgentTerminationException e) {
            report(e);
            return 0;
        } catch (RuntimeException | Error e) {
            // doWork turns anything from the cycle into the engine's stop; this is a last guard
            report(engine.fail(e));
            return 0;
        }
    }

    private void report(AgentTerminationException e) {
        if (engine.failure() != null && !failureReported) {
            failureReported = true;
            Stack.engineError(e);
        }
    }
}
