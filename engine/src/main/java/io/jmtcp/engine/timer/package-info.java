/**
 * Time: the injectable clock (Agrona's {@link org.agrona.concurrent.NanoClock}, with
 * {@link io.jmtcp.engine.timer.ManualClock} for simulated time) and the engine's timer wheel.
 *
 * <p>Threading: a timer wheel belongs to its engine thread; a manual clock is advanced by the
 * test thread that drives the engines.
 */
package io.jmtcp.engine.timer;
