/**
 * The {@code java.nio.channels.spi.SelectorProvider} over the jmtcp engine (DESIGN.md 5): it will
 * hold {@code JmtcpSelectorProvider} with its {@code Selector}, {@code SocketChannel},
 * {@code ServerSocketChannel}, {@code Pipe} and socket adaptors, and the per-address routing
 * between the user-level stack and the kernel.
 *
 * <p>Empty for now: the provider arrives in a later issue. It is selected only explicitly, with
 * {@code -Djava.nio.channels.spi.SelectorProvider=...} or by the agent, never through a
 * {@code META-INF/services} entry, so that putting jmtcp on a class path changes nothing by itself.
 *
 * <p>Threading (to come): channels and selectors are used by application threads; they reach an
 * engine's state only through the engine's command queue and the sockets' rings.
 */
package io.jmtcp.provider;
