package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.services.HttpResponder;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmtcp's TCP against the Linux kernel's, with real tools on the kernel side: curl, wrk,
 * busybox httpd, python, tcpdump/tshark.
 *
 * <p>Topology, so that loss can be made real for both senders: jmtcp sits on a TAP in a "link"
 * namespace, where the TAP and one end of a veth pair are bridged; the other veth end, with
 * 198.18.0.1/24, is in the "kernel" namespace where the tools run; jmtcp is 198.18.0.2/24.
 * Impairment (1% loss and 1% duplication each way) is an nftables netdev table on the link
 * namespace's ingress hooks: a packet dropped there has already left its sender's TCP, unlike
 * a drop on the sender's own egress hook, which the kernel's TCP sees as local congestion and
 * simply sends again. {@code gso_max_segs 1} on the kernel's veth makes its TCP emit one
 * segment per packet, so a drop loses one segment and not a 64 KiB GSO burst.
 */
@Tag("interop")
class TcpLinuxInteropTest {

    private static final String JMTCP = "198.18.0.2";
    private static final int HTTP_PORT = 8080;
    private static final long MIB_256 = 256L * 1024 * 1024;
    private static final String PATTERN_256_MIB_SHA = "486cc817b95d853d3c357ff283b204c0144bd255e73fe2deb1389493b257e3c0";

    private Netns link;
    private Netns kernel;
    private String tap;
    private String vethLink;
    private String vethKernel;
    private Stack stack;
    private HttpResponder http;

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("curl", "wrk", "busybox", "nft", "tcpdump", "tshark", "sha256sum");
        Prerequisites.check(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3");
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        tap = "jmtt" + id;
        vethLink = "jmtl" + id;
        vethKernel = "jmtk" + id;
        link = Netns.create();
        kernel = Netns.create();
    }

