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
 * <p>Foreign channels: a selector also takes channels of another provider (the JDK's own
 * {@code sun.nio.ch} channels, which a jmtcp selector created after the agent attached to a running
 * JVM may be handed). They are registered with a shadow selector opened from their provider, one
 * per jmtcp selector (one foreign provider per selector); their jmtcp keys wrap the shadow keys
 * (interest, cancellation and close propagate; ready sets come from the shadow) and enter the
 * selected-key set by the same rules. While such keys exist the selecting thread blocks in the
 * shadow's select rather than parking, and engine readiness and wakeups wake the shadow: no
 * polling loop. Known difference from the JDK: after {@code key.cancel()} of a foreign key the
 * channel keeps its shadow registration until the selector's next select, so a
 * {@code configureBlocking(true)} in between throws {@code IllegalBlockingModeException}.
 *
 * <p>Threads: one thread selects at a time and owns the ready sets and the selected-key set; any
 * thread registers, changes interest, cancels, wakes up or closes; engine threads report
 * readiness through {@link io.jmtcp.engine.api.ReadinessSink} and never block here.
 */
package io.jmtcp.provider.select;
