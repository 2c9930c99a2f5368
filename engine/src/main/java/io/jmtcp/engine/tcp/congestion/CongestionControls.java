package io.jmtcp.engine.tcp.congestion;

import java.util.List;
import java.util.Locale;

/**
 * Creates congestion control algorithms by name — {@value Cubic#NAME} (the default, as in Linux)
 * or {@value NewReno#NAME} — for the global setting and the per-socket option. Creation allocates
 * and belongs to connection setup, not to the per-segment path.
 */
public final class CongestionControls {

    /** The algorithm used unless configured otherwise: CUBIC (RFC 9438). */
    public static final String DEFAULT = Cubic.NAME;

    private static final List<String> NAMES = List.of(Cubic.NAME, NewReno.NAME);

    private CongestionControls() {
    }

    /** The names {@link #create(String)} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A new, uninitialised instance of the named algorithm (call
     * {@link CongestionControl#init(int)} next). Names are case-insensitive.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static CongestionControl create(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case Cubic.NAME:
                return new Cubic();
            case NewReno.NAME:
                return new NewReno();
            default:
                throw new IllegalArgumentException(
                        "unknown congestion control '" + name + "'; allowed: " + String.join(", ", NAMES));
        }
    }
}
