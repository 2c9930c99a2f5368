package io.jmtcp.examples.bench;

import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per frame of the DPDK device's burst path through JNI: two {@code net_ring} ports of this
 * process joined back to back ({@code dpdk:rings:bench:a|b}), 32 frames per burst. One operation
 * is one frame that is acquired as an mbuf, written in place (a 60-byte frame's Ethernet header),
 * sent with {@code txBurst} (one JNI call, which also refills the transmit stock in bulk), received
 * with {@code rxBurst} on the other port (one JNI call, which also frees the previous burst's
 * mbufs in bulk) and read in place. So each frame pays 1/16 of a JNI crossing, ring enqueue and
 * dequeue, and mbuf alloc and free. Run with {@code -prof gc} to see bytes allocated per frame
 * (the issue asks for at most 50 ns per frame and 0 bytes).
 *
 * <p>Needs the DPDK shim in the build (libdpdk-dev); EAL runs with {@code --no-huge}. Each JMH fork
 * is its own process, as EAL initialises once per process. Run e.g.
 * {@code java -jar examples/target/benchmarks.jar DpdkBurstBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DpdkBurstBenchmark {

    /** Frames per burst, i.e. per pair of JNI calls. */
    public static final int BURST = 32;

    private NetDevice a;
    private NetDevice b;
    private final FrameBatch tx = new FrameBatch(BURST);
    private final FrameBatch rx = new FrameBatch(BURST);

    @Setup(Level.Trial)
    public void setUp() {
        a = NetDevices.open("dpdk:rings:bench:a", 1, 1500, Map.of());
        b = NetDevices.open("dpdk:rings:bench:b", 1, 1500, Map.of());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long rxTxBurst() {
        for (int i = 0; i < BURST; i++) {
            int t = a.txAcquire(0, tx);
            ByteBuffer buf = tx.buffer(t);
            int at = tx.offset(t);
            buf.putLong(at, 0x0200_0000_00fe_0200L); // dst MAC and the start of src: written in place
            buf.putInt(at + 8, i);
            buf.putShort(at + 12, (short) 0x0800);
            tx.length(t, 60);
        }
        a.txBurst(0, tx);
        int got = b.rxBurst(0, rx);
        long sum = got;
        for (int i = 0; i < got; i++) {
            sum += rx.buffer(i).getInt(rx.offset(i) + 8); // read in place in the mbuf
        }
        b.rxRelease(0, rx);
        return sum;
    }
}
