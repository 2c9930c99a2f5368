/**
 * Support for {@link io.jmtcp.it.PacketImpactTest}: running the scapy driver of
 * {@code src/test/resources/packetimpact} against a target ({@link io.jmtcp.it.impact.ScriptRun})
 * and the jmtcp target's services ({@link io.jmtcp.it.impact.JmtcpServices}). Used by the test
 * thread; the services' threads touch only their own sockets.
 */
package io.jmtcp.it.impact;
