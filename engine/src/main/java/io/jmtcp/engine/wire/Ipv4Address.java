package io.jmtcp.engine.wire;

/**
 * IPv4 addresses held as an {@code int} in network order (the first octet in bits 31..24), so
 * that addresses are compared, hashed and written without allocating. Stateless; any thread.
 */
public final class Ipv4Address {

    /** 0.0.0.0, the unspecified address. */
    public static final int ANY = 0;

    /** 255.255.255.255, the limited broadcast address (RFC 919). */
    public static final int BROADCAST = 0xffff_ffff;

    private Ipv4Address() {
    }

    /** Whether the address is in 224.0.0.0/4 (RFC 5771). */
    public static boolean isMulticast(int address) {
        return (address >>> 28) == 0xe;
    }

    /** Whether the address is the limited broadcast 255.255.255.255. */
    public static boolean isBroadcast(int address) {
        return address == BROADCAST;
    }

    /** Whether the address is in 127.0.0.0/8 (RFC 1122 §3.2.1.3). */
    public static boolean isLoopback(int address) {
        return (address >>> 24) == 127;
    }

    /** Dotted-quad text, e.g. {@code 198.18.0.1}. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /**
     * Parses a strict dotted quad: four decimal numbers 0..255 of one to three ASCII digits, no
     * leading zeros (which some parsers read as octal), no signs, spaces or shorthand forms.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static int parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 15) {
            throw invalid(text);
        }
        int address = 0;
        int parts = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw invalid(text);
            }
            address = (address << 8) | value;
            parts++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.' || parts == 4) {
                throw invalid(text);
            }
            i++;
        }
        if (parts != 4) {
            throw invalid(text);
        }
        return address;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a dotted-quad IPv4 address: " + text);
    }
}
