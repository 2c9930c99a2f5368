/**
 * Where a channel's traffic goes (DESIGN.md 5, issue 5 items 4-6): the routing rules of
 * {@code jmtcp.route.rules} and the default decision per bind and connect address, to the jmtcp
 * stack or to the kernel.
 *
 * <p>Contract: pure decisions over the configuration, the jmtcp listeners of this JVM and the
 * kernel's own addresses; nothing here opens a socket. IPv6 always goes to the kernel (jmtcp
 * carries IPv4 only).
 *
 * <p>Threads: any; {@link io.jmtcp.provider.route.Router} is immutable apart from a lazily
 * computed, then immutable, set of kernel addresses.
 */
package io.jmtcp.provider.route;
