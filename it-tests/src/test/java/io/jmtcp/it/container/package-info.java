/**
 * Container peers (issue 5, "Testcontainers"): a container started by Testcontainers on a
 * user-defined Docker network in 198.18.0.0/15 talks over the network's real Linux bridge to
 * an application on jmtcp, whose TAP is enslaved to that bridge. The image is built locally
 * from busybox-static (no registry is reachable). Without a Docker daemon the tests skip with
 * the reason; with {@code -Djmtcp.it.require=true} (CI) they fail instead.
 */
package io.jmtcp.it.container;
