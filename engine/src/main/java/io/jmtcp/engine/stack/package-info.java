/**
 * Engines and the stack that runs them: the duty cycle (DESIGN.md 3.1) as an Agrona agent, its
 * adaptive idle strategy, the command queue other threads use, JMX publication, and the
 * stack's own ping.
 *
 * <p>Threading: an {@link io.jmtcp.engine.stack.Engine}'s state belongs to the one thread that
 * runs its {@code doWork}; other threads reach it through {@code submit} and read its counters.
 * {@link io.jmtcp.engine.stack.Stack} is thread-safe.
 */
package io.jmtcp.engine.stack;
