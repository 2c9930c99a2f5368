package io.jmtcp.engine.dev;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The impairments a {@link FaultInjectingDevice} applies to transmitted frames: random loss,
 * duplication, reordering and single-byte corruption, a fixed delay with jitter, and a token-bucket
 * rate limit. Immutable and validated when built; a profile with the same seed applied to the same
 * traffic at the same clock readings always gives the same outcome.
 *
 * <p>Made with {@link #builder()} or parsed from a string such as
 * {@code loss=0.01,dup=0.01,reorder=0.02,corrupt=0.001,delay=2ms,jitter=1ms,rate=100mbit,seed=42}
 * (see {@link #parse(String)} for every key). {@link #toString()} prints that same form.
 *
 * @param lossRate probability that a frame is dropped, in [0, 1]
 * @param duplicateRate probability that a frame is sent twice, in [0, 1]
 * @param reorderRate probability that a frame is held back and sent after later ones, in [0, 1]
 * @param reorderGap how many later frames must leave before a held frame is sent, at least 1
 * @param reorderHoldNanos longest a held frame waits for those later frames, so a sender that
 *     goes quiet still gets it out (like a real reordering path, which never keeps a packet forever)
 * @param corruptRate probability that one byte after the Ethernet header is changed, in [0, 1]
 * @param delayNanos fixed one-way delay added to every frame
 * @param jitterNanos extra delay drawn uniformly from [0, jitter] per frame; frames may overtake
 *     one another as on a real multipath link
 * @param rateBitsPerSecond token-bucket rate over whole frame bytes, 0 for unlimited
 * @param burstBytes token-bucket depth: bytes that may leave at once after an idle period
 * @param penFrames frames each queue's holding pen keeps (delayed, held, rate-limited); a frame
 *     that finds it full is dropped and counted
 * @param seed seed of the per-queue random generators
 */
public record FaultProfile(
        double lossRate,
        double duplicateRate,
        double reorderRate,
        int reorderGap,
        long reorderHoldNanos,
        double corruptRate,
        long delayNanos,
        long jitterNanos,
        long rateBitsPerSecond,
        int burstBytes,
        int penFrames,
        long seed) {

    /** Default distance of a reordered frame: it leaves after this many later frames. */
    public static final int DEFAULT_REORDER_GAP = 3;
    /** Default longest hold of a reordered frame: 10 ms. */
    public static final long DEFAULT_REORDER_HOLD_NANOS = 10_000_000L;
    /** Default token-bucket depth: 16 KiB, about ten full-size frames. */
    public static final int DEFAULT_BURST_BYTES = 16 * 1024;
    /** Default frames held per queue. */
    public static final int DEFAULT_PEN_FRAMES = 256;
    /** Largest pen: bounds the off-heap memory the decorator takes per queue. */
    public static final int MAX_PEN_FRAMES = 1 << 16;
    /** Longest delay, jitter or hold accepted: one hour (longer is a configuration mistake). */
    public static final long MAX_NANOS = 3_600_000_000_000L;

    /** A profile that changes nothing. */
    public static final FaultProfile NONE = builder().build();

    private static final String KEYS =
            "loss, dup, reorder, gap, hold, corrupt, delay, jitter, rate, burst, pen, seed";

    public FaultProfile {
        checkRate("loss", lossRate);
        checkRate("dup", duplicateRate);
        checkRate("reorder", reorderRate);
        checkRate("corrupt", corruptRate);
        if (reorderGap < 1 || reorderGap > MAX_PEN_FRAMES) {
            throw new IllegalArgumentException(
                    "fault profile: gap=" + reorderGap + " is not an integer in [1, " + MAX_PEN_FRAMES + "]");
        }
        checkNanos("hold", reorderHoldNanos);
        checkNanos("delay", delayNanos);
        checkNanos("jitter", jitterNanos);
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException(
                    "fault profile: rate=" + rateBitsPerSecond + " bit/s is negative; use 0 for unlimited");
        }
        if (burstBytes < 1) {
            throw new IllegalArgumentException(
                    "fault profile: burst=" + burstBytes + " bytes; the bucket must hold at least 1 byte");
        }
        if (penFrames < 1 || penFrames > MAX_PEN_FRAMES) {
            throw new IllegalArgumentException(
                    "fault profile: pen=" + penFrames + " is not an integer in [1, " + MAX_PEN_FRAMES + "]");
        }
    }

    private static void checkRate(String key, double p) {
        if (!(p >= 0.0 && p <= 1.0)) { // also rejects NaN
            throw new IllegalArgumentException(
                    "fault profile: " + key + "=" + p + " is not a probability in [0, 1]");
        }
    }

    private static void checkNanos(String key, long nanos) {
        if (nanos < 0 || nanos > MAX_NANOS) {
            throw new IllegalArgumentException("fault profile: " + key + "=" + nanos
                    + "ns is outside [0, 1h]");
        }
    }

    /** A builder starting from this profile. */
    public Builder toBuilder() {
        return new Builder()
                .loss(lossRate)
                .duplicate(duplicateRate)
                .reorder(reorderRate)
                .reorderGap(reorderGap)
                .reorderHoldNanos(reorderHoldNanos)
                .corrupt(corruptRate)
                .delayNanos(delayNanos)
                .jitterNanos(jitterNanos)
                .rateBitsPerSecond(rateBitsPerSecond)
                .burstBytes(burstBytes)
                .penFrames(penFrames)
                .seed(seed);
    }

    /** A builder with no impairment, seed 1 and the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code key=value[,key=value]...}. Keys:
     * <ul>
     *   <li>{@code loss}, {@code dup}, {@code reorder}, {@code corrupt}: probability in [0, 1]
     *   <li>{@code gap}: integer >= 1, later frames a reordered frame waits for (default 3)
     *   <li>{@code hold}, {@code delay}, {@code jitter}: duration, a number with unit
     *       {@code ns}, {@code us}, {@code ms} or {@code s} (0 may stand alone)
     *   <li>{@code rate}: bits per second, a number with unit {@code bit}, {@code kbit},
     *       {@code mbit} or {@code gbit} (decimal multiples, as tc); 0 or none is unlimited
     *   <li>{@code burst}: bytes, optionally with {@code k} or {@code m} (binary multiples)
     *   <li>{@code pen}: integer in [1, 65536], frames held per queue
     *   <li>{@code seed}: a long
     * </ul>
     * An empty string is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public static FaultProfile parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("fault profile: null; expected key=value[,key=value...] with keys " + KEYS);
        }
        Builder b = builder();
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return b.build();
        }
        Set<String> seen = new HashSet<>();
        for (String part : trimmed.split(",", -1)) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("fault profile '" + text + "': '" + p
                        + "' is not key=value; keys: " + KEYS);
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("fault profile '" + text + "': key '" + key + "' given twice");
            }
            switch (key) {
                case "loss" -> b.loss(probability(key, value));
                case "dup" -> b.duplicate(probability(key, value));
                case "reorder" -> b.reorder(probability(key, value));
                case "corrupt" -> b.corrupt(probability(key, value));
                case "gap" -> b.reorderGap((int) integer(key, value, 1, MAX_PEN_FRAMES));
                case "pen" -> b.penFrames((int) integer(key, value, 1, MAX_PEN_FRAMES));
                case "hold" -> b.reorderHoldNanos(duration(key, value));
                case "delay" -> b.delayNanos(duration(key, value));
                case "jitter" -> b.jitterNanos(duration(key, value));
                case "rate" -> b.rateBitsPerSecond(bitRate(key, value));
                case "burst" -> b.burstBytes(bytes(key, value));
                case "seed" -> b.seed(integer(key, value, Long.MIN_VALUE, Long.MAX_VALUE));
                default -> throw new IllegalArgumentException("fault profile '" + text + "': unknown key '"
                        + key + "'; allowed: " + KEYS);
            }
        }
        return b.build();
    }

    private static double probability(String key, String value) {
        double p;
        try {
            p = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            p = Double.NaN;
        }
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(
                    "fault profile: " + key + "=" + value + " is not a probability in [0, 1] (e.g. 0.01)");
        }
        return p;
    }

    private static long integer(String key, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(
                "fault profile: " + key + "=" + value + " is not an integer in [" + min + ", " + max + "]");
    }

    private static long duration(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (v.endsWith("ns")) {
            unit = 1L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            unit = 1_000_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            unit = 1_000_000_000L;
            number = v.substring(0, v.length() - 1);
        } else if (v.equals("0")) {
            return 0;
        } else {
            throw new IllegalArgumentException("fault profile: " + key + "=" + value
                    + " has no unit; allowed: a number followed by ns, us, ms or s (e.g. 2ms)");
        }
        double nanos = scaled(key, value, number, unit, "a number followed by ns, us, ms or s (e.g. 2ms)");
        if (nanos > MAX_NANOS) {
            throw new IllegalArgumentException("fault profile: " + key + "=" + value + " exceeds 1h");
        }
        return Math.round(nanos);
    }

    private static long bitRate(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        String allowed = "a number followed by bit, kbit, mbit or gbit (e.g. 100mbit), or 0 for unlimited";
        long unit;
        String number;
        if (v.endsWith("gbit")) {
            unit = 1_000_000_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("mbit")) {
            unit = 1_000_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("kbit")) {
            unit = 1_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("bit")) {
            unit = 1L;
            number = v.substring(0, v.length() - 3);
        } else if (v.equals("0")) {
            return 0;
        } else {
            throw new IllegalArgumentException("fault profile: " + key + "=" + value + " has no unit; allowed: " + allowed);
        }
        double bits = scaled(key, value, number, unit, allowed);
        if (bits > 1e12) {
            throw new IllegalArgumentException("fault profile: " + key + "=" + value + " exceeds 1000gbit");
        }
        long rounded = Math.round(bits);
        if (bits > 0 && rounded == 0) {
            throw new IllegalArgumentException("fault profile: " + key + "=" + value + " is below 1 bit/s");
        }
        return rounded;
    }

    private static int bytes(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit = 1;
        String number = v;
        if (v.endsWith("k")) {
            unit = 1024;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            unit = 1024 * 1024;
            number = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(number) * unit;
            if (n >= 1 && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("fault profile: " + key + "=" + value
                + " is not a byte count in [1, 2g) (an integer, optionally followed by k or m)");
    }

    private static double scaled(String key, String value, String number, long unit, String allowed) {
        try {
            double d = Double.parseDouble(number);
            if (d >= 0 && !Double.isInfinite(d) && !number.isEmpty()
                    && Character.isDigit(number.charAt(number.length() - 1))) {
                return d * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("fault profile: " + key + "=" + value + " is not valid; allowed: " + allowed);
    }

    /** The profile in the form {@link #parse(String)} reads; every key is written. */
    @Override
    public String toString() {
        return "loss=" + lossRate
                + ",dup=" + duplicateRate
                + ",reorder=" + reorderRate
                + ",gap=" + reorderGap
                + ",hold=" + reorderHoldNanos + "ns"
                + ",corrupt=" + corruptRate
                + ",delay=" + delayNanos + "ns"
                + ",jitter=" + jitterNanos + "ns"
                + ",rate=" + rateBitsPerSecond + "bit"
                + ",burst=" + burstBytes
                + ",pen=" + penFrames
                + ",seed=" + seed;
    }

    /** Builds a {@link FaultProfile}; validation happens in {@link #build()}. */
    public static final class Builder {
        private double loss;
        private double duplicate;
        private double reorder;
        private int reorderGap = DEFAULT_REORDER_GAP;
        private long reorderHoldNanos = DEFAULT_REORDER_HOLD_NANOS;
        private double corrupt;
        private long delayNanos;
        private long jitterNanos;
        private long rateBitsPerSecond;
        private int burstBytes = DEFAULT_BURST_BYTES;
        private int penFrames = DEFAULT_PEN_FRAMES;
        private long seed = 1;

        private Builder() {}

        public Builder loss(double p) {
            this.loss = p;
            return this;
        }

        public Builder duplicate(double p) {
            this.duplicate = p;
            return this;
        }

        public Builder reorder(double p) {
            this.reorder = p;
            return this;
        }

        public Builder reorderGap(int frames) {
            this.reorderGap = frames;
            return this;
        }

        public Builder reorderHoldNanos(long nanos) {
            this.reorderHoldNanos = nanos;
            return this;
        }

        public Builder corrupt(double p) {
            this.corrupt = p;
            return this;
        }

        public Builder delayNanos(long nanos) {
            this.delayNanos = nanos;
            return this;
        }

        public Builder jitterNanos(long nanos) {
            this.jitterNanos = nanos;
            return this;
        }

        public Builder rateBitsPerSecond(long bits) {
            this.rateBitsPerSecond = bits;
            return this;
        }

        public Builder burstBytes(int bytes) {
            this.burstBytes = bytes;
            return this;
        }

        public Builder penFrames(int frames) {
            this.penFrames = frames;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public FaultProfile build() {
            return new FaultProfile(loss, duplicate, reorder, reorderGap, reorderHoldNanos, corrupt,
                    delayNanos, jitterNanos, rateBitsPerSecond, burstBytes, penFrames, seed);
        }
    }
}
