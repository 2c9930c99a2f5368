package io.jmtcp.engine.dev;

import java.nio.ByteBuffer;

/**
 * The transmit side of one device queue as an engine sees it: take a frame, write it in place,
 * commit its length; frames leave in bursts when the batch fills and at the end of each duty
 * cycle ({@link #flush()}). Owned by the queue's engine thread.
 */
public final class TxQueue {

    private final NetDevice device;
    private final int queue;
    private final FrameBatch batch;
    private long frames;
    private long bytes;

    public TxQueue(NetDevice device, int queue, int burst) {
        this.device = device;
        this.queue = queue;
        this.batch = new FrameBatch(burst);
    }

    /**
     * Takes an empty frame, flushing the current burst first if it is full.
     *
     * @return the frame's index for the accessors below, or -1 when the device has no buffer
     */
    public int acquire() {
        int i = device.txAcquire(queue, batch);
        if (i < 0 && !batch.isEmpty()) {
            flush();
            i = device.txAcquire(queue, batch);
        }
        return i;
    }

    public ByteBuffer buffer(int frame) {
        return batch.buffer(frame);
    }

    public int offset(int frame) {
        return batch.offset(frame);
    }

    public int capacity(int frame) {
        return batch.capacity(frame);
    }

    /** Sets the frame's final length; 0 abandons it. */
    public void commit(int frame, int length) {
        batch.length(frame, length);
        if (length > 0) {
            frames++;
            bytes += length;
        }
    }

    /** Hands the burst to the device. */
    public int flush() {
        if (batch.isEmpty()) {
            return 0;
        }
        return device.txBurst(queue, batch);
    }

    /** Frames committed so far (engine thread). */
    public long frames() {
        return frames;
    }

    /** Bytes committed so far (engine thread). */
    public long bytes() {
        return bytes;
    }

    /** The device queue this transmits on. */
    public int queue() {
        return queue;
    }
}
