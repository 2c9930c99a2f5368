package io.jmtcp.engine.dev;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets the one thread that owns a queue sleep until a producer (another engine, or an
 * application thread handing it work) rings, without polling. Within one JVM only.
 *
 * <p>The sleeper announces itself, re-checks its condition and parks; a producer first
 * publishes its work with a full fence ({@link FrameRing#publish()}) and then rings, so a wakeup
 * is never lost. Spurious wakeups are allowed.
 */
public final class Doorbell {

    private volatile Thread sleeper;

    /**
     * Parks the calling thread for at most {@code timeoutNanos} unless {@code ready} already
     * holds once the sleeper is announced.
     */
    public void sleep(long timeoutNanos, java.util.function.BooleanSupplier ready) {
        sleeper = Thread.currentThread();
        try {
            if (!ready.getAsBoolean()) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleeper = null;
        }
    }

    /** Wakes the sleeper, if any. Cheap when nobody sleeps: one volatile read. */
    public void ring() {
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
