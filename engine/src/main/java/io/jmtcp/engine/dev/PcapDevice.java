package io.jmtcp.engine.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.concurrent.EpochMicroClock;

/**
 * Wraps any {@link NetDevice} and records every frame it receives (in {@code rxBurst}) and every
 * frame it transmits (in {@code txBurst}, frames of non-zero length, before the wrapped device
 * sends them) to a pcap file through a {@link PcapWriter}, for tshark or Wireshark. Frames are
 * otherwise passed through unchanged; wrap a {@link FaultInjectingDevice} to see the impaired
 * traffic, or be wrapped by one to see what the engine sent.
 *
 * <p>All queues share one file. A capture is a debugging aid, not the data path: each burst
 * takes one lock, stages its frames in the writer's direct buffer and writes them with one
 * call, so records of different queues never interleave within a record and a burst's frames
 * stay together. With a single queue the lock is never contended. Timestamps are wall-clock
 * microseconds, read once per burst; nothing is allocated per frame.
 *
 * <p>A write error stops the capture (see {@link #captureError()}) but never the traffic: an
 * engine must not die because a debug file filled a disk.
 */
public final class PcapDevice extends ForwardingDevice {

    private final PcapWriter writer;
    private final EpochMicroClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean capturing = true;
    private volatile IOException error;
    private boolean closed;

    /**
     * Wraps {@code inner}, capturing to {@code file} (created or truncated).
     *
     * @throws UncheckedIOException when the file cannot be created
     */
    public PcapDevice(NetDevice inner, Path file) {
        this(inner, openWriter(file), PcapWriter.anchoredMicroClock());
    }

    /** Wraps {@code inner}, capturing through {@code writer}, which this device then owns and closes. */
    public PcapDevice(NetDevice inner, PcapWriter writer, EpochMicroClock clock) {
        super(inner, "pcap");
        if (writer == null || clock == null) {
            throw new NullPointerException("writer and clock are required");
        }
        this.writer = writer;
        this.clock = clock;
    }

    private static PcapWriter openWriter(Path file) {
        try {
            return PcapWriter.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pcap file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file being written. */
    public Path file() {
        return writer.path();
    }

    /** The write error that stopped the capture, or null while it runs. */
    public IOException captureError() {
        return error;
    }

    @Override
    public int rxBurst(int queue, FrameBatch batch) {
        int n = inner.rxBurst(queue, batch);
        if (n > 0 && capturing) {
            int end = batch.size();
            capture(batch, end - n, end);
        }
        return n;
    }

    @Override
    public int txBurst(int queue, FrameBatch batch) {
        if (capturing && !batch.isEmpty()) {
            capture(batch, 0, batch.size());
        }
        return inner.txBurst(queue, batch);
    }

    /** Records frames [from, to) of a batch with one lock and one flush. */
    private void capture(FrameBatch batch, int from, int to) {
        lock.lock();
        try {
            if (closed || !capturing) {
                return;
            }
            long micros = clock.microTime();
            for (int i = from; i < to; i++) {
                int len = batch.length(i);
                if (len > 0) {
                    writer.write(batch.buffer(i), batch.offset(i), len, micros);
                }
            }
            writer.flush();
        } catch (IOException e) {
            error = e;
            capturing = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitRx(int queue, long timeoutNanos) {
        inner.awaitRx(queue, timeoutNanos);
    }

    /** Flushes and closes the file, then closes the wrapped device. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            capturing = false;
            try {
                writer.close();
            } catch (IOException e) {
                error = e;
            }
        } finally {
            lock.unlock();
        }
        inner.close();
    }
}
