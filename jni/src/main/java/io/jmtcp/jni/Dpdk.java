package io.jmtcp.jni;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DPDK's Environment Abstraction Layer for this JVM: initialised once per process, cleaned up
 * at exit. {@code rte_eal_init} pins the thread that calls it, and every thread that thread later
 * starts, to the lcore's CPUs; a JVM thread so pinned would make {@code availableProcessors()}
 * report 1 to everything it starts. So initialisation runs on a throwaway thread that ends right
 * after, and unless the arguments choose cores themselves ({@code -l}, {@code -c},
 * {@code --lcores}) they get {@code --lcores 0@(<every CPU this process may use>)}, so even that
 * thread keeps its full affinity. Engine threads are registered with DPDK
 * ({@code rte_thread_register}) by the shim on their first burst.
 *
 * <p>A failed initialisation cannot be retried in the same process (DPDK forbids it); the error
 * carries DPDK's own log lines and the arguments. A JVM shutdown hook closes every port still
 * open and then calls {@code rte_eal_cleanup}, so {@code net_tap} interfaces and DPDK's runtime
 * files do not outlive the process. Thread-safe.
 */
public final class Dpdk {

    /**
     * EAL arguments used when {@code jmtcp.dpdk.eal} is not set: ordinary memory instead of
     * hugepages, no PCI scan (virtual PMDs only), no shared config or telemetry socket files.
     */
    public static final String DEFAULT_EAL_ARGS = "--no-huge -m 256 --no-pci --no-shconf --no-telemetry";

    private static final Object LOCK = new Object();
    private static final AtomicReference<String> INITIALISED_WITH = new AtomicReference<>();
    private static volatile IOException failure;
    private static volatile ByteBuffer[] regions = new ByteBuffer[0];
    private static final Set<DpdkDevice> OPEN = ConcurrentHashMap.newKeySet();

    private Dpdk() {}

    /** Whether this build carries the DPDK shim (pkg-config found libdpdk when jmtcp was built). */
    public static boolean available() {
        return NativeLibrary.hasDpdk();
    }

    /**
     * Initialises EAL with {@code args} (whitespace-separated, without a program name) unless it
     * already is, with the same arguments.
     *
     * @throws IOException when DPDK refuses, with its message and the arguments; when EAL was
     *     already initialised with different arguments, or an earlier attempt failed
     * @throws UnsatisfiedLinkError when the build has no DPDK ("install libdpdk-dev and rebuild")
     */
    public static void init(String args) throws IOException {
        String normalised = String.join(" ", split(args));
        synchronized (LOCK) {
            String done = INITIALISED_WITH.get();
            if (done != null) {
                if (!done.equals(normalised)) {
                    throw new IOException("DPDK EAL is already initialised in this process with '" + done
                            + "'; it cannot be initialised again with '" + normalised
                            + "' (one EAL per process: use the same jmtcp.dpdk.eal, or another JVM)");
                }
                return;
            }
            if (failure != null) {
                throw new IOException("DPDK EAL initialisation already failed in this process and cannot be"
                        + " retried: " + failure.getMessage(), failure);
            }
            List<String> argv = new ArrayList<>();
            argv.add("jmtcp");
            argv.addAll(split(args));
            String[] a = argv.toArray(new String[0]);
            IOException[] error = new IOException[1];
            Thread t = new Thread(() -> {
                try {
                    DpdkNative.ealInit0(a);
                } catch (IOException e) {
                    error[0] = e;
                }
            }, "jmtcp-dpdk-eal-init");
            t.setDaemon(true);
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // EAL init cannot be abandoned half-way: finish waiting
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (error[0] != null) {
                failure = error[0];
                throw error[0];
            }
            INITIALISED_WITH.set(normalised);
            Runtime.getRuntime().addShutdownHook(new Thread(Dpdk::shutdown, "jmtcp-dpdk-cleanup"));
        }
    }

    /** The arguments EAL was initialised with, or null before {@link #init}. */
    public static String initialisedWith() {
        return INITIALISED_WITH.get();
    }

    /** The {@code --lcores} value {@link #init} adds: one lcore allowed on every CPU of this process. */
    public static String lcoresArgument() {
        byte[] b = new byte[512];
        int n = DpdkNative.lcoresArg0(b);
        if (n < 0) {
            throw new IllegalStateException("cannot read the CPU affinity: " + Errno.name(n));
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** The calling thread's DPDK lcore id, or -1 when it is not registered with EAL. */
    public static int currentLcore() {
        return DpdkNative.lcoreId0();
    }

    /** Every ethdev port EAL knows, as {@code "0 net_tap0 (net_tap), 1 ..."}, or {@code "none"}. */
    public static String ports() {
        return DpdkNative.portList0();
    }

    /**
     * Closes every port still open and releases EAL. Runs from the shutdown hook; after it no
     * DPDK device works in this process.
     */
    static void shutdown() {
        synchronized (LOCK) {
            for (DpdkDevice d : OPEN.toArray(new DpdkDevice[0])) {
                d.close();
            }
            if (INITIALISED_WITH.get() != null) {
                DpdkNative.ealCleanup0();
            }
        }
    }

    static void opened(DpdkDevice d) {
        OPEN.add(d);
    }

    static void closed(DpdkDevice d) {
        OPEN.remove(d);
    }

    /**
     * The regions (mempool memory chunks) as direct buffers, refreshed when ports opened since
     * added some. Cold: called when a port opens and when a frame names a region not seen yet.
     */
    static ByteBuffer[] regions() {
        synchronized (LOCK) {
            ByteBuffer[] r = regions;
            int n = DpdkNative.regionCount0();
            if (n != r.length) {
                ByteBuffer[] more = Arrays.copyOf(r, n);
                for (int i = r.length; i < n; i++) {
                    more[i] = DpdkNative.region0(i);
                }
                regions = r = more;
            }
            return r;
        }
    }

    private static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        if (args != null) {
            for (String s : args.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
