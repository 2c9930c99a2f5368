package io.jmtcp.engine.api;

/**
 * Where an engine reports sockets whose readiness changed (a selector, in the provider). The
 * engine aggregates per flow: during a duty cycle it only marks sockets; at the end of the cycle
 * it offers each changed socket once and then signals each sink it offered to exactly once
 * (DESIGN.md 3.2, mTCP's event aggregation).
 */
public interface ReadinessSink {

    /** Records that {@code socket}'s readiness may have changed. Engine thread; must not block. */
    void offer(TcpSocket socket);

    /** Wakes the sink's consumer if it waits. Engine thread, once per cycle at most; must not block. */
    void signal();
}
