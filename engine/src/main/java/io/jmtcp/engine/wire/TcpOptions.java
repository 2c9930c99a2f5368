package io.jmtcp.engine.wire;

import java.nio.ByteBuffer;

/**
 * The TCP options jmtcp understands, as one reusable mutable value: parsed from a received
 * segment with {@link #parse}, or set by TCP output and laid out with {@link #write}.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>Kind</th><th>Length</th><th>Option</th><th>Source</th></tr>
 * <tr><td>0</td><td>1</td><td>End of option list</td><td>RFC 9293 §3.2</td></tr>
 * <tr><td>1</td><td>1</td><td>No-operation</td><td>RFC 9293 §3.2</td></tr>
 * <tr><td>2</td><td>4</td><td>Maximum segment size (16 bits)</td><td>RFC 9293 §3.7.1</td></tr>
 * <tr><td>3</td><td>3</td><td>Window scale shift count (8 bits)</td><td>RFC 7323 §2</td></tr>
 * <tr><td>4</td><td>2</td><td>SACK permitted</td><td>RFC 2018 §2</td></tr>
 * <tr><td>5</td><td>2+8n</td><td>SACK blocks, n = 1..4 (left edge, right edge)</td><td>RFC 2018 §3</td></tr>
 * <tr><td>8</td><td>10</td><td>Timestamps TSval, TSecr (32 bits each)</td><td>RFC 7323 §3</td></tr>
 * </table>
 *
 * <p>Parsing is strict about the options it knows (a wrong length makes the list malformed, and
 * the caller drops the segment, as Linux {@code tcp_parse_options} ignores them); it skips
 * unknown kinds by their length. Writing follows the layout of Linux {@code tcp_options_write}
 * so that traces look familiar: MSS; SACK-permitted folded into the padding of timestamps
 * ({@code 04 02 08 0a}) or {@code NOP NOP 04 02}; {@code NOP NOP 08 0a} for timestamps alone;
 * {@code NOP 03 03 ws}; {@code NOP NOP 05 len} for SACK blocks. SACK blocks that would take the
 * options past 40 bytes are left out, as Linux does. Owned by one engine thread; allocation-free.
 */
public final class TcpOptions {

    public static final int KIND_END = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    public static final int LENGTH_MSS = 4;
    public static final int LENGTH_WINDOW_SCALE = 3;
    public static final int LENGTH_SACK_PERMITTED = 2;
    public static final int LENGTH_TIMESTAMPS = 10;

    /** NOP, NOP, kind 8, length 10: the aligned timestamps option. */
    private static final int ALIGNED_TIMESTAMPS =
            (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_TIMESTAMPS << 8) | LENGTH_TIMESTAMPS;

    /** Most SACK blocks an option can carry (2 + 8 * 4 = 34 of the 40 option bytes). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** Room for options in a TCP header: 60 - 20 bytes. */
    public static final int MAX_LENGTH = TcpSegment.MAX_HEADER_LENGTH - TcpSegment.MIN_HEADER_LENGTH;

