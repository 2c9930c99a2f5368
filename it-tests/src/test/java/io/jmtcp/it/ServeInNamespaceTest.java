package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's acceptance, as a user runs it: {@code jmtcp.jar serve --device tap:NAME
 * --ip 198.18.0.2/24} inside a namespace answers the kernel's pings, and the pcap it writes is
 * decoded correctly by tshark.
 */
@Tag("interop")
class ServeInNamespaceTest {

    @Test
    void serveOnTapAnswersPingAndWritesAPcapThatTsharkDecodes(@TempDir Path dir) throws Exception {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("ping", "tshark");
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath();
        Prerequisites.check(Files.isRegularFile(jar), "the shaded jar " + jar + " was not built");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String ifname = "jmts" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Path pcap = dir.resolve("serve.pcap");

        try (Netns ns = Netns.create()) {
            Shell.Background serve = ns.start(java, "-jar", jar.toString(), "serve", "--device", "tap:" + ifname,
                    "--ip", "198.18.0.2/24", "--pcap", pcap.toString());
            awaitInterface(ns, ifname, serve);
            // the kernel side of the TAP, created by jmtcp inside the namespace
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf." + ifname + ".disable_ipv6=1").orThrow();
            ns.exec("ip", "addr", "add", "198.18.0.1/24", "dev", ifname).orThrow();
            ns.exec("ip", "link", "set", "dev", ifname, "up").orThrow();

            Shell.Result ping = ns.exec(Duration.ofSeconds(30), "ping", "-c", "10", "-i", "0.05", "-W", "2", "198.18.0.2");
            assertThat(ping.stdout()).as(ping.describe()).contains("10 packets transmitted, 10 received");

            Shell.check("kill", "-TERM", Long.toString(serve.pid()));
            Shell.Result out = serve.await(Duration.ofSeconds(20));
            assertThat(out.stdout()).as(out.describe()).contains("ICMP_TX_ECHO_REPLIES");
        }

        Shell.Result decoded = Shell.run(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(), "-T", "fields",
                "-e", "frame.protocols", "-e", "arp.opcode", "-e", "icmp.type", "-e", "ip.src", "-e", "ip.dst");
        assertThat(decoded.ok()).as(decoded.describe()).isTrue();
        String fields = decoded.stdout();
        assertThat(fields).as("ARP reply from jmtcp").containsPattern("eth:ethertype:arp\\t2");
        assertThat(fields.lines().filter(l -> l.matches("eth:ethertype:ip:icmp:data\\t\\t8\\t198\\.18\\.0\\.1\\t198\\.18\\.0\\.2")))
                .as("echo requests from the kernel").hasSize(10);
        assertThat(fields.lines().filter(l -> l.matches("eth:ethertype:ip:icmp:data\\t\\t0\\t198\\.18\\.0\\.2\\t198\\.18\\.0\\.1")))
                .as("echo replies from jmtcp").hasSize(10);
    }

    private static void awaitInterface(Netns ns, String ifname, Shell.Background serve) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (ns.exec("ip", "link", "show", "dev", ifname).ok()) {
                return;
            }
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited early: " + serve.await(Duration.ofSeconds(1)).describe());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("TAP " + ifname + " did not appear within 30 s");
    }
}
