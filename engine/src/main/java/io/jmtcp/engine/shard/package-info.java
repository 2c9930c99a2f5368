/**
 * Sharding flows over engines: the RSS Toeplitz hash ({@link io.jmtcp.engine.shard.Toeplitz}),
 * the redirection table from hash to queue ({@link io.jmtcp.engine.shard.RssTable}) and the
 * RSS-aware choice of ephemeral ports ({@link io.jmtcp.engine.shard.PortAllocator}).
 *
 * <p>Contract (DESIGN.md §3.3): a flow belongs to the engine whose queue
 * {@code rss.queueFor(toeplitz.hash(src, dst, srcPort, dstPort))} names for its received frames.
 * Devices with hardware RSS are programmed with the same key and table; devices without it have
 * the engines hash in software with these classes, so both paths agree. The default key is
 * {@link io.jmtcp.engine.shard.Toeplitz#symmetricKey()}, under which both directions of a flow
 * hash alike. A frame that reaches an engine that does not own its flow (a device that picks
 * queues itself, IP fragments, ICMP errors) is handed to the owner, never answered with a RST.
 * An outgoing connection gets a local port chosen so its replies hash back to the opening engine.
 *
 * <p>Threading: the {@code Toeplitz} key tables and the {@code RssTable} are immutable after
 * construction and shared by all engines without synchronisation (publish them before the engine
 * threads start). A {@code PortAllocator}'s state (its search offset and random generator) belongs
 * to one engine thread. Nothing here allocates after construction.
 */
package io.jmtcp.engine.shard;
