package io.jmtcp.engine.soak;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * A seeded pseudo-random byte stream of a fixed length, produced in chunks: the sender writes it
 * into a socket, the receiver regenerates it to compare what arrived byte for byte. Each side
 * also keeps a SHA-256 of the bytes it actually wrote or read, so the test can state the
 * end-to-end check the way an application would.
 *
 * <p>Not thread-safe; one per direction and side.
 */
final class PatternStream {

    private static final int CHUNK = 64 * 1024;

    private final SplittableRandom random;
    private final long length;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private final MessageDigest sha;
    /** Bytes handed out so far (written or compared). */
    private long position;

    PatternStream(long seed, long length) {
        this.random = new SplittableRandom(seed);
        this.length = length;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
        chunk.limit(0);
    }

    long length() {
        return length;
    }

    long position() {
        return position;
    }

    boolean done() {
        return position == length;
    }

    /** The next bytes of the stream (at least one unless {@link #done()}); consume with {@link #advance}. */
    ByteBuffer pending() {
        if (!chunk.hasRemaining() && position < length) {
            refill();
        }
        return chunk;
    }

    private void refill() {
        chunk.clear();
        int n = (int) Math.min(CHUNK, length - position);
        for (int i = 0; i + 8 <= n; i += 8) {
            chunk.putLong(random.nextLong());
        }
        for (int i = n & ~7; i < n; i++) {
            chunk.put((byte) random.nextInt());
        }
        chunk.flip();
    }

    /**
     * Writes pending bytes with {@code writer} (a socket's write) and accounts for what it took.
     *
     * @return bytes taken
     */
    int writeTo(IoWrite writer) throws java.io.IOException {
        ByteBuffer src = pending();
        if (!src.hasRemaining()) {
            return 0;
        }
        int start = src.position();
        int n = writer.write(src);
        if (n > 0) {
            sha.update(src.array(), src.arrayOffset() + start, n);
            position += n;
        }
        return n;
    }

    /**
     * Checks that {@code received} (position to limit) is the stream's next bytes, and hashes them.
     *
     * @return -1 if they match, else the stream offset of the first wrong byte
     */
    long verify(ByteBuffer received) {
        int from = received.position();
        int to = received.limit();
        if (received.hasArray()) {
            sha.update(received.array(), received.arrayOffset() + from, to - from);
        } else {
            sha.update(received.duplicate());
        }
        int at = from;
        while (at < to) {
            ByteBuffer expected = pending();
            if (!expected.hasRemaining()) {
                return position; // more bytes than the stream has
            }
            int n = Math.min(expected.remaining(), to - at);
            int mismatch = received.slice(at, n).mismatch(expected.slice(expected.position(), n));
            if (mismatch >= 0) {
                return position + mismatch;
            }
            expected.position(expected.position() + n);
            position += n;
            at += n;
        }
        return -1;
    }

    /** SHA-256 of the bytes written or verified so far. */
    byte[] digest() {
        try {
            return ((MessageDigest) sha.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("SHA-256 digests are cloneable", e);
        }
    }

    /** A socket's non-blocking write. */
    @FunctionalInterface
    interface IoWrite {
        int write(ByteBuffer src) throws java.io.IOException;
    }
}
