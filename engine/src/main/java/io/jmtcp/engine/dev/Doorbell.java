package io.jmtcp.engine.dev;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets the one thread that owns a queue sleep until a producer (another engine, or an
 * application thread handing it work) rings, without polling. Within one JVM only.
 *
 * <p>A ring is never lost, whenever it comes: the producer first publishes its work (with a full
 * fence, {@link FrameRing#publish()}, or a queue offer), then raises the {@code rung} flag and
 * reads the sleeper; the sleeper announces itself, then reads the flag and its own condition
 * before it parks. Both pairs are volatile, so one side always sees the other: a ring that came
 * before the sleeper announced itself (the engine was between its last duty cycle and its sleep)
 * makes that sleep return at once, as {@link NetDevice#wakeup} promises for "the next awaitRx".
 * Only a ring is remembered, not a condition, so work the condition does not cover (application
 * requests, engine commands) still wakes the engine. Spurious wakeups are allowed.
 */
public final class Doorbell {

    private volatile Thread sleeper;
    /** Rung since the sleeper last woke; cleared only by the sleeper, after it wakes. */
    private volatile boolean rung;

    /**
     * Parks the calling thread for at most {@code timeoutNanos} unless the bell was rung since
     * the last sleep ended, or {@code ready} holds once the sleeper is announced.
     */
    public void sleep(long timeoutNanos, java.util.function.BooleanSupplier ready) {
        sleeper = Thread.currentThread();
        try {
            if (!rung && !ready.getAsBoolean()) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleeper = null;
            // the caller runs a duty cycle next, which sees whatever a ring announced so far
            rung = false;
        }
    }

    /** Wakes the sleeper, or makes its next sleep return at once. A volatile store and read. */
    public void ring() {
        rung = true;
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
