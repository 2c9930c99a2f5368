/**
 * TCP (RFC 9293) for one engine: connection table and listeners ({@link io.jmtcp.engine.tcp.TcpLayer}),
 * segment arrival step by step ({@link io.jmtcp.engine.tcp.TcpInput}), what to send and when
 * ({@link io.jmtcp.engine.tcp.TcpOutput}), the TCB, and the pieces each RFC rule lives in: ISN
 * (RFC 6528), SYN cookies (RFC 4987), RTT and RTO (RFC 6298), SACK scoreboard (RFC 6675) and
 * receive ranges (RFC 2018), congestion control ({@code congestion}: NewReno, CUBIC).
 *
 * <p>Threading: everything here belongs to one engine thread. Applications reach a connection
 * only through its {@link io.jmtcp.engine.api.TcpSocket} (rings, state word, requests), and the
 * engine through {@link io.jmtcp.engine.tcp.TcpLayer#post}. TCP emits through
 * {@link io.jmtcp.engine.ip.Ipv4Layer}, never a device.
 */
package io.jmtcp.engine.tcp;
