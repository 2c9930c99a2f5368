package io.jmtcp.engine.dev;

/**
 * What a {@link FaultInjectingDevice} did to transmitted frames, one counter per action. Frames a
 * decorator drops are counted here, never silently lost; drops of the wrapped device stay in its
 * own {@link DeviceCounter}s.
 */
public enum FaultCounter {
    /** Frames dropped at random ({@code loss}). */
    DROPPED("frames dropped at random"),
    /** Frames sent a second time ({@code dup}). */
    DUPLICATED("frames duplicated"),
    /** Frames held back to leave after later ones ({@code reorder}). */
    REORDERED("frames held back for reordering"),
    /** Frames with one byte changed after the Ethernet header ({@code corrupt}). */
    CORRUPTED("frames with one byte corrupted"),
    /** Frames that waited for their delay and jitter ({@code delay}, {@code jitter}). */
    DELAYED("frames delayed"),
    /** Frames queued because the token bucket was empty ({@code rate}). */
    RATE_LIMITED("frames queued by the rate limit"),
    /** Frames the rate limit would have queued, dropped because the pen was full. */
    RATE_DROPPED("frames dropped by the rate limit: pen full"),
    /** Delayed, held or duplicated frames dropped because the pen was full. */
    PEN_OVERFLOW("frames dropped: holding pen full");

    private final String label;

    FaultCounter(String label) {
        this.label = label;
    }

    /** A human-readable description. */
    public String label() {
        return label;
    }
}
