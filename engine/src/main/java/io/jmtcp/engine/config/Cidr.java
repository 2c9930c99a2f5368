package io.jmtcp.engine.config;

/**
 * An IPv4 interface address with its prefix length, e.g. {@code 198.18.0.2/24}.
 *
 * @param address the host address (int, big-endian bit order)
 * @param prefixLength 0..32
 */
public record Cidr(int address, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0..32");
        }
    }

    /** Parses {@code a.b.c.d/n}; a bare address means /32. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        int prefix = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
        return new Cidr(parseAddress(addr), prefix);
    }

    /** Strict dotted-quad IPv4 parser. */
    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not a dotted-quad IPv4 address");
        }
        int value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' is not a dotted-quad IPv4 address");
            }
            int b = Integer.parseInt(p);
            if (b > 255) {
                throw new IllegalArgumentException("'" + text + "' has an octet above 255");
            }
            value = (value << 8) | b;
        }
        return value;
    }

    /** Formats an IPv4 address. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    /** The network mask as an int. */
    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The network address. */
    public int network() {
        return address & mask();
    }

    /** The directed broadcast address of the subnet. */
    public int broadcast() {
        return network() | ~mask();
    }

    /** Whether {@code ip} lies in this subnet. */
    public boolean contains(int ip) {
        return (ip & mask()) == network();
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefixLength;
    }
}
