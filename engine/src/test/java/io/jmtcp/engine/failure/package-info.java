/**
 * Engine failure and shutdown: an engine that cannot continue (an error escaping its duty
 * cycle, its device failing) or that is stopped fails every socket it served with an
 * IOException naming the cause, wakes blocked threads and readiness sinks, and refuses new
 * work; a stack shut down at JVM exit lets the application close its connections first, then
 * closes the rest with FIN (or RST) before releasing the device. Tests here run real engine
 * threads with bounded waits, so a regression shows as a failure, never as a hang.
 */
package io.jmtcp.engine.failure;
