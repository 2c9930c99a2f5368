package io.jmtcp.it.frameworks.apps;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A deterministic, incompressible byte stream (xorshift64) of a given length, digested with
 * SHA-256 as it is produced, so a sender and a receiver can compare digests of streams too large
 * to keep. Not thread-safe: one producer.
 */
public final class PatternBytes {

    private final long length;
    private final MessageDigest sha = sha256();
    private long produced;
    private long state;

    public PatternBytes(long length, long seed) {
        this.length = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    /** Bytes still to produce. */
    public long remaining() {
        return length - produced;
    }

    /** Fills {@code dst} with up to its remaining space of the stream's next bytes; returns how many. */
    public int fill(ByteBuffer dst) {
        int n = (int) Math.min(dst.remaining(), remaining());
        int start = dst.position();
        for (int i = 0; i < n; i++) {
            if ((produced + i & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            dst.put((byte) (state >>> ((produced + i & 7) * 8)));
        }
        ByteBuffer done = dst.duplicate();
        done.position(start).limit(start + n);
        sha.update(done);
        produced += n;
        return n;
    }

    /** Fills {@code dst[off..off+len)}; returns how many (-1 at the end). */
    public int fill(byte[] dst, int off, int len) {
        if (remaining() == 0) {
            return -1;
        }
        return fill(ByteBuffer.wrap(dst, off, len));
    }

    /** SHA-256 (hex) of everything produced; call once, at the end. */
    public String sha256Hex() {
        return Probe.hex(sha.digest());
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
