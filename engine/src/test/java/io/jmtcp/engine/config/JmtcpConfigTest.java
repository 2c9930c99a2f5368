package io.jmtcp.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration keys, sources and validation (DESIGN.md 7). */
class JmtcpConfigTest {

    @Test
    void defaults() {
        JmtcpConfig c = JmtcpConfig.defaults();
        assertThat(c.get(JmtcpConfig.DEVICE).scheme()).isEqualTo("loopback");
        assertThat(c.get(JmtcpConfig.IP)).isEqualTo(Cidr.parse("127.0.0.1/8"));
        assertThat(c.get(JmtcpConfig.GATEWAY)).isEmpty();
        assertThat(c.get(JmtcpConfig.MTU)).isZero();
        assertThat(c.get(JmtcpConfig.ENGINES)).isEqualTo(1);
        assertThat(c.get(JmtcpConfig.IDLE)).isEqualTo("adaptive");
        assertThat(c.get(JmtcpConfig.IDLE_MAX_SLEEP)).isEqualTo(100_000_000L);
        assertThat(c.get(JmtcpConfig.BURST)).isEqualTo(64);
        assertThat(c.get(JmtcpConfig.ARP_TIMEOUT)).isEqualTo(60_000_000_000L);
        assertThat(c.get(JmtcpConfig.ARP_RETRY)).isEqualTo(1_000_000_000L);
        assertThat(c.get(JmtcpConfig.ARP_ATTEMPTS)).isEqualTo(3);
        assertThat(c.get(JmtcpConfig.REASSEMBLY_TIMEOUT)).isEqualTo(30_000_000_000L);
        assertThat(c.get(JmtcpConfig.REASSEMBLY_BUFFERS)).isEqualTo(16);
        assertThat(c.get(JmtcpConfig.ICMP_RATE)).isEqualTo(1_000_000L);
        assertThat(c.get(JmtcpConfig.IP_TTL)).isEqualTo(64);
        assertThat(c.get(JmtcpConfig.JMX)).isTrue();
        assertThat(c.get(JmtcpConfig.PCAP)).isEmpty();
        assertThat(c.get(JmtcpConfig.NAME)).isEqualTo("jmtcp");
        assertThat(c.get(JmtcpConfig.TCP_TW_REUSE)).as("Linux's default: loopback only").isEqualTo(2);
    }

    @Test
    void optionsTakeTheKeyWithOrWithoutPrefix() {
        JmtcpConfig c = JmtcpConfig.of(Map.of("mtu", "9000", "jmtcp.engines", "2"));
        assertThat(c.get(JmtcpConfig.MTU)).isEqualTo(9000);
        assertThat(c.get(JmtcpConfig.ENGINES)).isEqualTo(2);
        assertThat(c.text(JmtcpConfig.MTU)).isEqualTo("9000");
    }

