package io.jmtcp.examples.bench;

import io.jmtcp.engine.wire.Checksum;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RFC 1071 checksum over one full-sized TCP payload (1460 bytes) in a direct buffer.
 *
 * <p>Every benchmark counts one operation per byte ({@code @OperationsPerInvocation(1460)}) and
 * reports in operations per nanosecond, so <b>the score reads directly as GB/s</b>
 * (10<sup>9</sup> bytes per second); ns per packet is 1460 / score. Target: at least 4 GB/s on
 * one core. {@code shortLoopBaseline} is the textbook 16-bit loop, for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {

    private static final int LENGTH = 1460;

    private ByteBuffer buffer;

    @Setup
    public void setUp() {
        buffer = ByteBuffer.allocateDirect(LENGTH + 128);
        SplittableRandom random = new SplittableRandom(1071);
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) random.nextInt(256));
        }
    }

    /** A payload starting 8-byte aligned. Score = GB/s. */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public int compute1460() {
        return Checksum.compute(buffer, 0, LENGTH);
    }

    /**
     * A payload at the offset it has in a real frame (14 + 20 + 32 = 66 bytes in: Ethernet, IPv4
     * and a TCP header with timestamps), i.e. not 8-byte aligned. Score = GB/s.
     */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public int compute1460AtFrameOffset() {
        return Checksum.compute(buffer, 66, LENGTH);
    }

    /** The textbook loop: one 16-bit word per iteration into an int. Score = GB/s. */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public int shortLoopBaseline() {
        int sum = 0;
        for (int i = 0; i < LENGTH; i += 2) {
            sum += buffer.getShort(i) & 0xffff;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }
}
