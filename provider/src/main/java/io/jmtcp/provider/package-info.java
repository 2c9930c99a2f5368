/**
 * The {@code java.nio.channels.spi.SelectorProvider} over the jmtcp engine (DESIGN.md 5):
 * {@link io.jmtcp.provider.JmtcpSelectorProvider} hands out the selector of
 * {@code io.jmtcp.provider.select} and the channels of {@code io.jmtcp.provider.channel}.
 *
 * <p>Contract: whatever an application can observe through NIO behaves as with the JDK's own
 * provider. The provider is selected only explicitly, with
 * {@code -Djava.nio.channels.spi.SelectorProvider=...} or by the agent, never through a
 * {@code META-INF/services} entry, so that putting jmtcp on a class path changes nothing by
 * itself. The JVM's stack starts lazily, on the first bind or connect. Its selectors accept
 * channels of other providers too (the JDK's own, created before the agent attached), multiplexed
 * through a shadow selector of their provider without polling (DESIGN.md 5-6).
 *
 * <p>Threads: application threads use channels and selectors; they reach an engine's state only
 * through the sockets' rings and request bits and the engines' command queues; engines report
 * readiness to selectors without blocking.
 */
package io.jmtcp.provider;
