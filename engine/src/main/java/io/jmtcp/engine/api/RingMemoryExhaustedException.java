package io.jmtcp.engine.api;

import java.io.IOException;

/**
 * An engine's ring memory cap ({@code jmtcp.memory.max}) is reached: a socket cannot get its
 * send or receive ring until other sockets' rings are released. An {@link IOException} so that
 * the channel operation that needed the ring (open, connect, accept) can fail with it as it is.
 */
public final class RingMemoryExhaustedException extends IOException {

    private static final long serialVersionUID = 1L;

    /** With a message that says how much is in use and what the cap is. */
    public RingMemoryExhaustedException(String message) {
        super(message);
    }
}