    @AfterEach
    void cleanUp() {
        try {
            if (http != null) {
                http.close();
            }
            if (stack != null) {
                stack.close();
            }
        } finally {
            try {
                if (kernel != null) {
                    kernel.close();
                }
            } finally {
                if (link != null) {
                    link.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ topology

    /** jmtcp in this JVM on a TAP, with the HTTP responder on port 8080. */
    private void startJmtcpServer() throws Exception {
        stack = Stack.start(JmtcpConfig.of(Map.of(
                "device", "tap:" + tap,
                "ip", JMTCP + "/24",
                "name", "it-" + tap,
                "jmx", "false")));
        link.moveIn(tap);
        wire();
        http = (HttpResponder) new HttpResponder().start(stack, HTTP_PORT);
    }

    /** A persistent multi-queue TAP in the link namespace, for a jmtcp child process to open there. */
    private void createPersistentTap() {
        link.exec("ip", "tuntap", "add", "dev", tap, "mode", "tap", "multi_queue").orThrow();
        wire();
    }

    private void wire() {
        String br = tap + "b";
        link.exec("ip", "link", "add", vethLink, "type", "veth", "peer", "name", vethKernel, "netns", kernel.name())
                .orThrow();
        link.exec("ip", "link", "add", br, "type", "bridge").orThrow();
        for (String dev : new String[] {tap, vethLink, br}) {
            link.exec("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1").orThrow();
        }
        link.exec("ip", "link", "set", tap, "master", br).orThrow();
        link.exec("ip", "link", "set", vethLink, "master", br).orThrow();
        for (String dev : new String[] {br, vethLink, tap}) {
            link.exec("ip", "link", "set", dev, "up").orThrow();
        }
        kernel.configure(vethKernel, "198.18.0.1/24");
    }

    /** 1% loss and 1% duplication in each direction, on the link namespace's ingress hooks. */
    private void impair() throws Exception {
        kernel.exec("ip", "link", "set", "dev", vethKernel, "gso_max_segs", "1").orThrow();
        String rules = "table netdev jmtcp_impair {\n"
                + "  chain from_kernel { type filter hook ingress device \"" + vethLink + "\" priority 0; policy accept;\n"
                + "    numgen random mod 100 < 1 counter drop\n"
                + "    numgen random mod 100 < 1 counter dup to \"" + tap + "\"\n  }\n"
                + "  chain from_jmtcp { type filter hook ingress device \"" + tap + "\" priority 0; policy accept;\n"
                + "    numgen random mod 100 < 1 counter drop\n"
                + "    numgen random mod 100 < 1 counter dup to \"" + vethLink + "\"\n  }\n"
                + "}\n";
        Path file = Files.createTempFile("jmtcp-impair-", ".nft");
        try {
            Files.writeString(file, rules);
            link.exec("nft", "-f", file.toString()).orThrow();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Runs a bash script in the kernel namespace. */
    private Shell.Result kernelBash(Duration timeout, String script) {
        return kernel.exec(timeout, "bash", "-c", "set -o pipefail; " + script);
    }

    private static void log(String what) {
        System.out.println("[TcpLinuxInteropTest] " + what);
    }

    // ------------------------------------------------------------------ jmtcp serves, curl downloads / uploads

    @Test
    void curlDownloads256MiBFromJmtcpAndPosts256MiBToIt(@TempDir Path dir) throws Exception {
        startJmtcpServer();

        Shell.Result down = kernelBash(Duration.ofSeconds(120), "curl -sS --max-time 100 -w '%{stderr}%{http_code} "
                + "%{size_download} %{speed_download} %{time_total}\\n' http://" + JMTCP + ":" + HTTP_PORT
                + "/bytes/" + MIB_256 + " | sha256sum");
        assertThat(down.ok()).as(down.describe()).isTrue();
        assertThat(down.stdout()).startsWith(PATTERN_256_MIB_SHA);
        assertThat(down.stderr()).as(down.describe()).startsWith("200 " + MIB_256 + " ");
        log("curl download 256 MiB from jmtcp: " + throughput(down.stderr()));

        Path blob = dir.resolve("upload.bin");
        Shell.check("bash", "-c", "head -c " + MIB_256 + " /dev/urandom > " + blob);
        String sha = Shell.check("sha256sum", blob.toString()).stdout().substring(0, 64);
        Shell.Result up = kernelBash(Duration.ofSeconds(120), "curl -sS --max-time 100 --data-binary @" + blob
                + " -w '%{stderr}%{http_code} %{size_upload} %{speed_upload} %{time_total}\\n' http://" + JMTCP + ":"
                + HTTP_PORT + "/upload");
        assertThat(up.ok()).as(up.describe()).isTrue();
        assertThat(up.stdout().strip()).as("the SHA-256 jmtcp computed of what curl posted").isEqualTo(sha);
        assertThat(up.stderr()).startsWith("200 " + MIB_256 + " ");
        log("curl upload 256 MiB to jmtcp: " + throughput(up.stderr()));
    }

    @Test
    void curlDownloadsFromJmtcpThroughLossAndDuplicationWithSackInBothDirections(@TempDir Path dir) throws Exception {
        startJmtcpServer();
        impair();
        Path pcap = dir.resolve("lossy.pcap");
        // the first 40000 packets hold the handshake and plenty of recovery episodes
        Shell.Background capture = kernel.start("tcpdump", "-i", vethKernel, "-s", "128", "-c", "40000", "-U", "-w",
                pcap.toString(), "tcp");
        awaitCaptureReady(capture);

        Shell.Result down = kernelBash(Duration.ofSeconds(150), "curl -sS --max-time 140 -w '%{stderr}%{http_code} "
                + "%{size_download} %{speed_download} %{time_total}\\n' http://" + JMTCP + ":" + HTTP_PORT
                + "/bytes/" + MIB_256 + " | sha256sum");
        assertThat(down.ok()).as(down.describe()).isTrue();
        assertThat(down.stdout()).startsWith(PATTERN_256_MIB_SHA);
        log("curl download 256 MiB from jmtcp with 1% loss + 1% duplication: " + throughput(down.stderr()));
        assertThat(stack.counter(Counter.TCP_RETRANSMITS)).as("jmtcp retransmitted").isPositive();
        assertThat(stack.counter(Counter.TCP_SACK_BLOCKS_RECEIVED)).as("SACK blocks from Linux").isPositive();
        log("jmtcp counters: retransmits " + stack.counter(Counter.TCP_RETRANSMITS) + ", fast retransmits "
                + stack.counter(Counter.TCP_FAST_RETRANSMITS) + ", RTOs " + stack.counter(Counter.TCP_RTO_TIMEOUTS)
                + ", SACK blocks received " + stack.counter(Counter.TCP_SACK_BLOCKS_RECEIVED));

        capture.await(Duration.ofSeconds(30));
        Shell.Result fields = Shell.run(Duration.ofSeconds(120), "tshark", "-r", pcap.toString(), "-T", "fields",
                "-E", "separator=|", "-e", "ip.src", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift", "-e", "tcp.options.sack_perm",
                "-e", "tcp.options.timestamp.tsval", "-e", "tcp.options.sack_le");
        assertThat(fields.ok()).as(fields.describe()).isTrue();
        List<String[]> rows = fields.stdout().lines().map(l -> l.split("\\|", -1)).toList();
        String[] syn = rows.stream().filter(r -> r[1].equals("1") && r[2].equals("0")).findFirst().orElseThrow();
        String[] synAck = rows.stream().filter(r -> r[1].equals("1") && r[2].equals("1")).findFirst().orElseThrow();
        assertThat(syn[0]).isEqualTo("198.18.0.1");
        assertThat(synAck[0]).isEqualTo(JMTCP);
        for (String[] s : new String[][] {syn, synAck}) {
            assertThat(s[3]).as("MSS from " + s[0]).isNotEmpty();
            assertThat(s[4]).as("window scale from " + s[0]).isNotEmpty();
            assertThat(s[5]).as("SACK permitted from " + s[0]).isNotEmpty();
            assertThat(s[6]).as("timestamp from " + s[0]).isNotEmpty();
        }
        log("SYN options (kernel): mss " + syn[3] + " wscale " + syn[4] + "; SYN-ACK (jmtcp): mss " + synAck[3]
                + " wscale " + synAck[4]);
        long sacksFromKernel = rows.stream().filter(r -> r[0].equals("198.18.0.1") && !r[7].isEmpty()).count();
        assertThat(sacksFromKernel).as("segments from Linux carrying SACK blocks").isPositive();
        long timestampedFromJmtcp = rows.stream().filter(r -> r[0].equals(JMTCP) && !r[6].isEmpty()).count();
        assertThat(timestampedFromJmtcp).as("jmtcp segments with timestamps")
                .isEqualTo(rows.stream().filter(r -> r[0].equals(JMTCP)).count());
    }

    private static void awaitCaptureReady(Shell.Background capture) throws InterruptedException {
        // tcpdump needs a moment to attach; it prints nothing useful on stdout, so wait a fixed time
        Thread.sleep(700);
        assertThat(capture.isAlive()).as("tcpdump is running").isTrue();
    }

    // ------------------------------------------------------------------ jmtcp downloads from the kernel

    @Test
    void jmtcpGetDownloads256MiBFromBusyboxHttpdCleanAndThroughLoss(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath();
        Prerequisites.check(Files.isRegularFile(jar), "the shaded jar " + jar + " was not built");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path www = Files.createDirectory(dir.resolve("www"));
        Path blob = www.resolve("blob");
        Shell.check("bash", "-c", "head -c " + MIB_256 + " /dev/urandom > " + blob);
        String sha = Shell.check("sha256sum", blob.toString()).stdout().substring(0, 64);
        createPersistentTap();
        kernel.start("busybox", "httpd", "-f", "-p", "198.18.0.1:8000", "-h", www.toString());
        Thread.sleep(300);

        String[] get = {java, "-jar", jar.toString(), "get", "--device", "tap:" + tap, "--ip", JMTCP + "/24",
            "http://198.18.0.1:8000/blob"};
        Shell.Result clean = link.exec(Duration.ofSeconds(120), get);
        assertThat(clean.exitCode()).as(clean.describe()).isZero();
        assertThat(clean.stdout()).contains("HTTP 200").contains("bytes " + MIB_256 + "\n").contains("sha256 " + sha);
        log("jmtcp get 256 MiB from busybox httpd: " + line(clean.stdout(), "throughput"));

        impair();
        Path pcap = dir.resolve("get-lossy.pcap");
        Shell.Background capture = kernel.start("tcpdump", "-i", vethKernel, "-s", "128", "-c", "30000", "-U", "-w",
                pcap.toString(), "tcp");
        awaitCaptureReady(capture);
        Shell.Result lossy = link.exec(Duration.ofSeconds(150), get);
        assertThat(lossy.exitCode()).as(lossy.describe()).isZero();
        assertThat(lossy.stdout()).contains("HTTP 200").contains("sha256 " + sha);
        assertThat(counter(lossy.stdout(), "TCP_OUT_OF_ORDER_SEGMENTS")).as("holes jmtcp saw").isPositive();
        log("jmtcp get 256 MiB from busybox httpd with 1% loss + 1% duplication: " + line(lossy.stdout(), "throughput")
                + ", out-of-order segments " + counter(lossy.stdout(), "TCP_OUT_OF_ORDER_SEGMENTS"));
        capture.await(Duration.ofSeconds(30));
        Shell.Result sacks = Shell.run(Duration.ofSeconds(120), "tshark", "-r", pcap.toString(), "-T", "fields",
                "-Y", "ip.src == " + JMTCP + " && tcp.options.sack_le", "-e", "tcp.options.sack_le");
        assertThat(sacks.ok()).as(sacks.describe()).isTrue();
        assertThat(sacks.stdout().lines().count()).as("jmtcp ACKs carrying SACK blocks (RFC 2018)").isPositive();
    }

    // ------------------------------------------------------------------ many connections

    @Test
    void wrkWith64ConnectionsSeesNoSocketErrorsAndOnly2xx() throws Exception {
        startJmtcpServer();

        Shell.Result wrk = kernel.exec(Duration.ofSeconds(60), "wrk", "-t2", "-c64", "-d10s",
                "http://" + JMTCP + ":" + HTTP_PORT + "/");
        assertThat(wrk.ok()).as(wrk.describe()).isTrue();
        String out = wrk.stdout();
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(out);
        assertThat(requests.find()).as(out).isTrue();
        assertThat(Long.parseLong(requests.group(1))).as(out).isGreaterThan(1000);
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(out);
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) {
                assertThat(Long.parseLong(errors.group(g))).as(out).isZero();
            }
        }
        assertThat(out).as("wrk reports non-2xx responses only when there are some").doesNotContain("Non-2xx");
        log("wrk -t2 -c64 -d10s: " + line(out, "Requests/sec") + "; " + requests.group(1) + " requests");
    }

    @Test
    void tenThousandShortConnectionsFromLinuxAllSucceed(@TempDir Path dir) throws Exception {
        startJmtcpServer();
        Path script = dir.resolve("short.py");
        Files.writeString(script, String.join("\n",
                "import socket, sys, threading",
                "host, port, total, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])",
                "ok = [0] * threads; bad = []",
                "def run(k):",
                "    for i in range(total // threads):",
                "        try:",
                "            s = socket.create_connection((host, port), timeout=10)",
                "            s.sendall(b'GET /bytes/100 HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n')",
                "            data = b''",
                "            while True:",
                "                c = s.recv(65536)",
                "                if not c: break",
                "                data += c",
                "            s.close()",
                "            head, _, body = data.partition(b'\\r\\n\\r\\n')",
                "            if head.startswith(b'HTTP/1.1 200') and body == bytes(range(100)):",
                "                ok[k] += 1",
                "            else:",
                "                bad.append(repr(data[:80]))",
                "        except Exception as e:",
                "            bad.append(repr(e))",
                "ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]",
                "[t.start() for t in ts]; [t.join() for t in ts]",
                "print('ok', sum(ok)); print('bad', len(bad)); print('\\n'.join(bad[:5]))",
                ""));
        long began = System.nanoTime();
        Shell.Result run = kernel.exec(Duration.ofSeconds(180), "/usr/bin/python3", script.toString(), JMTCP,
                Integer.toString(HTTP_PORT), "10000", "8");
        double seconds = (System.nanoTime() - began) / 1e9;
        assertThat(run.ok()).as(run.describe()).isTrue();
        assertThat(run.stdout()).as(run.describe()).contains("ok 10000\n").contains("bad 0\n");
        assertThat(http.accepted()).isGreaterThanOrEqualTo(10_000);
        log(String.format("10000 short connections in %.1f s (%.0f/s)", seconds, 10_000 / seconds));
    }

    // ------------------------------------------------------------------ helpers

    private static String throughput(String curlStats) {
        String[] f = curlStats.strip().split(" ");
        double bytesPerSecond = Double.parseDouble(f[2]);
        return String.format("%.1f Mbit/s in %s s", bytesPerSecond * 8 / 1e6, f[3]);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.strip().startsWith(prefix)).findFirst().orElse("(no " + prefix + " line)").strip();
    }

    private static long counter(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " +(\\d+)$").matcher(output);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
