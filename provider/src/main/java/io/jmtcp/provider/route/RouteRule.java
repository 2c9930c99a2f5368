package io.jmtcp.provider.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One routing rule, {@code jmtcp|kernel bind|connect ADDR[/PREFIX]|* [PORT[-PORT]|*]}, in the
 * spirit of the JDK's old SDP rules file: it matches a bind (by local address) or a connect (by
 * destination) whose address lies in the prefix and whose port lies in the range, and sends it
 * to {@link #target()}. {@link #parseAll} reads the {@code ;}-separated list of
 * {@code jmtcp.route.rules}.
 *
 * @param target  where a matching bind or connect goes
 * @param connect true for a connect rule, false for a bind rule
 * @param network the prefix's address bytes (4 or 16), or null for {@code *}
 * @param prefix  the prefix length in bits
 * @param lowPort the first port matched
 * @param highPort the last port matched
 */
public record RouteRule(Target target, boolean connect, byte[] network, int prefix, int lowPort, int highPort) {

    /** Where a bind or connect goes. */
    public enum Target {
        /** The jmtcp stack. */
        JMTCP,
        /** The kernel, through the JDK's asynchronous channels. */
        KERNEL
    }

    /** Whether the rule applies to a bind ({@code connect} false) or connect to {@code address:port}. */
    public boolean matches(boolean isConnect, InetAddress address, int port) {
        if (isConnect != connect || port < lowPort || port > highPort) {
            return false;
        }
        if (network == null) {
            return true;
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int bits = prefix;
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code text} (rules separated by {@code ;}, blanks ignored).
     *
     * @throws IllegalArgumentException naming the rule that is malformed
     */
    public static List<RouteRule> parseAll(String text) {
        List<RouteRule> out = new ArrayList<>();
        for (String r : text.split(";")) {
            String rule = r.trim();
            if (!rule.isEmpty()) {
                out.add(parse(rule));
            }
        }
        return List.copyOf(out);
    }

    /** Parses one rule. */
    public static RouteRule parse(String rule) {
        String[] f = rule.trim().split("\\s+");
        if (f.length < 3 || f.length > 4) {
            throw bad(rule, "expected: jmtcp|kernel bind|connect ADDR[/PREFIX]|* [PORT[-PORT]|*]");
        }
        Target target;
        switch (f[0].toLowerCase(Locale.ROOT)) {
            case "jmtcp": target = Target.JMTCP; break;
            case "kernel": target = Target.KERNEL; break;
            default: throw bad(rule, "the first word must be jmtcp or kernel");
        }
        boolean connect;
        switch (f[1].toLowerCase(Locale.ROOT)) {
            case "connect": connect = true; break;
            case "bind": connect = false; break;
            default: throw bad(rule, "the second word must be bind or connect");
        }
        byte[] network = null;
        int prefix = 0;
        if (!f[2].equals("*")) {
            int slash = f[2].indexOf('/');
            String addr = slash < 0 ? f[2] : f[2].substring(0, slash);
            if (!addr.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw bad(rule, "'" + addr + "' is not a numeric IPv4 or IPv6 address");
            }
            try {
                network = InetAddress.getByName(addr).getAddress(); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw bad(rule, "'" + addr + "' is not an address");
            }
            int max = network.length * 8;
            prefix = slash < 0 ? max : number(rule, f[2].substring(slash + 1), 0, max);
        }
        int low = 0;
        int high = 65535;
        if (f.length == 4 && !f[3].equals("*")) {
            int dash = f[3].indexOf('-');
            low = number(rule, dash < 0 ? f[3] : f[3].substring(0, dash), 0, 65535);
            high = dash < 0 ? low : number(rule, f[3].substring(dash + 1), low, 65535);
        }
        return new RouteRule(target, connect, network, prefix, low, high);
    }

    private static int number(String rule, String s, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(rule, "'" + s + "' is not a number in " + min + ".." + max);
    }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("jmtcp.route.rules: bad rule '" + rule + "': " + why);
    }

    @Override
    public String toString() {
        String addr = "*";
        if (network != null) {
            try {
                addr = InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return target.name().toLowerCase(Locale.ROOT) + (connect ? " connect " : " bind ") + addr + " " + lowPort + "-" + highPort;
    }
}
