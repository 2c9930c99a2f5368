package io.jmtcp.engine.dev;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed device string: {@code scheme[:name][,key=value]...}, e.g. {@code loopback},
 * {@code tap:jmt0,queues=2}. Values may not contain commas; devices whose arguments need them
 * take them from their own configuration keys.
 *
 * @param scheme which device ({@code loopback}, {@code tap}, {@code dpdk}, ...)
 * @param name the device's own name, or empty
 * @param params further settings, in the order given
 */
public record DeviceSpec(String scheme, String name, Map<String, String> params) {

    public DeviceSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Parses a device string.
     *
     * @throws IllegalArgumentException naming the string and what is wrong with it
     */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty device string; expected scheme[:name][,key=value...]");
        }
        String[] parts = text.trim().split(",", -1);
        String head = parts[0];
        int colon = head.indexOf(':');
        String scheme = colon < 0 ? head : head.substring(0, colon);
        String name = colon < 0 ? "" : head.substring(colon + 1);
        if (scheme.isEmpty() || !scheme.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("device '" + text + "': bad scheme '" + scheme + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("device '" + text + "': '" + p + "' is not key=value");
            }
            params.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return new DeviceSpec(scheme, name, params);
    }

    /** An integer parameter with a default, validated against [min, max]. */
    public int intParam(String key, int defaultValue, int min, int max) {
        String v = params.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "device '" + this + "': " + key + "=" + v + " is not an integer in [" + min + ", " + max + "]");
        }
    }

    /** Fails naming the first parameter that is not in {@code allowed}. */
    public void requireOnly(String... allowed) {
        outer:
        for (String k : params.keySet()) {
            for (String a : allowed) {
                if (a.equals(k)) {
                    continue outer;
                }
            }
            throw new IllegalArgumentException("device '" + this + "': unknown parameter '" + k
                    + "'; allowed: " + String.join(", ", allowed));
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme);
        if (!name.isEmpty()) {
            sb.append(':').append(name);
        }
        params.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
        return sb.toString();
    }
}
