package io.jmtcp.examples.bench;

import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.provider.shm.ShmDevice;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared-memory wire's rings ({@link ShmDevice}) in one process: side A and side B of one
 * file in /dev/shm, one thread transmitting bursts on A (acquire, write the frame's first and last
 * 8 bytes, commit, publish) and one receiving them on B (borrow, read the same bytes, release), as
 * two engines in two processes would. Both threads poll without sleeping, so this is the wire's
 * ceiling, not its idle behaviour; a thread that finds the ring full (or empty) yields, so that on a
 * machine with fewer free cores than threads the other side runs instead of a spin. Score: the {@code received} counter in frames per second (the
 * {@code sent} counter is frames accepted by the ring; {@code full} is bursts that found it full).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ShmWireBenchmark {

    /** Frame length in bytes: a pure ACK (64) or a full 1500-MTU segment (1514). */
    @Param({"64", "1514"})
    public int size;

    /** Frames per burst (the engine's default is 64). */
    @Param({"32"})
    public int burst;

    private Path file;
    private ShmDevice a;
    private ShmDevice b;

    /** The transmitting thread's counts, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Sent {
        public long sent;
        public long full;
        FrameBatch batch;

        @Setup(Level.Trial)
        public void batch(ShmWireBenchmark bench) {
            batch = new FrameBatch(bench.burst);
        }
    }

    /** The receiving thread's count, reported by JMH as a rate: the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Received {
        public long received;
        FrameBatch batch;

        @Setup(Level.Trial)
        public void batch(ShmWireBenchmark bench) {
            batch = new FrameBatch(bench.burst);
        }
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        file = dir.resolve("jmtcp-bench-" + ProcessHandle.current().pid() + ".wire");
        Files.deleteIfExists(file);
        ShmDevice.Options options = new ShmDevice.Options(1024, 2048, 0, 1_000_000, 3_000_000_000L);
        a = ShmDevice.open(file, 1, 0, options);
        b = ShmDevice.open(file, 1, 0, options);
    }

    @TearDown(Level.Trial)
    public void close() {
        b.close();
        a.close();
    }

    @Benchmark
    @Group("wire")
    @GroupThreads(1)
    public void transmit(Sent frames) {
        FrameBatch batch = frames.batch;
        int n = 0;
        for (; n < burst; n++) {
            int i = a.txAcquire(0, batch);
            if (i < 0) {
                frames.full++;
                Thread.yield(); // on a shared or 2-core machine, let the receiver run instead of spinning
                break;
            }
            ByteBuffer buf = batch.buffer(i);
            int off = batch.offset(i);
            buf.putLong(off, frames.sent + n);
            buf.putLong(off + size - 8, frames.sent + n);
            batch.length(i, size);
        }
        frames.sent += a.txBurst(0, batch);
    }

    @Benchmark
    @Group("wire")
    @GroupThreads(1)
    public long receive(Received frames) {
        FrameBatch batch = frames.batch;
        int n = b.rxBurst(0, batch);
        long check = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer buf = batch.buffer(i);
            int off = batch.offset(i);
            check += buf.getLong(off) ^ buf.getLong(off + batch.length(i) - 8);
        }
        b.rxRelease(0, batch);
        if (n == 0) {
            Thread.yield(); // as above: an empty ring hands the core to the transmitter
        }
        frames.received += n;
        return check;
    }

    /**
     * Both sides on one thread: a burst out of A, then the same burst into B. Not the wire's
     * cross-core cost, but the ring's own per-frame cost, and a figure that holds on a machine
     * whose cores are busy with other work (two polling threads then rarely run at once).
     */
    @Benchmark
    @Group("oneThread")
    @GroupThreads(1)
    public long oneThreadBurst(Sent tx, Received rx) {
        transmit(tx);
        return receive(rx);
    }
}
