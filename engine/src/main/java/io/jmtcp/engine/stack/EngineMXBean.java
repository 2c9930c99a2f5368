package io.jmtcp.engine.stack;

import java.util.Map;

/**
 * What an engine publishes over JMX ({@code io.jmtcp:type=Engine,stack=NAME,id=N}), readable
 * from another process with any JMX client or {@code jmtcp stat}.
 */
public interface EngineMXBean {

    /** Every counter by name, zeros included. */
    Map<String, Long> getCounters();

    /** The interface: device, MAC, address, MTU. */
    String getInterface();

    /** Neighbour cache entries, one per line: address, MAC, state. */
    String[] getNeighbours();

    /**
     * The engine's connections and listeners, one per line like {@code ss}
     * ("ESTABLISHED 127.0.0.1:5000 -> 127.0.0.1:40000", "LISTEN 0.0.0.0:8080"), read on the engine
     * thread; a single line saying why when the engine does not answer within a second.
     */
    String[] getConnections();
}
