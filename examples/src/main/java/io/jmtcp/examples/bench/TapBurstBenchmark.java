package io.jmtcp.examples.bench;

import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.jni.TapDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
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
 * Frames per second through {@link TapDevice}'s burst calls (one JNI crossing per burst), to set
 * against the single-thread ceilings measured in C on this kind of machine: TAP write about
 * 0.6 Mpps, TAP read about 0.55 Mpps.
 *
 * <ul>
 *   <li>{@code write}: bursts of 60-byte frames addressed to a MAC that is not the kernel's, so the
 *       kernel drops each right after the TAP hands it over: the cost is the write path.
 *   <li>{@code arpEcho}: a burst of ARP requests for the kernel's address, then reads until as many
 *       replies came back: every frame crosses the TAP twice and the kernel answers each, so this
 *       bounds the read path from below (frames counted once, as replies read).
 * </ul>
 *
 * <p>Needs root: {@code @Setup} creates TAP {@code jmtb<random>} and a namespace
 * {@code jmtcp-bench-<random>} holding its kernel side at 198.18.0.1/24, and {@code @TearDown}
 * removes both. Run e.g. {@code java -jar benchmarks.jar TapBurstBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TapBurstBenchmark {

    /** Frames per burst, i.e. per JNI call. */
    public static final int BURST = 32;

    private static final int KERNEL_IP = (198 << 24) | (18 << 16) | 1;
    private static final int STACK_IP = (198 << 24) | (18 << 16) | 2;

    private String ifname;
    private String netns;
    private TapDevice tap;
    private final FrameBatch rx = new FrameBatch(FrameBatch.DEFAULT_BURST);
    private final FrameBatch tx = new FrameBatch(FrameBatch.DEFAULT_BURST);

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000));
        ifname = "jmtb" + suffix;
        netns = "jmtcp-bench-" + suffix;
        run("ip", "netns", "add", netns);
        try {
            tap = TapDevice.open(ifname, 1, 1500, TapDevice.stableMac(ifname), 1024);
            run("ip", "link", "set", "dev", ifname, "netns", netns);
            run("ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv6.conf." + ifname + ".disable_ipv6=1");
            run("ip", "netns", "exec", netns, "ip", "addr", "add", "198.18.0.1/24", "dev", ifname);
            run("ip", "netns", "exec", netns, "ip", "link", "set", "dev", ifname, "up");
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        if (tap != null) {
            tap.close(); // the TAP disappears with its last fd
            tap = null;
        }
        run("ip", "netns", "del", netns);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int write() {
        for (int i = 0; i < BURST; i++) {
            int t = tap.txAcquire(0, tx);
            ByteBuffer b = tx.buffer(t);
            int at = tx.offset(t);
            // dst 02:00:00:00:00:fe (nobody), src ours, an IPv4 ethertype and zeros: dropped by the kernel at L2
            b.putInt(at, 0x0200_0000);
            b.putShort(at + 4, (short) 0x00fe);
            putMac(b, at + 6, tap.macAddress());
            b.putShort(at + 12, (short) 0x0800);
            tx.length(t, 60);
        }
        return tap.txBurst(0, tx);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int arpEcho() {
        for (int i = 0; i < BURST; i++) {
            int t = tap.txAcquire(0, tx);
            tx.length(t, writeArpRequest(tx.buffer(t), tx.offset(t), tap.macAddress()));
        }
        tap.txBurst(0, tx);
        int got = 0;
        long deadline = System.nanoTime() + 100_000_000L;
        while (got < BURST && System.nanoTime() - deadline < 0) {
            int n = tap.rxBurst(0, rx);
            got += n;
            tap.rxRelease(0, rx);
            if (n == 0) {
                tap.awaitRx(0, 10_000_000L);
            }
        }
        return got;
    }

    private static void putMac(ByteBuffer b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    /** Broadcast "who-has 198.18.0.1 tell 198.18.0.2" (RFC 826). */
    private static int writeArpRequest(ByteBuffer b, int at, long ourMac) {
        putMac(b, at, 0xFFFF_FFFF_FFFFL);
        putMac(b, at + 6, ourMac);
        b.putShort(at + 12, (short) 0x0806);
        b.putShort(at + 14, (short) 1);
        b.putShort(at + 16, (short) 0x0800);
        b.put(at + 18, (byte) 6);
        b.put(at + 19, (byte) 4);
        b.putShort(at + 20, (short) 1);
        putMac(b, at + 22, ourMac);
        b.putInt(at + 28, STACK_IP);
        putMac(b, at + 32, 0);
        b.putInt(at + 38, KERNEL_IP);
        return 42;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
    }
}