    @Test
    void fileThenSystemPropertiesThenOptions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jmtcp.properties");
        Files.writeString(file, "mtu=1400\nburst=8\njmtcp.arp.attempts=5\nname=fromfile\n");
        String[] props = {"jmtcp.burst", "jmtcp.name"};
        try {
            System.setProperty("jmtcp.burst", "16");
            System.setProperty("jmtcp.name", "fromsys");
            JmtcpConfig c = JmtcpConfig.load(Map.of("config", file.toString(), "name", "fromopt"));
            assertThat(c.get(JmtcpConfig.MTU)).as("file only").isEqualTo(1400);
            assertThat(c.get(JmtcpConfig.ARP_ATTEMPTS)).as("file, prefixed key").isEqualTo(5);
            assertThat(c.get(JmtcpConfig.BURST)).as("system property beats file").isEqualTo(16);
            assertThat(c.get(JmtcpConfig.NAME)).as("option beats system property").isEqualTo("fromopt");
            assertThat(c.get(JmtcpConfig.ENGINES)).as("default").isEqualTo(1);
        } finally {
            for (String p : props) {
                System.clearProperty(p);
            }
        }
    }

    @Test
    void testAndAgentPropertiesAreNotKeys() {
        try {
            System.setProperty("jmtcp.it.whatever", "x");
            System.setProperty("jmtcp.agent.debug", "y");
            assertThat(JmtcpConfig.load(Map.of()).get(JmtcpConfig.ENGINES)).isEqualTo(1);
        } finally {
            System.clearProperty("jmtcp.it.whatever");
            System.clearProperty("jmtcp.agent.debug");
        }
    }

    @Test
    void missingConfigFileFailsNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> JmtcpConfig.load(Map.of("config", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jmtcp.config")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void unknownKeyFailsNamingIt() {
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of("engine", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jmtcp.engine")
                .hasMessageContaining("unknown")
                .hasMessageContaining("jmtcp.engines")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("jmtcp.engine"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = ';', value = {
        "ip;                    198.18.0.300/24;  a.b.c.d/prefix",
        "ip;                    198.18.0.1/33;    a.b.c.d/prefix",
        "ip;                    bogus;            a.b.c.d/prefix",
        "gateway;               10.0.0.1;         inside the stack's subnet",
        "gateway;               1.2.3;            a.b.c.d inside the subnet",
        "mtu;                   67;               0 (the device's own) or 68..65535",
        "mtu;                   65536;            0 (the device's own) or 68..65535",
        "mtu;                   -1;               68..65535",
        "engines;               0;                1..64",
        "engines;               65;               1..64",
        "engines;               two;              1..64",
        "idle;                  sleepy;           adaptive | spin",
        "idle.max-sleep;        0ms;              a duration 1us..10s",
        "idle.max-sleep;        11s;              a duration 1us..10s",
        "idle.max-sleep;        100;              a duration 1us..10s",
        "idle.max-sleep;        1.5s;             a duration 1us..10s",
        "arp.timeout;           500ms;            a duration 1s..1h",
        "arp.retry;             1ms;              a duration 10ms..60s",
        "ip.reassembly.timeout; 0s;               a duration 1s..120s",
        "icmp.error-interval;   -1ms;             a duration 0..10s",
        "burst;                 257;              1..256",
        "tcp.tw-reuse;          3;                0 | 1 | 2",
        "tcp.tw-reuse;          yes;              0 | 1 | 2",
        "arp.cache-size;        15;               16..1048576",
        "jmx;                   yes;              true | false",
        "route.rules;           jmtcp sideways 1.2.3.4; jmtcp|kernel bind|connect",
        "route.kernel-listen;   maybe;            true | false",
        "name;                  has space;        [A-Za-z0-9_.-]{1,64}",
        "device;                ,slots=2;         loopback[,slots=N]",
        "device;                Loop;             loopback[,slots=N]",
        "device;                loopback,slots;   loopback[,slots=N]",
    })
    void badValueNamesKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("ip", "198.18.0.2/24"));
        options.put(key, value);
        assertThatThrownBy(() -> JmtcpConfig.of(options))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jmtcp." + key)
                .hasMessageContaining(value)
                .hasMessageContaining(allowed);
    }

    @Test
    void gatewayInsideSubnetIsAccepted() {
        JmtcpConfig c = JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "gateway", "198.18.0.1"));
        assertThat(c.get(JmtcpConfig.GATEWAY)).isEqualTo(Optional.of(Cidr.parseAddress("198.18.0.1")));
    }

    @Test
    void durationsInEveryUnit() {
        assertThat(JmtcpConfig.parseDuration("10ns")).isEqualTo(10L);
        assertThat(JmtcpConfig.parseDuration("5us")).isEqualTo(5_000L);
        assertThat(JmtcpConfig.parseDuration("200ms")).isEqualTo(200_000_000L);
        assertThat(JmtcpConfig.parseDuration("30s")).isEqualTo(30_000_000_000L);
        assertThat(JmtcpConfig.parseDuration("2m")).isEqualTo(120_000_000_000L);
        assertThat(JmtcpConfig.parseDuration("1h")).isEqualTo(3_600_000_000_000L);
        assertThat(JmtcpConfig.of(Map.of("idle.max-sleep", " 250us ")).get(JmtcpConfig.IDLE_MAX_SLEEP))
                .isEqualTo(250_000L);
    }

    @Test
    void withReplacesKeysAndValidatesAgain() {
        JmtcpConfig c = JmtcpConfig.of(Map.of("ip", "198.18.0.2/24"));
        assertThat(c.with(Map.of("mtu", "1400")).get(JmtcpConfig.MTU)).isEqualTo(1400);
        assertThat(c.with(Map.of("mtu", "1400")).get(JmtcpConfig.IP)).isEqualTo(Cidr.parse("198.18.0.2/24"));
        assertThatThrownBy(() -> c.with(Map.of("mtu", "1"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void referenceListsEveryKey() {
        String ref = JmtcpConfig.reference();
        assertThat(JmtcpConfig.keys()).hasSizeGreaterThanOrEqualTo(20);
        for (ConfigKey<?> k : JmtcpConfig.keys()) {
            assertThat(ref).contains("`" + k.name() + "`");
            assertThat(k.description()).isNotBlank();
            assertThat(k.allowed()).isNotBlank();
            // every default is itself valid
            assertThat(k.parse(k.defaultText())).isNotNull();
        }
        assertThat(ref.lines().count()).isEqualTo(JmtcpConfig.keys().size() + 2);
    }

    @Test
    void cidrArithmetic() {
        Cidr c = Cidr.parse("198.18.0.2/24");
        assertThat(c.network()).isEqualTo(Cidr.parseAddress("198.18.0.0"));
        assertThat(c.broadcast()).isEqualTo(Cidr.parseAddress("198.18.0.255"));
        assertThat(c.contains(Cidr.parseAddress("198.18.0.77"))).isTrue();
        assertThat(c.contains(Cidr.parseAddress("198.18.1.1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("0.0.0.0/0").contains(-1)).isTrue();
        assertThat(c.toString()).isEqualTo("198.18.0.2/24");
    }

    @Test
    void threadingAndBusyPollDefaultToDedicatedAndOff() {
        JmtcpConfig c = JmtcpConfig.defaults();
        assertThat(c.get(JmtcpConfig.THREADING)).isEqualTo("dedicated");
        assertThat(c.get(JmtcpConfig.BUSY_POLL)).isZero();
        JmtcpConfig inline = JmtcpConfig.of(Map.of("threading", "inline", "busy-poll", "50us"));
        assertThat(inline.get(JmtcpConfig.THREADING)).isEqualTo("inline");
        assertThat(inline.get(JmtcpConfig.BUSY_POLL)).isEqualTo(50_000L);
        assertThat(JmtcpConfig.of(Map.of("busy-poll", "0us")).get(JmtcpConfig.BUSY_POLL)).isZero();
    }

    @ParameterizedTest
    @CsvSource({"jmtcp.threading, threads, dedicated | inline", "jmtcp.busy-poll, 50, 0 (off) or a duration",
        "jmtcp.busy-poll, 1s, 0 (off) or a duration"})
    void badThreadingOrBusyPollNamesKeyValueAndAllowed(String key, String value, String allowed) {
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key + "=" + value)
                .hasMessageContaining(allowed);
    }
}
