package io.jmtcp.examples.bench;

import io.jmtcp.engine.shard.PortAllocator;
import io.jmtcp.engine.shard.RssTable;
import io.jmtcp.engine.shard.Toeplitz;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Software RSS cost: the table-driven {@link Toeplitz} hash over a 4-tuple and a 2-tuple, the
 * full "which engine owns this frame" step (hash plus RETA), and a per-bit implementation of the
 * NDIS definition as the baseline the tables replace. {@code allocatePort} is one RSS-aware
 * ephemeral port choice with 4 engines and no port in use. Score: ns per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ToeplitzBenchmark {

    private static final int TUPLES = 1024;

    private final Toeplitz toeplitz = new Toeplitz(Toeplitz.symmetricKey());
    private final byte[] key = Toeplitz.symmetricKey();
    private final RssTable rss = new RssTable(4, RssTable.DEFAULT_ENTRIES);
    private final PortAllocator allocator = new PortAllocator(toeplitz, rss, 1, 32768, 60999, 6056);
    private final IntPredicate nothingInUse = port -> false;
    private final int[] src = new int[TUPLES];
    private final int[] dst = new int[TUPLES];
    private final int[] srcPort = new int[TUPLES];
    private final int[] dstPort = new int[TUPLES];
    private int cursor;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(9438);
        for (int i = 0; i < TUPLES; i++) {
            src[i] = random.nextInt();
            dst[i] = random.nextInt();
            srcPort[i] = random.nextInt(65536);
            dstPort[i] = random.nextInt(65536);
        }
    }

    private int next() {
        int i = cursor;
        cursor = (i + 1) & (TUPLES - 1);
        return i;
    }

    @Benchmark
    public int hash4() {
        int i = next();
        return toeplitz.hash(src[i], dst[i], srcPort[i], dstPort[i]);
    }

    @Benchmark
    public int hash2() {
        int i = next();
        return toeplitz.hash(src[i], dst[i]);
    }

    @Benchmark
    public int queueFor4() {
        int i = next();
        return rss.queueFor(toeplitz.hash(src[i], dst[i], srcPort[i], dstPort[i]));
    }

    @Benchmark
    public int bitwiseBaseline4() {
        int i = next();
        return bitwise(key, src[i], dst[i], srcPort[i] << 16 | dstPort[i]);
    }

    @Benchmark
    public int allocatePort() {
        int i = next();
        return allocator.allocate(dst[i], src[i], srcPort[i], nothingInUse);
    }

    /** The NDIS definition bit by bit: XOR the sliding 32-bit key window for every set input bit. */
    private static int bitwise(byte[] key, int a, int b, int ports) {
        int window = (key[0] & 0xff) << 24 | (key[1] & 0xff) << 16 | (key[2] & 0xff) << 8 | (key[3] & 0xff);
        int result = 0;
        int keyBit = 32;
        int[] words = {a, b, ports};
        for (int word : words) {
            for (int bit = 31; bit >= 0; bit--) {
                if ((word >>> bit & 1) != 0) {
                    result ^= window;
                }
                window = window << 1 | (key[keyBit >>> 3] >>> (7 - (keyBit & 7)) & 1);
                keyBit++;
            }
        }
        return result;
    }
}
