/**
 * Tests of stacks with several engines (DESIGN.md 3.3): flows spread by RSS, ephemeral ports that
 * map back to their engine, one accept queue fed by every engine, and the hand-over of whatever a
 * device delivers to an engine that does not own it (TCP segments, IP fragments, ICMP errors).
 * Peers are a second stack or a raw test end on a {@link io.jmtcp.engine.dev.PairDevice}.
 */
package io.jmtcp.engine.multi;
