/**
 * What other threads may touch: the memory an application thread and an engine thread share
 * for one socket (DESIGN.md §3.2). Everything else in the engine is confined to the engine
 * thread that owns it.
 *
 * <p>Contract and ownership:
 * <ul>
 *   <li>{@link io.jmtcp.engine.api.ByteRing} — one producer thread and one consumer thread at a
 *       time. For a socket's receive ring the engine produces and the application thread holding
 *       the channel's read lock consumes; for the send ring the application thread holding the
 *       write lock produces and the engine consumes (peeking unacknowledged bytes for
 *       retransmission and consuming them when acknowledged). Positions are 64-bit stream
 *       counters published with release stores and read with acquire loads; no locks, no
 *       allocation per call.</li>
 *   <li>{@link io.jmtcp.engine.api.RingSlab} — one per engine. Any thread allocates under the
 *       slab's lock (the engine a receive ring at a connection's first payload byte, an
 *       application thread a send ring on its first write: once per ring, never per segment).
 *       Memory comes back from any thread without a lock: a ring is returned only when both of
 *       its sides have released it, so bytes of a reset connection never reach the next one.</li>
 *   <li>{@link io.jmtcp.engine.api.Waiter} — application threads park on it (platform or virtual
 *       threads, never in native code); the engine, or a thread closing the socket, signals it.</li>
 * </ul>
 */
package io.jmtcp.engine.api;
