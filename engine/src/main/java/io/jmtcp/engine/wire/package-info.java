/**
 * Wire formats: flyweights over the headers jmtcp reads and writes (Ethernet II with one 802.1Q
 * tag, ARP, IPv4, ICMPv4, TCP and its options, UDP), the Internet checksum, and sequence-number
 * arithmetic. Depends on nothing else of jmtcp.
 *
 * <p>Contract: a flyweight is pointed at bytes with {@code wrap(buffer, offset, length)}; a
 * receiver calls {@code checkLength()} once, drops the frame when it returns false, and after
 * that no accessor throws. Fields are big-endian whatever the buffer's {@code order()}, accessed
 * absolutely (the buffer's position and limit are never used or changed), and every offset an
 * accessor returns is absolute in the buffer. Emitting code writes every field it sends; it never
 * trusts the old bytes of a reused buffer. Nothing here allocates after construction.
 *
 * <p>Threading: flyweights and {@link io.jmtcp.engine.wire.TcpOptions} are mutable and owned by
 * one engine thread (one instance per engine, reused per frame); the static utilities
 * ({@link io.jmtcp.engine.wire.Checksum}, {@link io.jmtcp.engine.wire.SeqNum},
 * {@link io.jmtcp.engine.wire.MacAddress}, {@link io.jmtcp.engine.wire.Ipv4Address}) are
 * stateless and safe from any thread.
 */
package io.jmtcp.engine.wire;
