package io.jmtcp.it.dpdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The DPDK device with the Linux kernel as peer through {@code net_tap} with {@code --no-huge}:
 * each scenario starts {@code jmtcp.jar serve --device dpdk:net_tap0,iface=X} in its own JVM inside
 * its own namespace, configures the kernel side of the interface that appears during EAL init,
 * and drives it with ping, curl and wrk.
 */
@Tag("interop")
class DpdkTapInteropTest {

    private static final String JMTCP_IP = "198.18.0.2";
    private static final Pattern ENGINE_LINE =
            Pattern.compile("engine (\\d+): rx (\\d+) frames, tx (\\d+) frames, (\\d+) passive opens");

    private Path jar;
    private String java;

    @BeforeEach
    void prerequisites() throws IOException {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("ping", "curl", "wrk", "sha256sum");
        jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath().normalize();
        boolean hasDpdk = false;
        if (Files.isRegularFile(jar)) {
            try (JarFile j = new JarFile(jar.toFile())) {
                hasDpdk = j.getEntry("io/jmtcp/jni/native/linux-x86_64/libjmtcp-dpdk.so") != null;
            }
        }
        Prerequisites.check(hasDpdk, "jmtcp.jar with libjmtcp-dpdk.so (built with libdpdk-dev installed)");
        java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String ifname() {
        return "dtap" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    }

    private Shell.Background serve(Netns ns, String device, String... more) {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-jar",
                jar.toString(), "serve", "--device", device, "--ip", JMTCP_IP + "/24", "--http", "8080"));
        cmd.addAll(List.of(more));
        return ns.start(cmd.toArray(new String[0]));
    }

    /** Waits for net_tap's interface (it appears during EAL init), then configures the kernel side. */
    private static void kernelSide(Netns ns, String ifname, Shell.Background serve) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ns.exec("ip", "link", "show", "dev", ifname).ok()) {
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited early: " + serve.await(Duration.ofSeconds(1)).describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("net_tap interface " + ifname + " did not appear within 60 s");
            }
            Thread.sleep(50);
        }
        ns.configure(ifname, "198.18.0.1/24");
        // serve prints its banner once the port is started; before that the kernel's first frames are lost
        while (ns.exec("ping", "-c", "1", "-W", "1", JMTCP_IP).exitCode() != 0) {
            if (!serve.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("jmtcp did not answer ping: " + serve.await(Duration.ofSeconds(5)).describe());
            }
        }
    }

    /** utime + stime of the thread named jmtcp-engine-0 of process pid, in clock ticks. */
    private static long engineCpuTicks(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).strip().equals("jmtcp-engine-0")) {
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the parenthesised name: state is field 3, utime 14, stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        throw new AssertionError("no jmtcp-engine-0 thread in process " + pid);
    }

    private static Shell.Result stop(Shell.Background serve) {
        Shell.check("kill", "-TERM", Long.toString(serve.pid()));
        return serve.await(Duration.ofSeconds(30));
    }

    private static String patternSha256(long n) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 16];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i; // byte i of /bytes/N is i mod 256
        }
        for (long done = 0; done < n; done += chunk.length) {
            sha.update(chunk, 0, (int) Math.min(chunk.length, n - done));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void kernelPingsDownloads64MibAndRunsWrkWithoutErrors() throws Exception {
        String ifname = ifname();
        try (Netns ns = Netns.create()) {
            Shell.Background serve = serve(ns, "dpdk:net_tap0,iface=" + ifname);
            kernelSide(ns, ifname, serve);

            Shell.Result ping = ns.exec(Duration.ofSeconds(60), "ping", "-c", "50", "-i", "0.02", "-W", "2", JMTCP_IP);
            assertThat(ping.stdout()).as(ping.describe()).contains("50 packets transmitted, 50 received");

            // idle, the engine sleeps on net_tap's receive interrupt (the queue's fd) instead of polling
            long before = engineCpuTicks(serve.pid());
            Thread.sleep(2000);
            long idleTicks = engineCpuTicks(serve.pid()) - before;
            assertThat(idleTicks).as("engine CPU ticks (1/100 s) in 2 s of idleness").isLessThan(10);

            long size = 64L << 20;
            Shell.Result curl = ns.exec(Duration.ofSeconds(180), "sh", "-c",
                    "curl -sSf --max-time 170 http://" + JMTCP_IP + ":8080/bytes/" + size + " | sha256sum");
            assertThat(curl.ok()).as(curl.describe()).isTrue();
            assertThat(curl.stdout().split(" ")[0]).as("SHA-256 of the 64 MiB body").isEqualTo(patternSha256(size));

            Shell.Result wrk = ns.exec(Duration.ofSeconds(60), "wrk", "-t2", "-c32", "-d10s", "http://" + JMTCP_IP + ":8080/");
            assertThat(wrk.ok()).as(wrk.describe()).isTrue();
            assertThat(wrk.stdout()).as(wrk.describe()).doesNotContain("Socket errors").doesNotContain("Non-2xx");
            Matcher m = Pattern.compile("(\\d+) requests in").matcher(wrk.stdout());
            assertThat(m.find()).as(wrk.describe()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isPositive();
            System.out.println("net_tap wrk -t2 -c32 -d10s:\n" + wrk.stdout());

            Shell.Result out = stop(serve);
            assertThat(out.stdout()).as(out.describe()).contains("jmtcp stopped").contains("ICMP_TX_ECHO_REPLIES");
            assertThat(ns.exec("ip", "link", "show", "dev", ifname).ok())
                    .as("net_tap's interface is gone once the port is closed").isFalse();
        }
    }

    @Test
    void twoQueuesOnMultiQueueNetTapBothCarryFlows() throws Exception {
        String ifname = ifname();
        try (Netns ns = Netns.create()) {
            Shell.Background serve = serve(ns, "dpdk:net_tap0,iface=" + ifname + ",queues=2", "--engines", "2");
            kernelSide(ns, ifname, serve);
            // new connections from changing source ports: the kernel spreads them over the TAP's queues
            for (int i = 0; i < 24; i++) {
                Shell.Result r = ns.exec(Duration.ofSeconds(30), "curl", "-sSf", "-o", "/dev/null",
                        "http://" + JMTCP_IP + ":8080/bytes/100000");
                assertThat(r.ok()).as(r.describe()).isTrue();
            }
            Shell.Result out = stop(serve);
            Matcher m = ENGINE_LINE.matcher(out.stdout());
            long[] opens = new long[2];
            while (m.find()) {
                opens[Integer.parseInt(m.group(1))] = Long.parseLong(m.group(4));
            }
            assertThat(opens[0] + opens[1]).as(out.describe()).isEqualTo(24);
            assertThat(opens[0]).as("engine 0 passive opens: " + out.stdout()).isPositive();
            assertThat(opens[1]).as("engine 1 passive opens: " + out.stdout()).isPositive();
        }
    }

    @Test
    void exceptionPathGivesTheKernelTheFramesNotAddressedToJmtcp() throws Exception {
        Prerequisites.requireCommands("busybox");
        String ifname = ifname();
        String exc = "jexc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        try (Netns ns = Netns.create(); Netns host = Netns.create()) {
            Shell.Background serve = serve(ns, "dpdk:net_tap0,iface=" + ifname + ",exception=" + exc);
            // the exception TAP stands for the host's own kernel on a DPDK-owned NIC: another namespace here
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ns.exec("ip", "link", "show", "dev", exc).ok()) {
                assertThat(serve.isAlive()).as("serve is running").isTrue();
                assertThat(System.nanoTime() < deadline).as("exception TAP within 60 s").isTrue();
                Thread.sleep(50);
            }
            ns.exec("ip", "link", "set", "dev", exc, "netns", host.name()).orThrow();
            host.configure(exc, "198.18.0.3/24");
            kernelSide(ns, ifname, serve);

            Shell.Result toHost = ns.exec(Duration.ofSeconds(30), "ping", "-c", "10", "-i", "0.05", "-W", "2", "198.18.0.3");
            assertThat(toHost.stdout()).as(toHost.describe()).contains("10 packets transmitted, 10 received");
            Shell.Result toJmtcp = ns.exec(Duration.ofSeconds(30), "ping", "-c", "10", "-i", "0.05", "-W", "2", JMTCP_IP);
            assertThat(toJmtcp.stdout()).as(toJmtcp.describe()).contains("10 packets transmitted, 10 received");

            // TCP to the host's kernel crosses the port and the exception TAP; jmtcp's own TCP still works
            Path received = Files.createTempFile("jmtcp-exc-", ".txt");
            try {
                Shell.Background listener = host.start("sh", "-c", "busybox nc -l -p 9999 > " + received);
                Thread.sleep(300);
                Shell.Result send = ns.exec(Duration.ofSeconds(20), "sh", "-c",
                        "echo through-the-exception-path | busybox nc -w 2 198.18.0.3 9999");
                assertThat(send.ok()).as(send.describe()).isTrue();
                listener.await(Duration.ofSeconds(10));
                assertThat(Files.readString(received)).contains("through-the-exception-path");
            } finally {
                Files.deleteIfExists(received);
            }
            Shell.Result curl = ns.exec(Duration.ofSeconds(30), "curl", "-sSf", "http://" + JMTCP_IP + ":8080/");
            assertThat(curl.stdout()).as(curl.describe()).contains("jmtcp HTTP/1.1 responder");

            stop(serve);
            assertThat(host.exec("ip", "link", "show", "dev", exc).ok()).as("the exception TAP is gone").isFalse();
        }
    }

    /**
     * The exception path configured as KNI does it: the host kernel's side of the exception TAP
     * has jmtcp's MAC and IPv4 address, so one address serves both stacks. TCP to a port jmtcp
     * does not use and UDP reach the kernel through the DPDK port (the engine hands them over
     * instead of answering RST / port unreachable), and the kernel's replies go out through it,
     * while jmtcp's own HTTP port is still served by jmtcp.
     */
    @Test
    void exceptionPathSharesJmtcpsAddressWithTheKernelLikeKni() throws Exception {
        Prerequisites.requireCommands("busybox", "python3");
        String ifname = ifname();
        String exc = "jexc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        String mac = "02:00:c6:12:00:02";
        try (Netns ns = Netns.create(); Netns host = Netns.create()) {
            Shell.Background serve = serve(ns, "dpdk:net_tap0,iface=" + ifname + ",exception=" + exc + ",mac=" + mac);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ns.exec("ip", "link", "show", "dev", exc).ok()) {
                assertThat(serve.isAlive()).as("serve is running").isTrue();
                assertThat(System.nanoTime() < deadline).as("exception TAP within 60 s").isTrue();
                Thread.sleep(50);
            }
            // the host's kernel (another namespace here): same MAC, same address, ephemeral ports
            // apart from jmtcp's (jmtcp.tcp.ports defaults to 32768-60999)
            ns.exec("ip", "link", "set", "dev", exc, "netns", host.name()).orThrow();
            host.exec("ip", "link", "set", "dev", exc, "down").orThrow();
            host.exec("ip", "link", "set", "dev", exc, "address", mac).orThrow();
            host.exec("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=61000 65000").orThrow();
            host.configure(exc, JMTCP_IP + "/24");
            kernelSide(ns, ifname, serve);

            Path received = Files.createTempFile("jmtcp-kni-", ".txt");
            try {
                // TCP to a port jmtcp has no socket on: the kernel's server answers through the port
                Shell.Background listener = host.start("sh", "-c", "busybox nc -l -p 9999 > " + received);
                Thread.sleep(300);
                Shell.Result send = ns.exec(Duration.ofSeconds(20), "sh", "-c",
                        "echo to-the-kernel-on-jmtcps-address | busybox nc -w 2 " + JMTCP_IP + " 9999");
                assertThat(send.ok()).as(send.describe()).isTrue();
                Shell.Result l = listener.await(Duration.ofSeconds(10));
                assertThat(Files.readString(received)).as(l.describe()).contains("to-the-kernel-on-jmtcps-address");
            } finally {
                Files.deleteIfExists(received);
            }

            // a UDP exchange with the kernel: its socket answers (jmtcp would say port unreachable)
            Shell.Background udpServer = host.start("python3", "-c", "import socket\n"
                    + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    + "s.bind(('" + JMTCP_IP + "', 5353))\n"
                    + "d, a = s.recvfrom(2048)\n"
                    + "s.sendto(b'kernel got ' + d, a)\n");
            Thread.sleep(500);
            Shell.Result udp = ns.exec(Duration.ofSeconds(30), "python3", "-c", "import socket\n"
                    + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    + "s.settimeout(3)\n"
                    + "for attempt in range(5):\n"
                    + "    s.sendto(b'a datagram', ('" + JMTCP_IP + "', 5353))\n"
                    + "    try:\n"
                    + "        print(s.recvfrom(2048)[0].decode())\n"
                    + "        break\n"
                    + "    except socket.timeout:\n"
                    + "        pass\n");
            assertThat(udp.stdout()).as(udp.describe() + "\n" + udpServer.await(Duration.ofSeconds(5)).describe())
                    .contains("kernel got a datagram");

            // jmtcp's own port is still jmtcp's
            Shell.Result curl = ns.exec(Duration.ofSeconds(30), "curl", "-sSf", "http://" + JMTCP_IP + ":8080/");
            assertThat(curl.stdout()).as(curl.describe()).contains("jmtcp HTTP/1.1 responder");

            Shell.Result out = stop(serve);
            assertThat(counter(out.stdout(), "EXCEPTION_TCP_NO_SOCKET")).as(out.describe()).isPositive();
            assertThat(counter(out.stdout(), "EXCEPTION_UDP")).as(out.describe()).isPositive();
            assertThat(counter(out.stdout(), "EXCEPTION_ARP")).as(out.describe()).isPositive();
            assertThat(counter(out.stdout(), "RX_DROP_TCP_NO_SOCKET")).as(out.describe()).isZero();
            assertThat(host.exec("ip", "link", "show", "dev", exc).ok()).as("the exception TAP is gone").isFalse();
        }
    }

    /** A counter from serve's closing table, 0 when it is not listed. */
    private static long counter(String stdout, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+(\\d+)$").matcher(stdout);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void badEalArgumentsAndUnknownPortFailClearlyAndLeaveNothing() throws Exception {
        String ifname = ifname();
        try (Netns ns = Netns.create()) {
            Shell.Background bad = serve(ns, "dpdk:net_tap0,iface=" + ifname,
                    "--set", "dpdk.eal=--no-huge -m 128 --no-pci --no-shconf --bogus-flag");
            Shell.Result r = bad.await(Duration.ofSeconds(60));
            String text = r.stdout() + r.stderr();
            assertThat(r.exitCode()).as(r.describe()).isNotZero();
            assertThat(text).as(r.describe()).contains("rte_eal_init failed").contains("--bogus-flag")
                    .contains("DPDK said:");
            assertThat(text).doesNotContain("hs_err").doesNotContain("SIGSEGV");

            Shell.Background missing = serve(ns, "dpdk:7");
            Shell.Result m = missing.await(Duration.ofSeconds(60));
            assertThat(m.exitCode()).as(m.describe()).isNotZero();
            assertThat(m.stdout() + m.stderr()).as(m.describe()).contains("no DPDK port 7; existing ports: none");

            Shell.Result links = ns.exec("ip", "-o", "link");
            assertThat(links.stdout()).as("only loopback is left in the namespace").doesNotContain(ifname)
                    .doesNotContain("dtap");
        }
    }
}
