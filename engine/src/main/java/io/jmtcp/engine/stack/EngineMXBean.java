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
}
