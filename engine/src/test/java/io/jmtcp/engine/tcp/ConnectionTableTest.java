package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    /** A 4-tuple as the model's key. */
    private record Tuple(int localIp, int localPort, int remoteIp, int remotePort) {
    }

    @Test
    void agreesWithHashMapOverHundredThousandRandomOperations() {
        SplittableRandom random = new SplittableRandom(9293);
        ConnectionTable<String> table = new ConnectionTable<>(4);
        Map<Tuple, String> model = new HashMap<>();
        // A small key space so that puts overwrite, removes hit and probe chains form and break.
        List<Tuple> keys = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            keys.add(new Tuple(0xc6120000 | random.nextInt(4), 32768 + random.nextInt(28232),
                    0xc6120100 | random.nextInt(64), random.nextBoolean() ? 80 : random.nextInt(65536)));
        }
        for (int op = 0; op < 100_000; op++) {
            Tuple k = keys.get(random.nextInt(keys.size()));
            int dice = random.nextInt(10);
            if (dice < 4) {
                String v = "v" + op;
                assertThat(table.put(k.localIp, k.localPort, k.remoteIp, k.remotePort, v))
                        .as("put #%d", op).isEqualTo(model.put(k, v));
            } else if (dice < 7) {
                assertThat(table.remove(k.localIp, k.localPort, k.remoteIp, k.remotePort))
                        .as("remove #%d", op).isEqualTo(model.remove(k));
            } else if (dice < 9) {
                assertThat(table.get(k.localIp, k.localPort, k.remoteIp, k.remotePort))
                        .as("get #%d", op).isEqualTo(model.get(k));
            } else {
                assertThat(table.containsKey(k.localIp, k.localPort, k.remoteIp, k.remotePort))
                        .as("containsKey #%d", op).isEqualTo(model.containsKey(k));
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        assertThat(model.size()).as("model size at the end").isGreaterThan(500);
        for (Tuple k : keys) {
            assertThat(table.get(k.localIp, k.localPort, k.remoteIp, k.remotePort)).isEqualTo(model.get(k));
        }
        List<String> seen = new ArrayList<>();
        table.forEach(seen::add);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void tuplesDifferingInOneFieldOrWithFieldsSwappedAreDistinct() {
        ConnectionTable<String> table = new ConnectionTable<>(16);
        table.put(1, 2, 3, 4, "base");
        table.put(9, 2, 3, 4, "localIp");
        table.put(1, 9, 3, 4, "localPort");
        table.put(1, 2, 9, 4, "remoteIp");
        table.put(1, 2, 3, 9, "remotePort");
        table.put(3, 4, 1, 2, "swapped");
        table.put(1, 4, 3, 2, "portsSwapped");
        assertThat(table.size()).isEqualTo(7);
        assertThat(table.get(1, 2, 3, 4)).isEqualTo("base");
        assertThat(table.get(9, 2, 3, 4)).isEqualTo("localIp");
        assertThat(table.get(1, 9, 3, 4)).isEqualTo("localPort");
        assertThat(table.get(1, 2, 9, 4)).isEqualTo("remoteIp");
        assertThat(table.get(1, 2, 3, 9)).isEqualTo("remotePort");
        assertThat(table.get(3, 4, 1, 2)).isEqualTo("swapped");
        assertThat(table.get(1, 4, 3, 2)).isEqualTo("portsSwapped");
        assertThat(table.get(1, 2, 3, 5)).isNull();
    }

    @Test
    void extremeValuesAreOrdinaryKeys() {
        ConnectionTable<String> table = new ConnectionTable<>(4);
        table.put(0, 0, 0, 0, "zeros");
        table.put(-1, 65535, -1, 65535, "ones");
        table.put(Integer.MIN_VALUE, 0, Integer.MAX_VALUE, 65535, "mixed");
        assertThat(table.get(0, 0, 0, 0)).isEqualTo("zeros");
        assertThat(table.get(-1, 65535, -1, 65535)).isEqualTo("ones");
        assertThat(table.get(Integer.MIN_VALUE, 0, Integer.MAX_VALUE, 65535)).isEqualTo("mixed");
    }

    @Test
    void portsOutsideSixteenBitsNeverAliasValidOnes() {
        ConnectionTable<String> table = new ConnectionTable<>(4);
        table.put(1, 0, 2, 0, "zero ports");
        assertThat(table.get(1, 65536, 2, 0)).isNull();
        assertThat(table.get(1, 0, 2, 65536)).isNull();
        assertThat(table.containsKey(1, -65536, 2, 0)).isFalse();
        assertThat(table.remove(1, 65536, 2, 65536)).isNull();
        assertThat(table.size()).isEqualTo(1);
        assertThatThrownBy(() -> table.put(1, 65536, 2, 0, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> table.put(1, 0, 2, -1, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullValues() {
        ConnectionTable<String> table = new ConnectionTable<>(4);
        assertThatThrownBy(() -> table.put(1, 2, 3, 4, null)).isInstanceOf(NullPointerException.class);
        assertThat(table.size()).isZero();
    }

    @Test
    void removalInsideProbeChainsKeepsEveryOtherEntryReachable() {
        // Find keys that share a home slot (full collisions) or neighbouring home slots in a
        // 16-slot table, so they form one cluster that wraps around the end of the array.
        ConnectionTable<Integer> table = new ConnectionTable<>(8, 0x5eed);
        int capacity = table.capacity();
        assertThat(capacity).isEqualTo(16);
        int mask = capacity - 1;
        List<int[]> cluster = new ArrayList<>();
        int[] wanted = {14, 14, 15, 14, 0, 15, 1};
        int port = 1;
        for (int home : wanted) {
            while ((table.hash(7, 11, port << 16 | 80) & mask) != home) {
                port++;
            }
            cluster.add(new int[] {port, home});
            port++;
        }
        for (int i = 0; i < cluster.size(); i++) {
            table.put(7, cluster.get(i)[0], 11, 80, i);
        }
        assertThat(table.capacity()).as("no growth: 7 entries fit 16 slots at load 0.7").isEqualTo(16);
        // Remove each entry in turn from a fresh copy, in every position of the chain.
        for (int victim = 0; victim < cluster.size(); victim++) {
            ConnectionTable<Integer> copy = new ConnectionTable<>(8, 0x5eed);
            for (int i = 0; i < cluster.size(); i++) {
                copy.put(7, cluster.get(i)[0], 11, 80, i);
            }
            assertThat(copy.remove(7, cluster.get(victim)[0], 11, 80)).isEqualTo(victim);
            for (int i = 0; i < cluster.size(); i++) {
                Integer expected = i == victim ? null : i;
                assertThat(copy.get(7, cluster.get(i)[0], 11, 80))
                        .as("entry %d (home %d) after removing %d", i, cluster.get(i)[1], victim)
                        .isEqualTo(expected);
            }
            assertThat(copy.size()).isEqualTo(cluster.size() - 1);
        }
        // And remove them all, in an interleaved order, checking the rest each time.
        int[] order = {3, 0, 6, 1, 5, 2, 4};
        Set<Integer> left = new HashSet<>(List.of(0, 1, 2, 3, 4, 5, 6));
        for (int victim : order) {
            assertThat(table.remove(7, cluster.get(victim)[0], 11, 80)).isEqualTo(victim);
            left.remove(victim);
            for (int i = 0; i < cluster.size(); i++) {
                assertThat(table.get(7, cluster.get(i)[0], 11, 80)).isEqualTo(left.contains(i) ? i : null);
            }
        }
        assertThat(table.size()).isZero();
    }

    @Test
    void growsByDoublingOnceLoadPassesSevenTenths() {
        ConnectionTable<Integer> table = new ConnectionTable<>(0);
        assertThat(table.capacity()).isEqualTo(16);
        for (int i = 0; i < 11; i++) {
            table.put(1, i, 2, 80, i);
        }
        assertThat(table.capacity()).as("11 of 16 = 0.69").isEqualTo(16);
        table.put(1, 11, 2, 80, 11);
        assertThat(table.capacity()).as("12 of 16 would be 0.75").isEqualTo(32);
        for (int i = 12; i < 100_000; i++) {
            table.put(1 + (i & 3), i & 0xffff, 2, 80 + (i >>> 16), i);
        }
        assertThat(table.size()).isEqualTo(100_000);
        assertThat(table.capacity()).isEqualTo(262_144);
        for (int i = 12; i < 100_000; i++) {
            assertThat(table.get(1 + (i & 3), i & 0xffff, 2, 80 + (i >>> 16))).isEqualTo(i);
        }
        for (int i = 0; i < 12; i++) {
            assertThat(table.get(1, i, 2, 80)).isEqualTo(i);
        }
    }

    @Test
    void initialCapacityIsHeldWithoutGrowth() {
        for (int n : new int[] {1, 11, 12, 100, 1000, 100_000}) {
            ConnectionTable<Integer> table = new ConnectionTable<>(n);
            int capacity = table.capacity();
            for (int i = 0; i < n; i++) {
                table.put(i, i & 0xffff, ~i, 443, i);
            }
            assertThat(table.capacity()).as("capacity after %d puts", n).isEqualTo(capacity);
        }
        assertThatThrownBy(() -> new ConnectionTable<>(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionTable<>(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putReplacesAndReturnsPrevious() {
        ConnectionTable<String> table = new ConnectionTable<>(4);
        assertThat(table.put(1, 2, 3, 4, "a")).isNull();
        assertThat(table.put(1, 2, 3, 4, "b")).isEqualTo("a");
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.remove(1, 2, 3, 4)).isEqualTo("b");
        assertThat(table.remove(1, 2, 3, 4)).isNull();
        assertThat(table.containsKey(1, 2, 3, 4)).isFalse();
    }

    @Test
    void forEachVisitsEveryValueAndRejectsStructuralChangeDuringIteration() {
        ConnectionTable<Integer> table = new ConnectionTable<>(64);
        for (int i = 0; i < 50; i++) {
            table.put(10, 1000 + i, 20, 80, i);
        }
        List<Integer> seen = new ArrayList<>();
        table.forEach(seen::add);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
        // Replacing a value in place is fine.
        table.forEach(v -> table.put(10, 1000 + v, 20, 80, v + 100));
        assertThat(table.get(10, 1000, 20, 80)).isEqualTo(100);
        assertThatThrownBy(() -> table.forEach(v -> table.remove(10, 1000 + v - 100, 20, 80)))
                .isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void getPutWithoutGrowthAndRemoveAllocateNothing() {
        int n = 100_000;
        ConnectionTable<Object> table = new ConnectionTable<>(n);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = new Object();
        }
        int capacity = table.capacity();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long hits = churn(table, values);     // warm-up: JIT, class loading
        long before = threads.getCurrentThreadAllocatedBytes();
        hits += churn(table, values);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(table.capacity()).isEqualTo(capacity);
        assertThat(hits).isEqualTo(2L * n * 2);
        assertThat(allocated).as("bytes allocated by 400,000 puts, 400,000 gets and 100,000 removes")
                .isLessThan(1024);
    }

    /** Fills the table, reads every key twice (hit and miss), then empties it; returns the hits. */
    private static long churn(ConnectionTable<Object> table, Object[] values) {
        long hits = 0;
        int n = values.length;
        for (int i = 0; i < n; i++) {
            table.put(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5201, values[i]);
        }
        for (int i = 0; i < n; i++) {
            table.put(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5201, values[n - 1 - i]);
        }
        for (int i = 0; i < n; i++) {
            if (table.get(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5201) != null) {
                hits++;
            }
            if (table.get(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5202) != null) {
                hits += 1000;
            }
            if (table.containsKey(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5201)) {
                hits++;
            }
        }
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(table.remove(0x0a000001, i & 0xffff, 0x0a000002 + (i >>> 16), 5201));
        }
        return hits;
    }
}
