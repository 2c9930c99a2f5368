package io.jmtcp.engine.timer;

import org.agrona.concurrent.NanoClock;

/**
 * A clock that moves only when told to: tests drive engines in simulated time with it, so
 * timer behaviour (retransmission, ARP timeouts, reassembly limits) is exact and fast.
 */
public final class ManualClock implements NanoClock {

    private volatile long now;

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    public ManualClock() {
        this(1_000_000_000L);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward. */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time never goes back: " + nanos);
        }
        now += nanos;
    }

    /** Moves time forward by milliseconds. */
    public void advanceMillis(long millis) {
        advance(millis * 1_000_000L);
    }
}
