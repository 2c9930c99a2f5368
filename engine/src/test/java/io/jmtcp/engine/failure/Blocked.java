package io.jmtcp.engine.failure;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A call running on its own thread that the test expects to block (in a socket wait, a
 * selector): {@link #awaitBlocked} proves it parked before the test acts, {@link #result}
 * bounds how long the test waits for it to return.
 */
final class Blocked<T> {

    private final FutureTask<T> task;
    private final Thread thread;

    private Blocked(String name, Callable<T> call) {
        this.task = new FutureTask<>(call);
        this.thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    static <T> Blocked<T> start(String name, Callable<T> call) {
        return new Blocked<>(name, call);
    }

    /** Waits until the thread is parked (WAITING or TIMED_WAITING). */
    Blocked<T> awaitBlocked() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return this;
            }
            if (task.isDone()) {
                throw new AssertionError(thread.getName() + " returned before it was expected to block: " + describe());
            }
            Thread.sleep(5);
        }
        throw new AssertionError(thread.getName() + " never blocked (state " + thread.getState() + ")");
    }

    /** The call's result; fails the test if it does not return within {@code limit}. */
    T result(Duration limit) throws Exception {
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            thread.interrupt();
            throw new AssertionError(thread.getName() + " still blocked after " + limit + " (it hangs)", e);
        }
    }

    private String describe() {
        try {
            return String.valueOf(task.get());
        } catch (Exception e) {
            return e.toString();
        }
    }
}
