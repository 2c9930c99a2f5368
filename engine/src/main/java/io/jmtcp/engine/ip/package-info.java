/**
 * IPv4 and ICMPv4: input validation with a counter per drop reason, fragment reassembly with
 * memory and time limits, the route table, output with ARP resolution and fragmentation, echo
 * replies and rate-limited ICMP errors. Protocols above (UDP here, TCP later) register a
 * {@link io.jmtcp.engine.ip.ProtocolHandler}; TCP emits only through
 * {@link io.jmtcp.engine.ip.Ipv4Layer}, never a device. With an exception path
 * ({@link io.jmtcp.engine.ip.ExceptionPath}), what no layer consumes — UDP, other protocols, TCP
 * for no socket — goes to the host's stack instead of being answered with an ICMP error or RST.
 *
 * <p>Threading: everything here belongs to one engine thread.
 */
package io.jmtcp.engine.ip;
