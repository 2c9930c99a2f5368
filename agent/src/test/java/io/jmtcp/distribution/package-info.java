/**
 * Tests of the distributable {@code jmtcp.jar} as a user runs it: {@code *IT} classes run by
 * maven-failsafe after {@code package}, each starting the shaded jar in a child JVM. Kept out of
 * {@code io.jmtcp.cli} so that {@code -Dtest='io.jmtcp.cli.*'} never runs them before the jar
 * exists.
 */
package io.jmtcp.distribution;
