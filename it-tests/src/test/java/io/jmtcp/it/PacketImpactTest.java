package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.it.impact.JmtcpServices;
import io.jmtcp.it.impact.ScriptRun;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * packetimpact-style interop (after gVisor's packetimpact): each script in
 * {@code src/test/resources/packetimpact} crafts TCP segments with scapy, sends them as raw
 * frames to a device under test and checks the answers against an RFC rule. Every script runs
 * against two targets and must pass on both, and both must leave the same normalised trace
 * (sequence numbers relative to ISNs, no timestamp values, window sizes or MACs):
 * <ul>
 *   <li>Linux: a second namespace with 198.18.1.2 behind a veth, its services from
 *       {@code linux_dut.py};
 *   <li>jmtcp: a stack on a TAP with 198.18.0.2, its services from {@link JmtcpServices}.
 * </ul>
 * The harness namespace holds the other end of both links (198.18.1.1 and 198.18.0.1). Its own
 * kernel answers ARP but must not answer TCP (it would reset connections it never opened), so
 * nftables drops its TCP output; the harness sends with AF_PACKET, which bypasses that hook.
 * Where Linux and jmtcp may legitimately differ, the script says so and records only what the RFC
 * decides.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacketImpactTest {

    private static final String HARNESS_LINUX = "198.18.1.1";
    private static final String DUT_LINUX = "198.18.1.2";
    private static final String HARNESS_JMTCP = "198.18.0.1";
    private static final String DUT_JMTCP = "198.18.0.2";
    /** Runs only these scripts (comma-separated names), for working on one behaviour. */
    private static final String ONLY = System.getProperty("jmtcp.it.impact.only");
    /** Writes jmtcp's frames to this pcap file, for working on one behaviour. */
    private static final String PCAP = System.getProperty("jmtcp.it.impact.pcap");
    private static final Set<String> NOT_SCRIPTS = Set.of("impact.py", "run.py", "linux_dut.py");

    private Netns harness;
    private Netns dut;
    private Stack stack;
    private JmtcpServices services;
    private Path dir;
    private List<String> scripts;
    private Map<String, ScriptRun.Result> linux;
    private Map<String, ScriptRun.Result> jmtcp;

    @BeforeAll
    void setUp() throws Exception {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("nft");
        Prerequisites.check(Files.isExecutable(Path.of("/usr/bin/python3"))
                && Shell.run("/usr/bin/python3", "-c", "import scapy.layers.inet").ok(),
                "/usr/bin/python3 with scapy (Debian package python3-scapy)");
        dir = scriptDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".py") && !NOT_SCRIPTS.contains(n))
                    .map(n -> n.substring(0, n.length() - 3))
                    .filter(n -> ONLY == null || Set.of(ONLY.split(",")).contains(n))
                    .sorted()
                    .collect(Collectors.toList());
        }
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        harness = Netns.create();
        dut = Netns.create();
        harness.exec("nft", "table ip impact { chain out { type filter hook output priority 0; policy accept; "
                + "meta l4proto tcp drop; }; }").orThrow();

        // Linux target: veth harness <-> DUT namespace
        String hVeth = "pih" + id;
        String dVeth = "pid" + id;
        Shell.check("ip", "link", "add", hVeth, "type", "veth", "peer", "name", dVeth);
        try {
            harness.moveIn(hVeth);
        } finally {
            dut.moveIn(dVeth); // deletes the pair on close even if the first move failed
        }
        harness.configure(hVeth, HARNESS_LINUX + "/24");
        dut.configure(dVeth, DUT_LINUX + "/24");
        // segmentation offloads would let the DUT send super-segments the scripts do not expect
        harness.exec("ethtool", "-K", hVeth, "tso", "off", "gso", "off", "gro", "off");
        dut.exec("ethtool", "-K", dVeth, "tso", "off", "gso", "off", "gro", "off");
        dut.start("/usr/bin/python3", dir.resolve("linux_dut.py").toString(), "serve");
        awaitListening();

        // jmtcp target: a TAP whose kernel side is in the harness namespace
        String tap = "pij" + id;
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "device", "tap:" + tap,
                "ip", DUT_JMTCP + "/24",
                "name", "impact-" + id));
        if (PCAP != null) {
            config.put("pcap", PCAP);
        }
        stack = Stack.start(JmtcpConfig.of(config));
        harness.moveIn(tap);
        harness.configure(tap, HARNESS_JMTCP + "/24");
        services = new JmtcpServices(stack);

        linux = ScriptRun.run(dir, harness.name(), hVeth, HARNESS_LINUX, DUT_LINUX, scripts, this::linuxControl, 80);
        jmtcp = ScriptRun.run(dir, harness.name(), tap, HARNESS_JMTCP, DUT_JMTCP, scripts, this::jmtcpControl, 80);
    }

    @AfterAll
    void tearDown() {
        if (services != null) {
            services.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (dut != null) {
            dut.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptPassesOnLinuxAndJmtcpAlike() {
        assertThat(scripts).as("behaviour scripts").hasSizeGreaterThanOrEqualTo(ONLY == null ? 15 : 1);
        return scripts.stream().map(name -> dynamicTest(name, () -> {
            ScriptRun.Result l = linux.get(name);
            ScriptRun.Result j = jmtcp.get(name);
            assertThat(l.ok()).as("Linux: %s\ntrace: %s", l.error(), l.trace()).isTrue();
            assertThat(j.ok()).as("jmtcp: %s\ntrace: %s\nLinux trace: %s", j.error(), j.trace(), l.trace()).isTrue();
            assertThat(j.trace()).as("jmtcp's normalised answers against Linux's").isEqualTo(l.trace());
        }));
    }

    /** {@code connect HARNESS_IP HARNESS_PORT DUT_PORT}: an active open from the Linux DUT. */
    private String linuxControl(String[] words) {
        if (words.length == 4 && words[0].equals("connect")) {
            Netns.requireBenchmarkRange(words[1]);
            dut.start("/usr/bin/python3", dir.resolve("linux_dut.py").toString(), "connect", words[1], words[2], words[3]);
            return "OK";
        }
        return "FAIL unknown request";
    }

    private String jmtcpControl(String[] words) {
        if (words.length == 4 && words[0].equals("connect")) {
            services.connect(Ipv4Address.parse(words[1]), Integer.parseInt(words[2]), Integer.parseInt(words[3]));
            return "OK";
        }
        return "FAIL unknown request";
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - deadline < 0) {
            String ss = dut.exec("ss", "-ltnH").stdout();
            if (ss.contains(":7 ") && ss.contains(":9 ")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("linux_dut.py did not start listening on ports 7 and 9");
    }

    private static Path scriptDirectory() {
        try {
            return Path.of(PacketImpactTest.class.getResource("/packetimpact/run.py").toURI()).getParent();
        } catch (URISyntaxException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("packetimpact scripts not on the test class path", e));
        }
    }
}
