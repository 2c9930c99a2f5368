package io.jmtcp.engine.dev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.agrona.concurrent.EpochMicroClock;

/**
 * Writes Ethernet frames to a classic libpcap capture file (magic {@code 0xa1b2c3d4}, version
 * 2.4, microsecond timestamps, link type 1 = Ethernet, snap length 65535), readable by tcpdump,
 * tshark and Wireshark. Fields are little-endian; readers tell the order from the magic.
 *
 * <p>Records are staged in a direct buffer allocated once and written through a
 * an output stream only when the buffer is full or on {@link #flush()} (the device decorator
 * flushes once per burst), so there is no system call and no allocation per frame. The file
 * header is written when the file is opened, so even an empty capture is a valid file.
 *
 * <p>Not thread-safe: one thread writes at a time. {@link PcapDevice} serialises queues that
 * share one writer with a lock held for a whole burst.
 */
public final class PcapWriter implements AutoCloseable {

    /** Classic pcap magic for microsecond timestamps. */
    public static final int MAGIC = 0xa1b2c3d4;
    public static final short VERSION_MAJOR = 2;
    public static final short VERSION_MINOR = 4;
    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Largest number of bytes kept of one frame. */
    public static final int SNAPLEN = 65535;
    /** Bytes of the file header. */
    public static final int FILE_HEADER_BYTES = 24;
    /** Bytes of each record's header. */
    public static final int RECORD_HEADER_BYTES = 16;
    /** Default staging buffer: 256 KiB, a few hundred full-size frames per write. */
    public static final int DEFAULT_STAGING_BYTES = 256 * 1024;

    private final Path path;
    private final java.io.OutputStream out;
    private final ByteBuffer staging;
    private int position;
    private long records;
    private boolean closed;

    private PcapWriter(Path path, java.io.OutputStream out, int stagingBytes) {
        this.path = path;
        this.out = out;
        // a heap buffer: its array goes to the stream in one write, no copy
        this.staging = ByteBuffer.allocate(stagingBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Creates (or truncates) {@code path} with the default staging buffer. */
    public static PcapWriter open(Path path) throws IOException {
        return open(path, DEFAULT_STAGING_BYTES);
    }

    /**
     * Creates (or truncates) {@code path}.
     *
     * @param stagingBytes staging buffer size; at least one record of {@link #SNAPLEN} bytes
     */
    public static PcapWriter open(Path path, int stagingBytes) throws IOException {
        if (stagingBytes < RECORD_HEADER_BYTES + SNAPLEN) {
            throw new IllegalArgumentException("pcap staging buffer of " + stagingBytes
                    + " bytes cannot hold one record of " + SNAPLEN + " bytes; need at least "
                    + (RECORD_HEADER_BYTES + SNAPLEN));
        }
        java.io.OutputStream ch = java.nio.file.Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        PcapWriter w = new PcapWriter(path, ch, stagingBytes);
        try {
            w.writeFileHeader();
            w.flush();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return w;
    }

    /**
     * A wall clock in microseconds that does not allocate: anchored to the epoch once, then
     * advanced by {@link System#nanoTime()}. It does not follow later wall-clock steps, which
     * keeps a capture's timestamps monotonic.
     */
    public static EpochMicroClock anchoredMicroClock() {
        Instant start = Instant.now();
        long anchorNanos = System.nanoTime();
        long anchorMicros = start.getEpochSecond() * 1_000_000L + start.getNano() / 1_000;
        return () -> anchorMicros + (System.nanoTime() - anchorNanos) / 1_000;
    }

    private void writeFileHeader() {
        ByteBuffer b = staging;
        b.putInt(0, MAGIC);
        b.putShort(4, VERSION_MAJOR);
        b.putShort(6, VERSION_MINOR);
        b.putInt(8, 0); // thiszone: timestamps are UTC
        b.putInt(12, 0); // sigfigs
        b.putInt(16, SNAPLEN);
        b.putInt(20, LINKTYPE_ETHERNET);
        position = FILE_HEADER_BYTES;
    }

    /** The file written. */
    public Path path() {
        return path;
    }

    /** Records written so far (staged or in the file). */
    public long records() {
        return records;
    }

    /**
     * Appends one frame, truncated to {@link #SNAPLEN} bytes, stamped {@code epochMicros}.
     * Writes to the file only when the staging buffer is full.
     */
    public void write(ByteBuffer frame, int offset, int length, long epochMicros) throws IOException {
        if (closed) {
            throw new IOException("pcap file " + path + " is closed");
        }
        int captured = Math.min(length, SNAPLEN);
        if (staging.capacity() - position < RECORD_HEADER_BYTES + captured) {
            flush();
        }
        ByteBuffer b = staging;
        int p = position;
        b.putInt(p, (int) (epochMicros / 1_000_000L));
        b.putInt(p + 4, (int) (epochMicros % 1_000_000L));
        b.putInt(p + 8, captured);
        b.putInt(p + 12, length);
        b.put(p + RECORD_HEADER_BYTES, frame, offset, captured);
        position = p + RECORD_HEADER_BYTES + captured;
        records++;
    }

    /** Writes every staged record to the file (one write call unless the kernel writes less). */
    public void flush() throws IOException {
        if (position == 0 || closed) {
            return;
        }
        out.write(staging.array(), 0, position);
        position = 0;
    }

    /** Flushes and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            out.close();
        }
    }
}
