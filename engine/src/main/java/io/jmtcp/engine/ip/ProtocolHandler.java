package io.jmtcp.engine.ip;

import io.jmtcp.engine.wire.Ipv4Packet;

/**
 * Receives validated, reassembled IPv4 packets of one protocol (ICMP, UDP, TCP). The packet is
 * borrowed: it is valid only during the call.
 */
@FunctionalInterface
public interface ProtocolHandler {

    /**
     * @param ip the packet, wrapped over its whole length (payload at {@code ip.payloadOffset()})
     * @param broadcast it was addressed to a broadcast address
     * @param now the duty cycle's clock reading
     */
    void input(Ipv4Packet ip, boolean broadcast, long now);
}
