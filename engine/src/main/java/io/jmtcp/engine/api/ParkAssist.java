package io.jmtcp.engine.api;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What an application thread does just before it parks waiting for the stack (DESIGN.md 3.4):
 * the hook through which a running stack lends such threads a job. A {@link Waiter} (blocked
 * read, write, connect, accept) and the provider's selector call {@link #await} in place of
 * parking; with nothing installed, or when the installed assistant declines, they park as before.
 * The stack installs an {@link Assistant} that busy-polls the condition for {@code jmtcp.busy-poll}
 * (Onload's {@code EF_POLL_USEC}) and, in {@code jmtcp.threading=inline}, runs engine duty cycles
 * in the waiting thread.
 *
 * <p>Threads: any thread calls {@link #await}; {@link #install} from the stack package when stacks
 * start and close. One assistant per JVM (it serves every stack of the JVM), read with a plain
 * volatile load so the hook costs nothing measurable when none is installed.
 */
public final class ParkAssist {

    /** The stack's side of the hook. */
    public interface Assistant {
        /**
         * Helps a thread that would park until {@code done} holds.
         *
         * @param done what the thread waits for (it includes "closed" or "wakeup" where the caller
         *        has such states); must be cheap and side-effect free
         * @param timed whether {@code deadlineNanos} applies
         * @param deadlineNanos {@link System#nanoTime()} at which the caller's wait ends
         * @return true if the thread waited or {@code done} may hold (the caller re-checks its
         *         condition and calls again instead of parking); false to have the caller park
         */
        boolean await(BooleanSupplier done, boolean timed, long deadlineNanos);

        /**
         * Wakes {@code t} if it sleeps on a device for this assistant (a TAP fd in poll does not
         * return on an unpark); {@link ParkAssist#unpark} has already unparked it.
         */
        default void wake(Thread t) {
        }
    }

    private static volatile Assistant assistant;

    private ParkAssist() {
    }

    /** Installs (or, with null, removes) the JVM's assistant. */
    public static void install(Assistant a) {
        assistant = a;
    }

    /**
     * Wakes a thread that waits for the stack: unparks it and, when it runs engines inline asleep
     * on a device that an unpark does not reach, rings that device. Signallers (readiness,
     * selector wakeups, closes) call this in place of {@link LockSupport#unpark}. Any thread.
     */
    public static void unpark(Thread t) {
        LockSupport.unpark(t);
        Assistant a = assistant;
        if (a != null) {
            a.wake(t);
        }
    }

    /**
     * Called where a thread would park until {@code done} holds: see {@link Assistant#await}.
     * Returns false at once when no assistant is installed.
     */
    public static boolean await(BooleanSupplier done, boolean timed, long deadlineNanos) {
        Assistant a = assistant;
        return a != null && a.await(done, timed, deadlineNanos);
    }
}
