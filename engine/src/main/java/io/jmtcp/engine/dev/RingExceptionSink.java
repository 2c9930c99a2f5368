package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;

/**
 * An {@link ExceptionSink} that copies each frame into a {@link FrameRing} slot and publishes it
 * at once, for a consumer on another thread (or later on the same one) to pass on: a device's
 * exception path drains it into its kernel TAP; tests read it back frame by frame.
 *
 * <p>The ring's single-producer side belongs to the engine thread that owns the queue; its
 * consumer side to whoever drains it. An optional {@code doorbell} runs after each publish so a
 * consumer asleep elsewhere learns of the frame.
 */
public final class RingExceptionSink implements ExceptionSink {

    private final FrameRing ring;
    private final Runnable doorbell;

    /** A sink into {@code ring}; {@code doorbell} (may be null) runs after each published frame. */
    public RingExceptionSink(FrameRing ring, Runnable doorbell) {
        this.ring = ring;
        this.doorbell = doorbell;
    }

    /** The ring the frames go to (its consumer side is the caller's). */
    public FrameRing ring() {
        return ring;
    }

    @Override
    public int frameCapacity() {
        return ring.frameCapacity();
    }

    @Override
    public boolean offer(ByteBuffer buffer, int offset, int length) {
        if (length <= 0 || length > ring.frameCapacity()) {
            return false;
        }
        int slot = ring.reserve();
        if (slot < 0) {
            return false;
        }
        ring.memory().put(slot, buffer, offset, length);
        ring.setLength(slot, length);
        ring.publish();
        if (doorbell != null) {
            doorbell.run();
        }
        return true;
    }
}
