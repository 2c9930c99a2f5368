package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.MacAddress;
import io.jmtcp.jni.TapDevice;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Linux kernel as jmtcp's first peer: a TAP whose kernel side lives in a fresh network
 * namespace with 198.18.0.1/24, jmtcp on the TAP with 198.18.0.2/24.
 */
@Tag("interop")
class TapPingInteropTest {

    private Netns ns;
    private Stack stack;
    private String ifname;

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("ping");
        ifname = "jmtp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ns = Netns.create();
    }

    @AfterEach
    void cleanUp() {
        if (stack != null) {
            stack.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private void startStack(int queues) {
        stack = Stack.start(JmtcpConfig.of(Map.of(
                "device", "tap:" + ifname + ",queues=" + queues,
                "engines", Integer.toString(queues),
                "ip", "198.18.0.2/24",
                "name", "it-" + ifname)));
        ns.moveIn(ifname);
        ns.configure(ifname, "198.18.0.1/24");
    }

    @Test
    void kernelPingsJmtcpFiftyTimesWithoutLoss() {
        startStack(1);

        Shell.Result ping = ns.exec(Duration.ofSeconds(30), "ping", "-c", "50", "-i", "0.01", "-W", "2", "198.18.0.2");

        assertThat(ping.stdout()).as(ping.describe()).contains("50 packets transmitted, 50 received");
        assertThat(stack.counter(Counter.ICMP_TX_ECHO_REPLIES)).isGreaterThanOrEqualTo(50);
        String neighbour = ns.exec("ip", "neigh", "show", "198.18.0.2", "dev", ifname).orThrow().stdout();
        assertThat(neighbour).as("the kernel's ARP entry for jmtcp").contains(MacAddress.format(stack.device().macAddress()));
    }

    @Test
    void jmtcpResolvesTheKernelsMacAndPingsIt() throws InterruptedException {
        startStack(1);
        long kernelMac = ((TapDevice) stack.device()).kernelMacAddress();

        Stack.PingResult result = stack.ping(Ipv4Address.parse("198.18.0.1"), 10, 10_000_000L, 2_000_000_000L, 56);

        assertThat(result.received()).as("replies from the kernel").isEqualTo(10);
        assertThat(Arrays.asList(stack.engine(0).arp().describe()))
                .anySatisfy(line -> assertThat(line).startsWith("198.18.0.1 " + MacAddress.format(kernelMac)));
        assertThat(stack.counter(Counter.ARP_RX_REPLIES) + stack.counter(Counter.ARP_RX_REQUESTS)).isPositive();
    }

    @Test
    void twoQueueTapAnswersPingsOnBothEngines() {
        startStack(2);

        // the kernel picks a TAP queue by a symmetric flow hash of the addresses (ICMP has no
        // ports), so ping from 16 source addresses: a 2^-15 chance that all land on one queue
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            String source = "198.18.0." + (10 + i);
            ns.exec("ip", "addr", "add", source + "/24", "dev", ifname).orThrow();
            script.append("ping -c 5 -i 0.02 -W 2 -I ").append(source).append(" 198.18.0.2 > /dev/null & ");
        }
        Shell.Result ping = ns.exec(Duration.ofSeconds(60), "bash", "-c",
                script + "ok=0; for j in $(jobs -p); do wait $j && ok=$((ok+1)); done; echo ok=$ok");

        assertThat(ping.stdout()).as(ping.describe()).contains("ok=16");
        assertThat(stack.engine(0).counters().get(Counter.ICMP_TX_ECHO_REPLIES)).as("engine 0 replies").isPositive();
        assertThat(stack.engine(1).counters().get(Counter.ICMP_TX_ECHO_REPLIES)).as("engine 1 replies").isPositive();
    }

    @Test
    void largePingsAreReassembledAndAnsweredInFragments() {
        startStack(1);

        Shell.Result ping = ns.exec(Duration.ofSeconds(30), "ping", "-c", "5", "-i", "0.05", "-s", "4000", "-W", "2",
                "198.18.0.2");

        assertThat(ping.stdout()).as(ping.describe()).contains("5 packets transmitted, 5 received");
        assertThat(stack.counter(Counter.IP_REASSEMBLED)).isGreaterThanOrEqualTo(5);
        assertThat(stack.counter(Counter.IP_FRAGMENTS_TX)).isGreaterThanOrEqualTo(15);
    }
}