    private int mss = -1;
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];

    /** Forgets every option. */
    public TcpOptions clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /** Copies every option of {@code other}. */
    public TcpOptions copyFrom(TcpOptions other) {
        mss = other.mss;
        windowScale = other.windowScale;
        sackPermitted = other.sackPermitted;
        hasTimestamps = other.hasTimestamps;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        sackBlockCount = other.sackBlockCount;
        System.arraycopy(other.sackLeft, 0, sackLeft, 0, sackBlockCount);
        System.arraycopy(other.sackRight, 0, sackRight, 0, sackBlockCount);
        return this;
    }

    /**
     * Replaces this value with the options in {@code length} bytes at absolute {@code offset}
     * (a segment's {@code optionsOffset()}/{@code optionsLength()}).
     *
     * @return false, leaving this value cleared, when the list is malformed: an option length
     *     below 2 or running past the end, or a known option with the wrong length
     */
    public boolean parse(ByteBuffer buffer, int offset, int length) {
        clear();
        if (length == 12 && Bytes.i32(buffer, offset) == ALIGNED_TIMESTAMPS) {
            // The layout RFC 7323 Appendix A recommends and every established Linux segment
            // carries; read it without the loop (Linux tcp_parse_aligned_timestamp).
            hasTimestamps = true;
            tsVal = Bytes.i32(buffer, offset + 4);
            tsEcr = Bytes.i32(buffer, offset + 8);
            return true;
        }
        return parseList(buffer, offset, length);
    }

    /** The general walk over the list; kept out of {@link #parse} so that the fast path inlines. */
    private boolean parseList(ByteBuffer buffer, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int kind = Bytes.u8(buffer, i);
            if (kind == KIND_END) {
                break; // the rest is padding (RFC 9293 §3.2)
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (end - i < 2) {
                return malformed();
            }
            int optionLength = Bytes.u8(buffer, i + 1);
            if (optionLength < 2 || optionLength > end - i) {
                return malformed();
            }
            switch (kind) {
                case KIND_MSS:
                    if (optionLength != LENGTH_MSS) {
                        return malformed();
                    }
                    mss = Bytes.u16(buffer, i + 2);
                    break;
                case KIND_WINDOW_SCALE:
                    if (optionLength != LENGTH_WINDOW_SCALE) {
                        return malformed();
                    }
                    // kept as sent; RFC 7323 §2.3 clamping to 14 is TCP's decision (and log line)
                    windowScale = Bytes.u8(buffer, i + 2);
                    break;
                case KIND_SACK_PERMITTED:
                    if (optionLength != LENGTH_SACK_PERMITTED) {
                        return malformed();
                    }
                    sackPermitted = true;
                    break;
                case KIND_TIMESTAMPS:
                    if (optionLength != LENGTH_TIMESTAMPS) {
                        return malformed();
                    }
                    hasTimestamps = true;
                    tsVal = Bytes.i32(buffer, i + 2);
                    tsEcr = Bytes.i32(buffer, i + 6);
                    break;
                case KIND_SACK: {
                    int blocks = (optionLength - 2) >>> 3;
                    if (((optionLength - 2) & 7) != 0 || blocks < 1 || blocks > MAX_SACK_BLOCKS) {
                        return malformed();
                    }
                    for (int b = 0; b < blocks; b++) {
                        sackLeft[b] = Bytes.i32(buffer, i + 2 + 8 * b);
                        sackRight[b] = Bytes.i32(buffer, i + 6 + 8 * b);
                    }
                    sackBlockCount = blocks;
                    break;
                }
                default:
                    break; // unknown kinds are skipped by their length (RFC 9293 §3.2, RFC 1122 §4.2.2.5)
            }
            i += optionLength;
        }
        return true;
    }

    private boolean malformed() {
        clear();
        return false;
    }

    /** Bytes {@link #write} will produce: a multiple of 4, at most 40. */
    public int encodedLength() {
        int length = fixedLength();
        int blocks = sackBlocksThatFit(length);
        return blocks == 0 ? length : length + 4 + 8 * blocks;
    }

    /**
     * The length of options holding the given set, laid out as {@link #write} does, so that
     * a header can be sized without filling a value.
     */
    public static int writtenLength(boolean mss, boolean windowScale, boolean sackPermitted, boolean timestamps,
            int sackBlocks) {
        int length = (mss ? 4 : 0) + (timestamps ? 12 : 0) + (sackPermitted && !timestamps ? 4 : 0)
                + (windowScale ? 4 : 0);
        int fit = Math.min(Math.min(sackBlocks, MAX_SACK_BLOCKS), (MAX_LENGTH - length - 4) >> 3);
        return fit <= 0 ? length : length + 4 + 8 * fit;
    }

    /**
     * Writes the options present at absolute {@code offset} in the Linux layout.
     *
     * @return bytes written, a multiple of 4 (already padded with NOPs)
     */
    public int write(ByteBuffer buffer, int offset) {
        int i = offset;
        if (mss >= 0) {
            Bytes.put32(buffer, i, (KIND_MSS << 24) | (LENGTH_MSS << 16) | (mss & 0xffff));
            i += 4;
        }
        if (hasTimestamps) {
            int lead = sackPermitted ? (KIND_SACK_PERMITTED << 8) | LENGTH_SACK_PERMITTED : (KIND_NOP << 8) | KIND_NOP;
            Bytes.put32(buffer, i, (lead << 16) | (KIND_TIMESTAMPS << 8) | LENGTH_TIMESTAMPS);
            Bytes.put32(buffer, i + 4, tsVal);
            Bytes.put32(buffer, i + 8, tsEcr);
            i += 12;
        } else if (sackPermitted) {
            Bytes.put32(buffer, i, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK_PERMITTED << 8) | LENGTH_SACK_PERMITTED);
            i += 4;
        }
        if (windowScale >= 0) {
            Bytes.put32(buffer, i, (KIND_NOP << 24) | (KIND_WINDOW_SCALE << 16) | (LENGTH_WINDOW_SCALE << 8)
                    | (windowScale & 0xff));
            i += 4;
        }
        int blocks = sackBlocksThatFit(i - offset);
        if (blocks > 0) {
            Bytes.put32(buffer, i, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK << 8) | (2 + 8 * blocks));
            i += 4;
            for (int b = 0; b < blocks; b++) {
                Bytes.put32(buffer, i, sackLeft[b]);
                Bytes.put32(buffer, i + 4, sackRight[b]);
                i += 8;
            }
        }
        return i - offset;
    }

    private int fixedLength() {
        return (mss >= 0 ? 4 : 0) + (hasTimestamps ? 12 : 0) + (sackPermitted && !hasTimestamps ? 4 : 0)
                + (windowScale >= 0 ? 4 : 0);
    }

    private int sackBlocksThatFit(int used) {
        return Math.max(0, Math.min(sackBlockCount, (MAX_LENGTH - used - 4) >> 3));
    }

    /** Maximum segment size, or -1 when absent. */
    public int mss() {
        return mss;
    }

    /** Sets the MSS to send, or -1 for none. */
    public TcpOptions mss(int value) {
        mss = value;
        return this;
    }

    /** Window scale shift count as received (possibly above 14), or -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    /** Sets the shift count to send, or -1 for none. */
    public TcpOptions windowScale(int value) {
        windowScale = value;
        return this;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public TcpOptions sackPermitted(boolean value) {
        sackPermitted = value;
        return this;
    }

    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    /** TSval; meaningful only when {@link #hasTimestamps()}. */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr; meaningful only when {@link #hasTimestamps()}. */
    public int tsEcr() {
        return tsEcr;
    }

    /** Sets both timestamps and marks the option present. */
    public TcpOptions timestamps(int tsVal, int tsEcr) {
        this.hasTimestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** Removes the timestamps option. */
    public TcpOptions clearTimestamps() {
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        return this;
    }

    /** SACK blocks held, 0..4. */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge of block {@code i} (0-based, below {@link #sackBlockCount()}). */
    public int sackLeft(int i) {
        return sackLeft[i];
    }

    /** Right edge (first sequence number after the block) of block {@code i}. */
    public int sackRight(int i) {
        return sackRight[i];
    }

    /**
     * Appends a SACK block to send.
     *
     * @return false when four blocks are already held
     */
    public boolean addSackBlock(int left, int right) {
        if (sackBlockCount == MAX_SACK_BLOCKS) {
            return false;
        }
        sackLeft[sackBlockCount] = left;
        sackRight[sackBlockCount] = right;
        sackBlockCount++;
        return true;
    }

    public TcpOptions clearSackBlocks() {
        sackBlockCount = 0;
        return this;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TcpOptions[");
        if (mss >= 0) {
            s.append(" mss=").append(mss);
        }
        if (windowScale >= 0) {
            s.append(" ws=").append(windowScale);
        }
        if (sackPermitted) {
            s.append(" sackOK");
        }
        if (hasTimestamps) {
            s.append(" ts=").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr));
        }
        for (int b = 0; b < sackBlockCount; b++) {
            s.append(" sack=").append(Integer.toUnsignedString(sackLeft[b])).append('-')
                    .append(Integer.toUnsignedString(sackRight[b]));
        }
        return s.append(" ]").toString();
    }
}
