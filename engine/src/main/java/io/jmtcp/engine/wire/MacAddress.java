package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/**
 * IEEE 802 MAC-48 addresses held as the low 48 bits of a {@code long}, the first octet on the
 * wire in bits 47..40, so that addresses are compared and hashed without allocating. Stateless;
 * any thread.
 */
public final class MacAddress {

    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    /** Octets in an address. */
    public static final int LENGTH = 6;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MacAddress() {
    }

    /** Whether the address is ff:ff:ff:ff:ff:ff. */
    public static boolean isBroadcast(long mac) {
        return mac == BROADCAST;
    }

    /** Whether the I/G bit (least significant bit of the first octet) is set; broadcast included. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** Reads six octets at absolute {@code offset}. */
    public static long get(ByteBuffer buffer, int offset) {
        return ((long) Bytes.u16(buffer, offset) << 32) | (Bytes.i32(buffer, offset + 2) & 0xffff_ffffL);
    }

    /** Writes the six octets of {@code mac} at absolute {@code offset}. */
    public static void put(ByteBuffer buffer, int offset, long mac) {
        Bytes.put16(buffer, offset, (int) (mac >>> 32));
        Bytes.put32(buffer, offset + 2, (int) mac);
    }

    /** Colon-separated lower-case hex, e.g. {@code 02:00:00:00:00:01}. */
    public static String format(long mac) {
        char[] out = new char[17];
        for (int i = 0; i < LENGTH; i++) {
            int octet = (int) (mac >>> (40 - 8 * i)) & 0xff;
            out[3 * i] = HEX[octet >>> 4];
            out[3 * i + 1] = HEX[octet & 0xf];
            if (i < LENGTH - 1) {
                out[3 * i + 2] = ':';
            }
        }
        return new String(out);
    }

    /**
     * Parses six colon-separated pairs of hex digits (either case).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static long parse(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): " + text);
        }
        long mac = 0;
        for (int i = 0; i < LENGTH; i++) {
            int hi = Character.digit(text.charAt(3 * i), 16);
            int lo = Character.digit(text.charAt(3 * i + 1), 16);
            if (hi < 0 || lo < 0 || (i < LENGTH - 1 && text.charAt(3 * i + 2) != ':')
                    || !isAscii(text.charAt(3 * i)) || !isAscii(text.charAt(3 * i + 1))) {
                throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): " + text);
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }

    private static boolean isAscii(char c) {
        // Character.digit also accepts full-width and other Unicode digits; the text form does not.
        return c < 0x80;
    }
}
