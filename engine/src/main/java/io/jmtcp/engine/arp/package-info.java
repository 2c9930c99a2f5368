/**
 * ARP (RFC 826): neighbour cache, replies for our address, resolution with retries and a bounded
 * queue of frames waiting for resolution, gratuitous announcements.
 *
 * <p>Threading: an {@link io.jmtcp.engine.arp.Arp} belongs to one engine thread; only
 * {@code describe} and {@code cachedMac} are read, racily, by other threads for tools.
 */
package io.jmtcp.engine.arp;
