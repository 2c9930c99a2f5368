package io.jmtcp.engine.dev;

/**
 * A network device that moves whole Ethernet frames in bursts, the lowest layer of the stack.
 *
 * <p>Every queue of a device is owned by exactly one engine thread, which is the only caller of
 * {@link #rxBurst}, {@link #rxRelease}, {@link #txAcquire} and {@link #txBurst} for that queue.
 * {@link #wakeup(int)} may be called from any thread. Frames are <em>borrowed</em>: a frame
 * received by {@code rxBurst} stays valid until the batch is handed back with {@code rxRelease};
 * a frame obtained with {@code txAcquire} is written in place and given to the device by
 * {@code txBurst}. Whatever the engine wants to keep beyond a burst it must copy. No method
 * allocates on the Java heap after the device is open.
 */
public interface NetDevice extends AutoCloseable {

    /** A short name for logs and counters, e.g. {@code tap:jmt0}. */
    String name();

    /** What the device can do: MTU, queues, offloads, RSS. Fixed once open. */
    DeviceCapabilities capabilities();

    /** The device's MAC address in the low 48 bits, most significant byte first on the wire. */
    long macAddress();

    /**
     * Receives up to {@code batch.remaining()} frames from {@code queue} and appends them to
     * {@code batch}. Never blocks.
     *
     * @return the number of frames appended
     */
    int rxBurst(int queue, FrameBatch batch);

    /** Hands every frame of {@code batch} received by {@link #rxBurst} back and clears it. */
    void rxRelease(int queue, FrameBatch batch);

    /**
     * Appends one empty transmit frame to {@code batch}, to be written in place at
     * {@link FrameBatch#offset(int)} up to {@link FrameBatch#capacity(int)} bytes.
     *
     * @return the frame's index in the batch, or -1 when the device has no free transmit buffer
     *     (or the batch is full); the caller flushes with {@link #txBurst} and may try again
     */
    int txAcquire(int queue, FrameBatch batch);

    /**
     * Transmits every frame of {@code batch} whose length is non-zero and returns the rest to the
     * device; clears the batch. Frames the device cannot send are dropped and counted by it.
     *
     * @return the number of frames handed to the medium
     */
    int txBurst(int queue, FrameBatch batch);

    /**
     * Waits until {@code queue} may have received frames, {@link #wakeup(int)} is called or the
     * timeout passes, whichever comes first. Spurious returns are allowed. Only the owner of the
     * queue calls this, and only when it has nothing else to do.
     */
    void awaitRx(int queue, long timeoutNanos);

    /** Makes a concurrent or the next {@link #awaitRx} of {@code queue} return promptly. Any thread. */
    void wakeup(int queue);

    /** Device-level counters (drops the device saw), indexed by {@link DeviceCounter}. */
    default long counter(DeviceCounter counter) {
        return 0;
    }

    /**
     * Where the owner of {@code queue} hands the frames the stack does not consume (see
     * {@link ExceptionSink}), or null when the device has no exception path: then the stack
     * answers and drops them itself (RST, ICMP port unreachable, counted drops). Asked once by
     * the queue's engine when it is built.
     */
    default ExceptionSink exceptionSink(int queue) {
        return null;
    }

    /** Releases the device; frames still borrowed become invalid. Idempotent. */
    @Override
    void close();
}
