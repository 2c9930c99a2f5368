package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/**
 * What every header flyweight of this package shares: a view of {@code length} bytes at an
 * absolute {@code offset} of a buffer, re-pointed with {@link #wrap} and never copied.
 * Subclasses add the fields of their header and their own {@code checkLength()}.
 *
 * <p>A flyweight is owned by one thread (an engine, or a test).
 *
 * @param <T> the concrete flyweight, so that {@code wrap} chains
 */
public abstract class Flyweight<T extends Flyweight<T>> {

    /** The wrapped buffer; absolute access only, its position and limit are never used. */
    protected ByteBuffer buffer;
    /** Absolute offset of the header's first byte. */
    protected int offset;
    /** Bytes wrapped (the header, what follows it, and maybe link-layer padding). */
    protected int length;

    /** Points this flyweight at {@code length} bytes at absolute {@code offset}. */
    @SuppressWarnings("unchecked")
    public final T wrap(ByteBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return (T) this;
    }

    /** The wrapped buffer. */
    public final ByteBuffer buffer() {
        return buffer;
    }

    /** Absolute offset of the first byte. */
    public final int offset() {
        return offset;
    }

    /** Bytes wrapped (may exceed the header's own length field by link-layer padding). */
    public final int length() {
        return length;
    }
}
