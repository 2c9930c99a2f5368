/**
 * The provider when its engine dies (issue 5, test "Failure"): channels fail on their next
 * operation with an IOException carrying the cause, a thread in {@code Selector.select()} and
 * one in a blocking read wake, and nothing hangs. Real engine threads, bounded waits.
 */
package io.jmtcp.provider.failure;
