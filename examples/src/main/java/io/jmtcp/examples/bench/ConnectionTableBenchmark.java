package io.jmtcp.examples.bench;

import io.jmtcp.engine.tcp.ConnectionTable;
import java.util.HashMap;
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
 * Demultiplexing cost: {@link ConnectionTable} lookups with 100,000 connections registered (the
 * size the memory target asks for), keys visited in a random order so each lookup misses
 * the CPU caches the way a busy server's does. {@code getHit} finds a connection; {@code getMiss}
 * looks up a tuple that is not there (a segment for a closed port, RFC 9293 §3.10.7.1);
 * {@code putRemove} is the connection set-up/tear-down pair without growth. For contrast,
 * {@code hashMapGetHit} is a {@code java.util.HashMap} keyed by a 4-tuple record, which allocates
 * a key per lookup unless escape analysis removes it. Score: ns per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectionTableBenchmark {

    private static final int ENTRIES = 100_000;
    /** Power of two so the cursor wraps with a mask. */
    private static final int ORDER = 1 << 17;

    private record Tuple(int localIp, int localPort, int remoteIp, int remotePort) {
    }

    private final ConnectionTable<Object> table = new ConnectionTable<>(ENTRIES + 1);
    private final HashMap<Tuple, Object> hashMap = new HashMap<>(ENTRIES * 2);
    private final int[] localIp = new int[ORDER];
    private final int[] localPort = new int[ORDER];
    private final int[] remoteIp = new int[ORDER];
    private final int[] remotePort = new int[ORDER];
    private final Object spare = new Object();
    private int cursor;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2018);
        // Many clients (198.18.0.0/16) to two server sockets, like a loaded HTTP server.
        int[] ids = new int[ORDER];
        for (int i = 0; i < ORDER; i++) {
            ids[i] = i % ENTRIES;
        }
        for (int i = ORDER - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int[][] tuples = new int[ENTRIES][];
        for (int id = 0; id < ENTRIES; id++) {
            tuples[id] = new int[] {0xc6120001 + (id & 1), id % 2 == 0 ? 80 : 443,
                0xc6120000 | random.nextInt(65536), 32768 + random.nextInt(28232)};
            Object value = new Object();
            if (table.put(tuples[id][0], tuples[id][1], tuples[id][2], tuples[id][3], value) != null) {
                tuples[id][3] = tuples[id][3] ^ 1;   // a rare duplicate tuple: make it distinct
                table.put(tuples[id][0], tuples[id][1], tuples[id][2], tuples[id][3], value);
            }
            hashMap.put(new Tuple(tuples[id][0], tuples[id][1], tuples[id][2], tuples[id][3]), value);
        }
        for (int i = 0; i < ORDER; i++) {
            int[] t = tuples[ids[i]];
            localIp[i] = t[0];
            localPort[i] = t[1];
            remoteIp[i] = t[2];
            remotePort[i] = t[3];
        }
        if (table.size() != hashMap.size()) {
            throw new IllegalStateException("setup produced duplicate tuples");
        }
    }

    private int next() {
        int i = cursor;
        cursor = (i + 1) & (ORDER - 1);
        return i;
    }

    @Benchmark
    public Object getHit() {
        int i = next();
        return table.get(localIp[i], localPort[i], remoteIp[i], remotePort[i]);
    }

    @Benchmark
    public Object getMiss() {
        int i = next();
        // Same addresses, a server port nobody uses: probes real clusters, finds nothing.
        return table.get(localIp[i], 8080, remoteIp[i], remotePort[i]);
    }

    @Benchmark
    public Object putRemove() {
        int i = next();
        table.put(localIp[i], 8080, remoteIp[i], remotePort[i], spare);
        return table.remove(localIp[i], 8080, remoteIp[i], remotePort[i]);
    }

    @Benchmark
    public Object hashMapGetHit() {
        int i = next();
        return hashMap.get(new Tuple(localIp[i], localPort[i], remoteIp[i], remotePort[i]));
    }
}
