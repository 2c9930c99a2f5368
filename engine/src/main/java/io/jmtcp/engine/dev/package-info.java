/**
 * Devices: the {@link io.jmtcp.engine.dev.NetDevice} SPI that moves Ethernet frames in bursts
 * of borrowed buffers, the software devices (in-stack loopback, in-memory pair wire), and
 * decorators that wrap any device (fault injection, pcap capture, an exception sink). A device may
 * offer each queue an {@link io.jmtcp.engine.dev.ExceptionSink}: where the engine hands the frames
 * it does not consume, for the host's stack (F-Stack's KNI).
 *
 * <p>Threading: each device queue is owned by one engine thread, the only caller of its burst
 * methods; {@code wakeup} is the one method other threads call. Frame memory is off-heap and
 * allocated when a device opens, never per frame.
 */
package io.jmtcp.engine.dev;
