/**
 * Integration tests: the Linux kernel as the peer over TAP in network namespaces (root; tagged
 * {@code interop}), the user-facing jar run as users run it, and clean-JVM checks on JDK 17 and
 * 25. Tests whose prerequisites are missing skip with a reason, or fail under
 * {@code -Djmtcp.it.require=true} (CI).
 */
package io.jmtcp.it;
