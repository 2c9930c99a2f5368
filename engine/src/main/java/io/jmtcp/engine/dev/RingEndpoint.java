package io.jmtcp.engine.dev;

import java.util.function.BooleanSupplier;

/**
 * One queue of a ring-based device: the ring it transmits into, the ring it receives from, and
 * the doorbells that wake the receiving side. Used by {@link LoopbackDevice} (both rings the
 * same) and {@link PairDevice} (rings crossed).
 */
final class RingEndpoint {
    final FrameRing tx;
    final FrameRing rx;
    final Doorbell rxBell;
    final Doorbell peerBell;
    final BooleanSupplier rxReady;
    long droppedFull;

    RingEndpoint(FrameRing tx, FrameRing rx, Doorbell rxBell, Doorbell peerBell) {
        this.tx = tx;
        this.rx = rx;
        this.rxBell = rxBell;
        this.peerBell = peerBell;
        this.rxReady = () -> rx.available() > 0;
    }

    int rxBurst(FrameBatch batch) {
        return rx.borrow(batch, 0);
    }

    void rxRelease(FrameBatch batch) {
        rx.releaseBorrowed();
        batch.clear();
    }

    int txAcquire(FrameBatch batch) {
        if (batch.isFull()) {
            return -1;
        }
        int offset = tx.reserve();
        if (offset < 0) {
            droppedFull++;
            return -1;
        }
        return batch.add(tx.memory(), offset, 0, tx.frameCapacity(), 0, 0);
    }

    int txBurst(FrameBatch batch) {
        int sent = 0;
        for (int i = 0, n = batch.size(); i < n; i++) {
            int length = batch.length(i);
            tx.setLength(batch.offset(i), length);
            if (length > 0) {
                sent++;
            }
        }
        batch.clear();
        tx.publish();
        if (sent > 0) {
            peerBell.ring();
        }
        return sent;
    }

    void awaitRx(long timeoutNanos) {
        rxBell.sleep(timeoutNanos, rxReady);
    }
}
