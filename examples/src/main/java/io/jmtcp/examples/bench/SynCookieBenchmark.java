package io.jmtcp.examples.bench;

import io.jmtcp.engine.tcp.IsnGenerator;
import io.jmtcp.engine.tcp.SynCookies;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The cost of answering a SYN statelessly and of validating the ACK that completes it: {@code
 * issFor} (two SipHash-2-4 over 20 bytes) and {@code check} of a valid cookie (the same two
 * hashes), plus {@code isn}, the RFC 6528 ISN an ordinary handshake uses instead (one SipHash over
 * 16 bytes). Each call takes the next of 1024 pre-drawn 4-tuples, so nothing is constant-folded.
 * Score = ns per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SynCookieBenchmark {

    private static final int TUPLES = 1024;
    private static final long NOW = 1_000_000_000_000L;

    private final SynCookies cookies = new SynCookies(0x4987_4987_4987_4987L, 0x0123_4567_89ab_cdefL);
    private final IsnGenerator isns = new IsnGenerator(0x6528_6528_6528_6528L, 0x0fed_cba9_8765_4321L);
    private final int[] remoteIp = new int[TUPLES];
    private final int[] remotePort = new int[TUPLES];
    private final int[] clientIsn = new int[TUPLES];
    private final int[] iss = new int[TUPLES];
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(4987);
        for (int i = 0; i < TUPLES; i++) {
            remoteIp[i] = 0xc612_0000 | random.nextInt(1 << 16);
            remotePort[i] = 1024 + random.nextInt(64_512);
            clientIsn[i] = random.nextInt();
            iss[i] = cookies.issFor(remoteIp[i], remotePort[i], 0xc612_0002, 80, clientIsn[i], 1460, NOW);
        }
    }

    /** The SYN-ACK side: the cookie for one SYN. */
    @Benchmark
    public int issFor() {
        int i = next++ & (TUPLES - 1);
        return cookies.issFor(remoteIp[i], remotePort[i], 0xc612_0002, 80, clientIsn[i], 1460, NOW);
    }

    /** The ACK side: validating a good cookie (the costlier case; a stale one stops earlier). */
    @Benchmark
    public int check() {
        int i = next++ & (TUPLES - 1);
        return cookies.check(remoteIp[i], remotePort[i], 0xc612_0002, 80, clientIsn[i], iss[i], NOW);
    }

    /** The ordinary handshake's RFC 6528 ISN, for comparison. */
    @Benchmark
    public int isn() {
        int i = next++ & (TUPLES - 1);
        return isns.isn(0xc612_0002, 80, remoteIp[i], remotePort[i], NOW);
    }
}
