package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/** Test helper: hex text to bytes and back, and direct buffers holding a frame at an odd offset. */
final class Hex {

    /** Frames are placed at this odd absolute offset, so accessors must add the wrap offset and cope with unaligned words. */
    static final int OFFSET = 7;

    private Hex() {
    }

    static byte[] bytes(String hex) {
        String s = hex.replaceAll("\\s+", "");
        if ((s.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String of(ByteBuffer buffer, int offset, int length) {
        StringBuilder s = new StringBuilder(2 * length);
        for (int i = 0; i < length; i++) {
            s.append(String.format("%02x", buffer.get(offset + i) & 0xff));
        }
        return s.toString();
    }

    /** A direct buffer with {@code frame} at {@link #OFFSET}, surrounded by 0x5a guard bytes. */
    static ByteBuffer direct(byte[] frame) {
        ByteBuffer buffer = filled(frame.length, 0x5a);
        buffer.put(OFFSET, frame);
        return buffer;
    }

    /** A direct buffer of {@code length} bytes at {@link #OFFSET} (plus guards), every byte {@code fill}. */
    static ByteBuffer filled(int length, int fill) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(OFFSET + length + 16);
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) fill);
        }
        return buffer;
    }
}
