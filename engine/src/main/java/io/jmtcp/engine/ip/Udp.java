package io.jmtcp.engine.ip;

import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.UdpDatagram;

/**
 * UDP input (RFC 768) for a stack that carries no UDP sockets: datagrams are validated and
 * counted, and answered with ICMP port unreachable as RFC 1122 4.1.3.1 asks, so a peer learns
 * at once that nobody listens. With an exception path ({@link ExceptionPath}) the datagram goes
 * to the host's stack instead, which has the UDP sockets (DNS, DHCP, NTP) and answers itself.
 *
 * <p>Owned by the engine thread.
 */
final class Udp implements ProtocolHandler {

    private final Icmp icmp;
    private final Ipv4Layer ip;
    private final Counters counters;
    private final UdpDatagram udp = new UdpDatagram();

    Udp(Icmp icmp, Ipv4Layer ip, Counters counters) {
        this.icmp = icmp;
        this.ip = ip;
        this.counters = counters;
    }

    @Override
    public void input(Ipv4Packet ip, boolean broadcast, long now) {
        udp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!udp.checkLength()) {
            counters.increment(Counter.RX_DROP_UDP_TRUNCATED);
            return;
        }
        if (udp.checksum() != 0 && !udp.verifyChecksum(ip.source(), ip.destination())) {
            counters.increment(Counter.RX_DROP_UDP_BAD_CHECKSUM);
            return;
        }
        counters.increment(Counter.UDP_RX_DATAGRAMS);
        ExceptionPath exception = this.ip.exceptionPath();
        if (exception.enabled()) {
            exception.handIp(Counter.EXCEPTION_UDP, ip);
            return;
        }
        counters.increment(Counter.RX_DROP_UDP_NO_PORT);
        if (!broadcast) {
            icmp.sendError(ip, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, 0, now);
        }
    }
}
