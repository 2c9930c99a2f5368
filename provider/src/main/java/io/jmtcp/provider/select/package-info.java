/**
 * The jmtcp {@link java.nio.channels.Selector}: {@link io.jmtcp.provider.select.JmtcpSelector},
 * its keys and the fan-out of a channel's readiness to several selectors.
 *
 * <p>Contract: the JDK's selector semantics (level-triggered readiness; select returns early only
 * for a selected or updated key, a wakeup, an interrupt or a close; cancelled keys deregister at
 * the next select; interest changes take effect at the next look at the key), at a cost
 * proportional to the keys that may be ready: engines and application threads queue a key when
 * its readiness may have changed and a select looks only at queued keys and at the keys it found
 * ready the previous time. The select path takes no contended lock and allocates nothing after
 * warm-up.
 *
 * <p>Threads: one thread selects at a time and owns the ready sets and the selected-key set; any
 * thread registers, changes interest, cancels, wakes up or closes; engine threads report
 * readiness through {@link io.jmtcp.engine.api.ReadinessSink} and never block here.
 */
package io.jmtcp.provider.select;
