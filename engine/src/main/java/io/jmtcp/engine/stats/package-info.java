/**
 * Counters: one {@link io.jmtcp.engine.stats.Counters} per engine, indexed by
 * {@link io.jmtcp.engine.stats.Counter}. The engine thread writes them with plain stores; any
 * thread reads them (JMX, the CLI) with opaque loads.
 */
package io.jmtcp.engine.stats;
