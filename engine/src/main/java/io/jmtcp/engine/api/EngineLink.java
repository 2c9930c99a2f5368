package io.jmtcp.engine.api;

/**
 * How a socket reaches the engine that owns it: posting the socket makes the engine look at its
 * pending requests ({@link TcpSocket#takeRequests()}) in its next duty cycle, and wakes the
 * engine if it sleeps. Implemented by the engine; called from application threads.
 */
public interface EngineLink {

    /**
     * Queues the socket for the engine. Called at most once per batch of requests (the socket's
     * pending bits gate it), so the queue never holds a socket twice.
     *
     * @return false if the engine no longer runs
     */
    boolean post(TcpSocket socket);
}
