package io.jmtcp.engine.dev;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets the one thread that owns a queue sleep until a producer (another engine, or an
 * application thread handing it work) rings, without polling. Within one JVM only.
 *
 * <p>The sleeper announces itself, re-checks its condition and parks; a producer first
 * publishes its work with a full fence ({@link FrameRing#publish()}) and then rings, so a wakeup
 * is never lost. Spurious wakeups are allowed.
 *
 * <p>A ring is also remembered until the sleeper next wakes: the condition the sleeper checks
 * covers only frames, but producers ring for other work too (an application's command or
 * socket request to the engine, {@link NetDevice#wakeup}). Without the flag a ring that came
 * after the engine last looked at its command queue but before it announced itself was lost,
 * and the engine slept through the work until its next timer or {@code jmtcp.idle.max-sleep}
 * (100 ms), which showed as connects and round trips taking milliseconds now and then.
 * The flag and the sleeper form a Dekker pair: the producer writes the flag, then reads the
 * sleeper; the sleeper writes itself, then reads the flag; both volatile, so at least one of
 * them sees the other.
 */
public final class Doorbell {

    private volatile Thread sleeper;
    /** Set by {@link #ring}, cleared when the sleeper wakes (it then looks at all its work). */
    private volatile boolean rung;

    /**
     * Parks the calling thread for at most {@code timeoutNanos} unless {@code ready} already
     * holds once the sleeper is announced.
     */
    public void sleep(long timeoutNanos, java.util.function.BooleanSupplier ready) {
        sleeper = Thread.currentThread();
        try {
            if (!rung && !ready.getAsBoolean()) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleeper = null;
            rung = false; // the caller's next cycle sees whatever was published before a ring
        }
    }

    /** Wakes the sleeper, or makes its next sleep return at once. Cheap when nobody sleeps: one volatile write and read. */
    public void ring() {
        rung = true;
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
