package io.jmtcp.examples.bench;

import io.jmtcp.engine.api.ByteRing;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The socket ring ({@link ByteRing}, the api's SPSC byte ring between an application thread and
 * its engine): one {@code write(ByteBuffer)} of {@code size} bytes followed by one
 * {@code read(ByteBuffer)} of them, on one thread (so it measures the copies and the
 * ordered position updates, not cache-line transfer between cores). The ring is 128 KiB, the
 * engine's default socket buffer; positions run on, so copies cross the wrap point as in use.
 * Score: ns per write+read pair; GB/s is {@code size / score}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ByteRingBenchmark {

    @Param({"64", "16384"})
    public int size;

    /** Whether the application's buffers are direct ({@code true}) or heap ({@code false}). */
    @Param({"true", "false"})
    public boolean direct;

    private ByteRing ring;
    private ByteBuffer src;
    private ByteBuffer dst;

    @Setup
    public void setUp() {
        ring = ByteRing.allocate(128 * 1024);
        src = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        dst = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            src.put(i, (byte) i);
        }
        // start a few bytes off alignment so that copies cross the wrap point now and then
        ByteBuffer skew = ByteBuffer.allocateDirect(7);
        ring.write(skew);
        ring.read(ByteBuffer.allocateDirect(7));
    }

    @Benchmark
    public int writeThenRead() {
        src.clear();
        int w = ring.write(src);
        dst.clear();
        int r = ring.read(dst);
        if (w != r) {
            throw new IllegalStateException("wrote " + w + ", read " + r);
        }
        return r;
    }
}
