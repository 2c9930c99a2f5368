package io.jmtcp.engine.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Big-endian absolute accessors shared by the flyweights of this package. Network byte order is
 * fixed by the view var handles, so a buffer whose {@link ByteBuffer#order()} was changed by
 * someone else still reads correctly; absolute access never moves the buffer's position.
 *
 * <p>Stateless; safe from any thread (the buffer's owner decides who may touch it).
 */
final class Bytes {

    private static final VarHandle SHORT =
            MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    static int u8(ByteBuffer buffer, int index) {
        return buffer.get(index) & 0xff;
    }

    static int u16(ByteBuffer buffer, int index) {
        return ((short) SHORT.get(buffer, index)) & 0xffff;
    }

    static int i32(ByteBuffer buffer, int index) {
        return (int) INT.get(buffer, index);
    }

    static long i64(ByteBuffer buffer, int index) {
        return (long) LONG.get(buffer, index);
    }

    static void put8(ByteBuffer buffer, int index, int value) {
        buffer.put(index, (byte) value);
    }

    static void put16(ByteBuffer buffer, int index, int value) {
        SHORT.set(buffer, index, (short) value);
    }

    static void put32(ByteBuffer buffer, int index, int value) {
        INT.set(buffer, index, value);
    }
}
