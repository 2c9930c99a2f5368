package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two manual stacks joined by a pair wire, both driven from the test thread in simulated time. */
class TwoStacksTest {

    private static final int A_IP = Cidr.parseAddress("198.18.0.1");
    private static final int B_IP = Cidr.parseAddress("198.18.0.2");

    private final ManualClock clock = new ManualClock();
    private final PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
    private final Stack a = Stack.manual(JmtcpConfig.of(Map.of("ip", "198.18.0.1/24", "jmx", "false")), wire.a(), clock);
    private final Stack b = Stack.manual(JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "jmx", "false")), wire.b(), clock);

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private void run(int cycles) {
        for (int i = 0; i < cycles; i++) {
            a.engine(0).doWork();
            b.engine(0).doWork();
        }
    }

    @Test
    void aPingsBThroughArpThenEcho() {
        run(2); // announcements
        List<int[]> replies = new ArrayList<>();
        a.engine(0).icmp().listener(new Icmp.Listener() {
            @Override
            public void onEchoReply(int source, int identifier, int sequence, long now) {
                replies.add(new int[] {source, identifier, sequence});
            }
        });
        assertThat(a.engine(0).icmp().sendEchoRequest(B_IP, 0x77, 1, 56)).isTrue();
        run(4);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).containsExactly(B_IP, 0x77, 1);
        assertThat(a.counter(Counter.ARP_TX_REQUESTS)).as("announce + resolve").isEqualTo(2);
        assertThat(b.counter(Counter.ARP_TX_REPLIES)).isEqualTo(1);
        assertThat(b.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(1);
        assertThat(a.engine(0).arp().cachedMac(B_IP)).isEqualTo(wire.b().macAddress());
        assertThat(b.engine(0).arp().cachedMac(A_IP)).as("learnt from A's request").isEqualTo(wire.a().macAddress());

        // the second ping needs no ARP on either side
        assertThat(a.engine(0).icmp().sendEchoRequest(B_IP, 0x77, 2, 1400)).isTrue();
        run(2);
        assertThat(replies).hasSize(2);
        assertThat(a.counter(Counter.ARP_TX_REQUESTS) + b.counter(Counter.ARP_TX_REQUESTS)).isEqualTo(3);
        assertThat(a.engine(0).counters().drops()).isZero();
        assertThat(b.engine(0).counters().drops()).isZero();
    }

    @Test
    void pingToAbsentNeighbourFailsAfterArpAttempts() {
        run(2);
        int absent = Cidr.parseAddress("198.18.0.9");
        a.engine(0).icmp().sendEchoRequest(absent, 1, 1, 8);
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(1000);
            run(1);
        }
        assertThat(a.counter(Counter.ARP_RESOLVE_FAILED)).isEqualTo(1);
        assertThat(a.counter(Counter.ARP_PENDING_DROPPED)).isEqualTo(1);
        assertThat(b.counter(Counter.ARP_RX_REQUESTS)).as("B heard every attempt").isEqualTo(3 + 1);
    }
}
