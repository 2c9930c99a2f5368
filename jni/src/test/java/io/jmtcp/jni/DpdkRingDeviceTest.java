package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import io.jmtcp.testing.Prerequisites;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPDK in this JVM (surefire forks one per test class, as EAL initialises once per process): EAL
 * leaves the JVM's CPU affinity alone, and two {@code net_ring} ports joined back to back move
 * frames in bursts, read and written in place in mbuf memory.
 */
class DpdkRingDeviceTest {

    private static int cpusBefore;
    private static String mainAffinityBefore;
    private static NetDevice a;
    private static NetDevice b;

    @BeforeAll
    static void open() throws Exception {
        Prerequisites.check(Dpdk.available(), "libjmtcp-dpdk (pkg-config libdpdk at build time)");
        cpusBefore = Runtime.getRuntime().availableProcessors();
        mainAffinityBefore = affinity("self");
        a = NetDevices.open("dpdk:rings:t0:a", 1, 1500, Map.of());
        b = NetDevices.open("dpdk:rings:t0:b", 1, 1500, Map.of());
    }

    @AfterAll
    static void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** Cpus_allowed_list of a task of this process ("self" is the calling thread's process leader view). */
    private static String affinity(String task) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new AssertionError("no Cpus_allowed_list for " + task);
    }

    @Test
    void ealInitialisationKeepsTheJvmsCpuAffinity() throws Exception {
        assertThat(Dpdk.initialisedWith()).contains("--no-huge");
        assertThat(Runtime.getRuntime().availableProcessors()).isEqualTo(cpusBefore);
        assertThat(affinity("self")).isEqualTo(mainAffinityBefore);
        int[] seen = new int[1];
        String[] aff = new String[1];
        Thread t = new Thread(() -> {
            seen[0] = Runtime.getRuntime().availableProcessors();
            try {
                aff[0] = affinity("self");
            } catch (Exception e) {
                aff[0] = e.toString();
            }
        });
        t.start();
        t.join();
        assertThat(seen[0]).as("a thread started after EAL init").isEqualTo(cpusBefore);
        assertThat(aff[0]).isEqualTo(mainAffinityBefore);
        assertThat(Dpdk.lcoresArgument()).startsWith("0@(");
    }

    @Test
    void secondInitialisationWithOtherArgumentsIsRefused() {
        assertThatThrownBy(() -> Dpdk.init("--no-huge -m 64 --no-pci"))
                .hasMessageContaining("already initialised")
                .hasMessageContaining("--no-huge -m 64 --no-pci");
    }

    @Test
    void unknownPortListsTheExistingOnes() {
        assertThatThrownBy(() -> NetDevices.open("dpdk:17", 1, 1500, Map.of()))
                .hasMessageContaining("no DPDK port 17")
                .hasMessageContaining("net_ring_jr_t0a");
        assertThatThrownBy(() -> NetDevices.open("dpdk:net_nosuch0", 1, 1500, Map.of()))
                .hasMessageContaining("net_nosuch0")
                .hasMessageContaining("existing ports")
                .hasMessageContaining("net_ring_jr_t0b");
        assertThatThrownBy(() -> NetDevices.open("dpdk:rings:t0:c", 1, 1500, Map.of()))
                .hasMessageContaining("rings:<pair>:a");
    }

    @Test
    void framesCrossTheRingPairInPlaceAndBurstThreadsRegisterWithEal() throws Exception {
        FrameBatch tx = new FrameBatch(32);
        FrameBatch rx = new FrameBatch(64);
        for (int i = 0; i < 32; i++) {
            int f = a.txAcquire(0, tx);
            assertThat(f).isEqualTo(i);
            ByteBuffer buf = tx.buffer(f);
            assertThat(buf.isDirect()).isTrue();
            for (int k = 0; k < 60; k++) {
                buf.put(tx.offset(f) + k, (byte) (i + k));
            }
            tx.length(f, 60);
        }
        assertThat(a.txBurst(0, tx)).isEqualTo(32);
        assertThat(tx.isEmpty()).isTrue();
        int got = b.rxBurst(0, rx);
        assertThat(got).isEqualTo(32);
        for (int i = 0; i < 32; i++) {
            assertThat(rx.length(i)).isEqualTo(60);
            ByteBuffer buf = rx.buffer(i);
            for (int k = 0; k < 60; k++) {
                assertThat(buf.get(rx.offset(i) + k)).isEqualTo((byte) (i + k));
            }
        }
        b.rxRelease(0, rx);
        assertThat(Dpdk.currentLcore()).as("the burst thread registered with EAL").isGreaterThanOrEqualTo(0);

        // a frame acquired and left empty is not sent
        tx.clear();
        a.txAcquire(0, tx);
        assertThat(a.txBurst(0, tx)).isZero();
        assertThat(b.rxBurst(0, rx)).isZero();
    }

    @Test
    void burstsAllocateNothingAndRecycleEveryMbuf() {
        FrameBatch tx = new FrameBatch(32);
        FrameBatch rx = new FrameBatch(32);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        AtomicInteger received = new AtomicInteger();
        Runnable round = () -> {
            while (a.txAcquire(0, tx) >= 0) {
                tx.length(tx.size() - 1, 64);
            }
            a.txBurst(0, tx);
            received.addAndGet(b.rxBurst(0, rx));
            b.rxRelease(0, rx);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run(); // warm-up, and far more frames than one mempool holds: mbufs are recycled
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertThat(received.get()).isEqualTo(2 * 20_000 * 32);
        assertThat(allocated).as("bytes allocated by 20000 rx+tx bursts").isLessThan(1024);
        assertThat(((DpdkDevice) a).txAllocFailures()).isZero();
    }

    @Test
    void batchesOfEverySizeCrossWhileTheTransmitStockFollowsThem() {
        // the stock is topped up to the size of the batch just sent (at least STOCK_MIN, at most
        // STOCK): a batch larger than the stock refills it mid-batch, and every frame still goes
        FrameBatch tx = new FrameBatch(256);
        FrameBatch rx = new FrameBatch(256);
        int marker = 0;
        for (int n : new int[] {1, 200, 3, DpdkDevice.STOCK, 17, 256, 2, DpdkDevice.STOCK + 1}) {
            int first = marker;
            for (int i = 0; i < n; i++) {
                int f = a.txAcquire(0, tx);
                assertThat(f).as("frame %d of a %d-frame batch", i, n).isEqualTo(i);
                tx.buffer(f).putInt(tx.offset(f), marker++);
                tx.length(f, 60);
            }
            assertThat(a.txBurst(0, tx)).as("sent of a %d-frame batch", n).isEqualTo(n);
            int got = b.rxBurst(0, rx);
            assertThat(got).isEqualTo(n);
            for (int i = 0; i < got; i++) {
                assertThat(rx.buffer(i).getInt(rx.offset(i))).isEqualTo(first + i);
            }
            b.rxRelease(0, rx);
        }
        assertThat(((DpdkDevice) a).txAllocFailures()).isZero();
    }
}
