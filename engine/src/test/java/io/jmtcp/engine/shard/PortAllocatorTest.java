package io.jmtcp.engine.shard;

import static io.jmtcp.engine.shard.ToeplitzTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.BitSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortAllocatorTest {

    private static final int LOW = 32768;
    private static final int HIGH = 60999;

    private final Toeplitz toeplitz = new Toeplitz(Toeplitz.symmetricKey());
    private final int local = ip("198.18.0.2");
    private final int remote = ip("198.18.0.1");

    @ParameterizedTest(name = "{0} queues")
    @ValueSource(ints = {2, 4})
    void everyPortMapsBackToTheRequestingEngine(int queues) {
        RssTable rss = new RssTable(queues, RssTable.DEFAULT_ENTRIES);
        for (int engine = 0; engine < queues; engine++) {
            PortAllocator allocator = new PortAllocator(toeplitz, rss, engine, LOW, HIGH, 17 + engine);
            BitSet used = new BitSet();
            for (int i = 0; i < 2000; i++) {
                int port = allocator.allocate(local, remote, 80, used::get);
                assertThat(port).isBetween(LOW, HIGH);
                // The receive direction: the server's segments come from remote:80 to local:port.
                assertThat(rss.queueFor(toeplitz.hash(remote, local, 80, port))).isEqualTo(engine);
                // With the symmetric key, the transmit direction hashes alike.
                assertThat(rss.queueFor(toeplitz.hash(local, remote, port, 80))).isEqualTo(engine);
                used.set(port);
            }
        }
    }

    @Test
    void mapsBackUnderTheAsymmetricMicrosoftKeyToo() {
        Toeplitz ms = new Toeplitz(Toeplitz.microsoftKey());
        RssTable rss = new RssTable(4, 128);
        PortAllocator allocator = new PortAllocator(ms, rss, 3, LOW, HIGH, 5);
        BitSet used = new BitSet();
        for (int i = 0; i < 1000; i++) {
            int port = allocator.allocate(local, remote, 443, used::get);
            assertThat(rss.queueFor(ms.hash(remote, local, 443, port))).isEqualTo(3);
            used.set(port);
        }
    }

    @Test
    void neverReturnsAPortTheCallerReportsInUse() {
        RssTable rss = new RssTable(2, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 0, LOW, HIGH, 99);
        // Every even port, and a dense block in the middle, already has a connection to remote:80.
        IntPredicate inUse = p -> p % 2 == 0 || (p >= 40000 && p < 50000);
        for (int i = 0; i < 5000; i++) {
            int port = allocator.allocate(local, remote, 80, inUse);
            assertThat(port).isBetween(LOW, HIGH);
            assertThat(inUse.test(port)).as("port %d in use", port).isFalse();
        }
    }

    @Test
    void consecutiveConnectionsGetSpreadPorts() {
        RssTable rss = new RssTable(2, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 1, LOW, HIGH, 3);
        BitSet used = new BitSet();
        int[] buckets = new int[8];
        int bucketWidth = (HIGH - LOW + 1 + 7) / 8;
        int adjacent = 0;
        int previous = -1;
        int allocations = 4000;
        for (int i = 0; i < allocations; i++) {
            int port = allocator.allocate(local, remote, 80, used::get);
            used.set(port);
            buckets[(port - LOW) / bucketWidth]++;
            if (previous >= 0 && Math.abs(port - previous) <= 2) {
                adjacent++;
            }
            previous = port;
        }
        // Increments average ~250, so 4,000 allocations wrap the 28,232-port range many times.
        for (int count : buckets) {
            assertThat(count).isBetween(allocations / 8 / 2, allocations / 8 * 2);
        }
        assertThat(adjacent).as("back-to-back neighbouring ports").isLessThan(allocations / 50);
    }

    @Test
    void twoAllocatorsSeededAlikeButForOtherEnginesNeverCollide() {
        RssTable rss = new RssTable(2, 128);
        PortAllocator a = new PortAllocator(toeplitz, rss, 0, LOW, HIGH, 1);
        PortAllocator b = new PortAllocator(toeplitz, rss, 1, LOW, HIGH, 1);
        BitSet fromA = new BitSet();
        BitSet fromB = new BitSet();
        int port;
        while ((port = a.allocate(local, remote, 80, fromA::get)) >= 0) {
            fromA.set(port);
        }
        while ((port = b.allocate(local, remote, 80, fromB::get)) >= 0) {
            fromB.set(port);
        }
        assertThat(fromA.intersects(fromB)).isFalse();
        BitSet all = (BitSet) fromA.clone();
        all.or(fromB);
        // Together the two engines can use every port of the range.
        assertThat(all.cardinality()).isEqualTo(HIGH - LOW + 1);
        assertThat(all.nextSetBit(0)).isEqualTo(LOW);
        assertThat(all.previousSetBit(70000)).isEqualTo(HIGH);
        // Each gets a roughly even share: with a 128-entry RETA each engine owns 64 hash classes.
        assertThat(fromA.cardinality()).isBetween((HIGH - LOW) * 4 / 10, (HIGH - LOW) * 6 / 10);
    }

    @Test
    void exhaustionReturnsMinusOne() {
        RssTable rss = new RssTable(4, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 2, 40000, 40063, 11);
        BitSet used = new BitSet();
        int port;
        int granted = 0;
        while ((port = allocator.allocate(local, remote, 80, used::get)) >= 0) {
            assertThat(used.get(port)).isFalse();
            used.set(port);
            granted++;
        }
        assertThat(port).isEqualTo(-1);
        assertThat(granted).isPositive().isLessThan(64);
        // Still -1 on asking again, and freeing one port makes exactly that port available.
        assertThat(allocator.allocate(local, remote, 80, used::get)).isEqualTo(-1);
        int freed = used.nextSetBit(0);
        used.clear(freed);
        assertThat(allocator.allocate(local, remote, 80, used::get)).isEqualTo(freed);
    }

    @Test
    void allEnginesPortsInUseMeansExhaustedEvenIfOtherEnginesPortsAreFree() {
        RssTable rss = new RssTable(2, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 0, LOW, HIGH, 8);
        IntPredicate engineZeroPortsBusy = p -> rss.queueFor(toeplitz.hash(remote, local, 80, p)) == 0;
        assertThat(allocator.allocate(local, remote, 80, engineZeroPortsBusy)).isEqualTo(-1);
    }

    @Test
    void singleQueueUsesTheWholeRange() {
        RssTable rss = new RssTable(1, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 0, 1024, 1033, 2);
        BitSet used = new BitSet();
        int port;
        while ((port = allocator.allocate(local, remote, 80, used::get)) >= 0) {
            used.set(port);
        }
        assertThat(used.cardinality()).isEqualTo(10);
    }

    @Test
    void allocatesNothingPerCall() {
        RssTable rss = new RssTable(2, 128);
        PortAllocator allocator = new PortAllocator(toeplitz, rss, 0, LOW, HIGH);
        IntPredicate never = p -> false;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += allocator.allocate(local, remote, 80 + (i & 7), never);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += allocator.allocate(local, remote + i, 80, never);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 100,000 allocations").isLessThan(1024);
    }

    @Test
    void rejectsBadRangesAndEnginesWithoutQueue() {
        RssTable rss = new RssTable(2, 128);
        assertThatThrownBy(() -> new PortAllocator(toeplitz, rss, 0, 61000, 60999))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("61000..60999");
        assertThatThrownBy(() -> new PortAllocator(toeplitz, rss, 0, 0, 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PortAllocator(toeplitz, rss, 2, LOW, HIGH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine");
        RssTable skewed = new RssTable(2, new int[] {0, 0, 0, 0});
        assertThatThrownBy(() -> new PortAllocator(toeplitz, skewed, 1, LOW, HIGH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no entry");
    }
}
