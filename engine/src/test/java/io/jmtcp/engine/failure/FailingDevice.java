package io.jmtcp.engine.failure;

import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.ForwardingDevice;
import io.jmtcp.engine.dev.NetDevice;

/**
 * A device that works like the one it wraps until told to fail: from then on {@code rxBurst}
 * throws the given error on every queue, as a device whose fd went bad or that was closed
 * underneath the engine would. Arming it wakes every queue, so a sleeping engine meets the
 * failure at once.
 */
final class FailingDevice extends ForwardingDevice {

    private volatile RuntimeException failure;

    FailingDevice(NetDevice inner) {
        super(inner, "failing");
    }

    /** Makes every later {@code rxBurst} throw {@code error}. Any thread. */
    void failWith(RuntimeException error) {
        failure = error;
        for (int q = 0; q < capabilities().queues(); q++) {
            inner.wakeup(q);
        }
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return super.rxBurst(queue, batch);
    }
}
