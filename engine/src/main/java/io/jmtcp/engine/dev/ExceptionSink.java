package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;

/**
 * Where an engine hands the frames it does not consume, so that another network stack — the
 * host kernel, through a TAP, as F-Stack's KNI does — can serve them: other EtherTypes (IPv6,
 * LLDP...), IPv4 protocols jmtcp does not carry (UDP, IGMP...), TCP segments for which jmtcp has
 * no connection, listener or TIME-WAIT, frames to other MAC addresses, and copies of ARP and of
 * ICMP other than echo requests (both stacks need them). Offered by a {@link NetDevice} per
 * queue ({@link NetDevice#exceptionSink}); the engine counts every frame it hands over by reason.
 *
 * <p>This is the slow path: {@link #offer} copies the frame (the receive buffer goes back to the
 * device with the burst), but must not allocate or block. Threading: the sink of a queue is
 * called only by that queue's owning engine thread.
 */
public interface ExceptionSink {

    /** The largest frame {@link #offer} accepts, in bytes. */
    int frameCapacity();

    /**
     * Copies the frame at {@code offset} (absolute) of {@code length} bytes to the other stack.
     *
     * @return false when it could not be taken (no room, or longer than {@link #frameCapacity()});
     *     the caller counts the drop
     */
    boolean offer(ByteBuffer buffer, int offset, int length);
}
