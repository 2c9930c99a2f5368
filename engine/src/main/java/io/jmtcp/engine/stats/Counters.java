package io.jmtcp.engine.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One engine's counters. Written only by the engine thread with plain stores (no atomics on the
 * hot path); read by any thread with opaque loads, which see a recent value without tearing.
 */
public final class Counters {

    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Counter[] ALL = Counter.values();

    private final long[] values = new long[ALL.length];

    /** Adds one (engine thread). */
    public void increment(Counter c) {
        values[c.ordinal()]++;
    }

    /** Adds {@code n} (engine thread). */
    public void add(Counter c, long n) {
        values[c.ordinal()] += n;
    }

    /** A recent value (any thread). */
    public long get(Counter c) {
        return (long) VALUES.getOpaque(values, c.ordinal());
    }

    /** Non-zero counters by name (any thread; allocates). */
    public Map<String, Long> snapshot(boolean includeZero) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : ALL) {
            long v = get(c);
            if (includeZero || v != 0) {
                out.put(c.name(), v);
            }
        }
        return out;
    }

    /** Sum of all drop counters (any thread). */
    public long drops() {
        long sum = 0;
        for (Counter c : ALL) {
            if (c.isDrop()) {
                sum += get(c);
            }
        }
        return sum;
    }
}
