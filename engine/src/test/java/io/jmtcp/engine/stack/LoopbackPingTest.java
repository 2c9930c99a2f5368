package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stats.Counter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loopback stack on real engine threads pinging itself. */
class LoopbackPingTest {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void loopbackStackPingsItself() throws InterruptedException {
        JmtcpConfig config = JmtcpConfig.of(Map.of("device", "loopback", "ip", "127.0.0.1/8", "jmx", "false",
                "name", "looptest"));
        try (Stack stack = Stack.start(config)) {
            Stack.PingResult r = stack.ping(Cidr.parseAddress("127.0.0.1"), 3, TimeUnit.MILLISECONDS.toNanos(5),
                    TimeUnit.SECONDS.toNanos(5), 56);
            assertThat(r.sent()).isEqualTo(3);
            assertThat(r.received()).isEqualTo(3);
            assertThat(java.util.Arrays.stream(r.rttNanos()).min().orElse(0)).isPositive();
            // any address of 127/8 is ours on a loopback subnet
            Stack.PingResult other = stack.ping(Cidr.parseAddress("127.0.0.2"), 1, 0, TimeUnit.SECONDS.toNanos(5), 1000);
            assertThat(other.received()).isEqualTo(1);
            assertThat(stack.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(4);
            assertThat(stack.counter(Counter.ARP_TX_REQUESTS)).as("loopback needs no ARP").isZero();
            assertThat(stack.engine(0).counters().drops()).isZero();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void idleEngineSleepsInsteadOfSpinning() throws InterruptedException {
        JmtcpConfig config = JmtcpConfig.of(Map.of("device", "loopback", "ip", "127.0.0.1/8", "jmx", "false",
                "name", "idletest", "idle.max-sleep", "50ms"));
        try (Stack stack = Stack.start(config)) {
            Thread.sleep(300);
            long cycles = stack.counter(Counter.DUTY_CYCLES);
            // spinning would be millions of cycles; sleeping 50 ms at a time is a few dozen
            assertThat(stack.counter(Counter.IDLE_SLEEPS)).isPositive();
            assertThat(cycles).isLessThan(10_000);
        }
    }
}
