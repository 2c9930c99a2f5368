package io.jmtcp.engine.config;

import io.jmtcp.engine.dev.DeviceSpec;
import io.jmtcp.engine.dev.FaultProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The stack's configuration: every key with its default, meaning and validation, and the
 * resolved values. Sources, later ones overriding earlier ones: the defaults, the properties
 * file ({@code jmtcp.config}, else {@code ./jmtcp.properties} when it exists), system properties
 * {@code jmtcp.*}, and explicit options (command line, agent options). A bad value fails at
 * {@link #load} with a {@link ConfigException} naming the key, the value and what is allowed.
 *
 * <p>Immutable and safe to share between threads once loaded.
 */
public final class JmtcpConfig {

    private static final Map<String, ConfigKey<?>> KEYS = new LinkedHashMap<>();

    /** System properties under this prefix belong to tests and are not configuration keys. */
    public static final String TEST_PREFIX = "jmtcp.it.";

    /** Where the properties file is; not itself a stack setting. */
    public static final String CONFIG_FILE_KEY = "jmtcp.config";

    public static final ConfigKey<DeviceSpec> DEVICE = key("jmtcp.device", "loopback",
            "loopback[,slots=N] | shm:<path>[,slots=N][,frame=BYTES] | tap:<ifname>[,queues=N][,mtu=M][,mac=X] | dpdk:<port-id|vdev|rings:NAME:a|b>[,vdev-args][,queues=N]",
            "The network device the stack runs on.", DeviceSpec::parse);
    public static final ConfigKey<Cidr> IP = key("jmtcp.ip", "127.0.0.1/8", "a.b.c.d/prefix",
            "The stack's IPv4 address and subnet on its device.", Cidr::parse);
    public static final ConfigKey<Optional<Integer>> GATEWAY = key("jmtcp.gateway", "", "a.b.c.d inside the subnet, or empty",
            "Default gateway for destinations outside the subnet; empty = none.",
            s -> s.isEmpty() ? Optional.empty() : Optional.of(Cidr.parseAddress(s)));
    public static final ConfigKey<Integer> MTU = key("jmtcp.mtu", "0", "0 (the device's own) or 68..65535",
            "IP MTU; 0 takes the device's default (1500 for TAP, 16384 for loopback).",
            s -> intIn(s, 0, 65535, 68));
    public static final ConfigKey<Integer> ENGINES = key("jmtcp.engines", "1", "1..64",
            "Number of engines, each owning one device queue and the flows that hash to it.",
            s -> intIn(s, 1, 64, 1));
    public static final ConfigKey<String> IDLE = key("jmtcp.idle", "adaptive", "adaptive | spin",
            "What an engine does with nothing to do: adaptive spins briefly, yields, then sleeps on its"
                    + " device until a frame, a wakeup or its next timer; spin never sleeps (needs a spare core).",
            s -> oneOf(s, "adaptive", "spin"));
    public static final ConfigKey<String> THREADING = key("jmtcp.threading", "dedicated", "dedicated | inline",
            "Who runs the engines' duty cycles (DESIGN.md 3.4): dedicated gives each engine its own thread;"
                    + " inline runs them in application threads that would otherwise wait (select, blocked"
                    + " read/accept/connect/write), with a backstop thread that runs an engine nobody ran for 1 ms.",
            s -> oneOf(s, "dedicated", "inline"));
    public static final ConfigKey<Long> BUSY_POLL = key("jmtcp.busy-poll", "0", "0 (off) or a duration up to 100ms, e.g. 50us",
            "How long a thread about to sleep polls first (like Onload's EF_POLL_USEC): an application thread"
                    + " re-checks what it waits for, an idle engine its device, before parking. Costs CPU for latency.",
            s -> "0".equals(s) ? 0L : durationIn(s, 0L, 100_000_000L));
    public static final ConfigKey<Long> IDLE_MAX_SLEEP = key("jmtcp.idle.max-sleep", "100ms", "a duration 1us..10s",
            "Longest sleep of an idle engine between timer checks.", s -> durationIn(s, 1_000L, 10_000_000_000L));
    public static final ConfigKey<Integer> BURST = key("jmtcp.burst", "64", "1..256",
            "Frames moved per device burst.", s -> intIn(s, 1, 256, 1));
    public static final ConfigKey<Optional<Path>> PCAP = key("jmtcp.pcap", "", "a file path, or empty",
            "Write every frame the stack sends or receives to this pcap file.",
            s -> s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s)));
    public static final ConfigKey<Optional<FaultProfile>> FAULT = key("jmtcp.fault", "",
            "loss=P,dup=P,reorder=P,corrupt=P,delay=D,jitter=D,rate=R,seed=N (any subset), or empty",
            "Impair frames the stack transmits (testing): probabilities 0..1, durations like 2ms, rates like 100mbit.",
            s -> s.isEmpty() ? Optional.empty() : Optional.of(FaultProfile.parse(s)));
    public static final ConfigKey<Long> ARP_TIMEOUT = key("jmtcp.arp.timeout", "60s", "a duration 1s..1h",
            "How long a resolved neighbour stays valid without being refreshed.",
            s -> durationIn(s, 1_000_000_000L, 3_600_000_000_000L));
    public static final ConfigKey<Long> ARP_RETRY = key("jmtcp.arp.retry", "1s", "a duration 10ms..60s",
            "Interval between ARP requests for an unresolved neighbour.",
            s -> durationIn(s, 10_000_000L, 60_000_000_000L));
    public static final ConfigKey<Integer> ARP_ATTEMPTS = key("jmtcp.arp.attempts", "3", "1..20",
            "ARP requests sent before a neighbour is declared unreachable.", s -> intIn(s, 1, 20, 1));
    public static final ConfigKey<Integer> ARP_PENDING = key("jmtcp.arp.pending", "64", "1..4096",
            "Packets per engine that may wait for address resolution; more are dropped and counted.",
            s -> intIn(s, 1, 4096, 1));
    public static final ConfigKey<Integer> ARP_CACHE_SIZE = key("jmtcp.arp.cache-size", "1024", "16..1048576",
            "Neighbour entries per engine; the least recently confirmed is evicted beyond it.",
            s -> intIn(s, 16, 1 << 20, 16));
    public static final ConfigKey<Integer> IP_TTL = key("jmtcp.ip.ttl", "64", "1..255",
            "Time to live of packets the stack originates.", s -> intIn(s, 1, 255, 1));
    public static final ConfigKey<Long> REASSEMBLY_TIMEOUT = key("jmtcp.ip.reassembly.timeout", "30s",
            "a duration 1s..120s", "How long fragments of one datagram wait for the rest (RFC 791; Linux uses 30s).",
            s -> durationIn(s, 1_000_000_000L, 120_000_000_000L));
    public static final ConfigKey<Integer> REASSEMBLY_BUFFERS = key("jmtcp.ip.reassembly.buffers", "16", "0..1024",
            "Datagrams per engine that may be in reassembly at once, 64 KiB each; 0 drops every fragment.",
            s -> intIn(s, 0, 1024, 0));
    public static final ConfigKey<Long> ICMP_RATE = key("jmtcp.icmp.error-interval", "1ms", "a duration 0..10s",
            "Least interval between ICMP error messages an engine sends (RFC 1812 4.3.2.8); 0 = no limit.",
            s -> durationIn(s, 0L, 10_000_000_000L));
    public static final ConfigKey<String> TCP_CONGESTION = key("jmtcp.tcp.congestion", "cubic", "cubic | newreno",
            "Congestion control of new connections (RFC 9438 CUBIC, or RFC 5681/6582 NewReno); sockets may override.",
            s -> oneOf(s, "cubic", "newreno"));
    public static final ConfigKey<Long> TCP_MIN_RTO = key("jmtcp.tcp.min-rto", "200ms", "a duration 1ms..60s",
            "Lower bound of the retransmission timeout (RFC 6298 2.4 says 1 s; Linux uses 200 ms).",
            s -> durationIn(s, 1_000_000L, 60_000_000_000L));
    public static final ConfigKey<Long> TCP_MAX_RTO = key("jmtcp.tcp.max-rto", "120s", "a duration 1s..600s",
            "Upper bound of the retransmission timeout after backoff.", s -> durationIn(s, 1_000_000_000L, 600_000_000_000L));
    public static final ConfigKey<Long> TCP_INITIAL_RTO = key("jmtcp.tcp.initial-rto", "1s", "a duration 10ms..60s",
            "Retransmission timeout before the first RTT sample, also for SYNs (RFC 6298 2.1).",
            s -> durationIn(s, 10_000_000L, 60_000_000_000L));
    public static final ConfigKey<Integer> TCP_SYN_RETRIES = key("jmtcp.tcp.syn-retries", "6", "1..20",
            "SYN (and SYN-ACK) retransmissions before a connect fails with a timeout (Linux tcp_syn_retries).",
            s -> intIn(s, 1, 20, 1));
    public static final ConfigKey<Integer> TCP_RETRIES = key("jmtcp.tcp.retries", "15", "1..30",
            "Retransmissions of the same data before the connection fails with a timeout (Linux tcp_retries2).",
            s -> intIn(s, 1, 30, 1));
    public static final ConfigKey<Long> TCP_DELAYED_ACK = key("jmtcp.tcp.delayed-ack", "40ms", "a duration 1ms..500ms",
            "How long an ACK may be delayed (RFC 1122 4.2.3.2 allows up to 500 ms; Linux starts at 40 ms).",
            s -> durationIn(s, 1_000_000L, 500_000_000L));
    public static final ConfigKey<Long> TCP_TIME_WAIT = key("jmtcp.tcp.time-wait", "60s", "a duration 0..240s",
            "How long a connection stays in TIME-WAIT (2 MSL; Linux uses 60 s).",
            s -> durationIn(s, 0L, 240_000_000_000L));
    public static final ConfigKey<Integer> TCP_TW_REUSE = key("jmtcp.tcp.tw-reuse", "2", "0 | 1 | 2",
            "Whether a connect may take over a 4-tuple in TIME-WAIT when timestamps were in use on it and its last"
                    + " timestamp is at least 1 s old (Linux net.ipv4.tcp_tw_reuse, RFC 7323 Appendix B): 0 never,"
                    + " 1 for every destination, 2 only for loopback destinations (127.0.0.0/8 and the stack's own"
                    + " address).",
            s -> Integer.parseInt(oneOf(s, "0", "1", "2")));
    public static final ConfigKey<Long> TCP_FIN_TIMEOUT = key("jmtcp.tcp.fin-timeout", "60s", "a duration 1s..600s",
            "How long a closed socket waits in FIN-WAIT-2 for the peer's FIN (Linux tcp_fin_timeout).",
            s -> durationIn(s, 1_000_000_000L, 600_000_000_000L));
    public static final ConfigKey<Integer> TCP_RCVBUF = key("jmtcp.tcp.rcvbuf", "131072", "4096..4194304",
            "Default receive buffer per connection (SO_RCVBUF), rounded up to a power of two.",
            s -> intIn(s, 4096, 4 << 20, 4096));
    public static final ConfigKey<Integer> TCP_SNDBUF = key("jmtcp.tcp.sndbuf", "131072", "4096..4194304",
            "Default send buffer per connection (SO_SNDBUF), rounded up to a power of two.",
            s -> intIn(s, 4096, 4 << 20, 4096));
    public static final ConfigKey<Integer> TCP_LOOPBACK_BUFFER = key("jmtcp.tcp.loopback-buffer", "1048576",
            "0 or 4096..4194304",
            "Default send and receive buffer per connection whose peer is this stack itself (loopback or"
                    + " the stack's own address), rounded up to a power of two; 0 = jmtcp.tcp.sndbuf/rcvbuf."
                    + " Such a path's bandwidth-delay product is the bytes copied in one engine cycle, several"
                    + " times the general default: with 128 KiB the writer and reader wake once per write.",
            s -> intIn(s, 0, 4 << 20, 4096));
    public static final ConfigKey<Integer> TCP_SYN_BACKLOG = key("jmtcp.tcp.syn-backlog", "256", "1..65536",
            "Half-open connections per listener and engine; beyond it SYN cookies answer (RFC 4987).",
            s -> intIn(s, 1, 65536, 1));
    public static final ConfigKey<Boolean> TCP_SYN_COOKIES = key("jmtcp.tcp.syncookies", "true", "true | false",
            "Answer SYNs with SYN cookies when the SYN backlog is full; false drops them instead.", JmtcpConfig::bool);
    public static final ConfigKey<Integer> TCP_CHALLENGE_ACK_LIMIT = key("jmtcp.tcp.challenge-ack-limit", "1000",
            "1..1000000", "Challenge ACKs per second per engine (RFC 5961 7).", s -> intIn(s, 1, 1_000_000, 1));
    public static final ConfigKey<Long> MEMORY_MAX = key("jmtcp.memory.max", "1g", "a size 1m..64g (k, m, g suffixes)",
            "Socket buffer memory per engine; a connection that needs more fails with a clear error.",
            s -> sizeIn(s, 1L << 20, 64L << 30));
    public static final ConfigKey<Integer> TCP_OOO_MAX = key("jmtcp.tcp.ooo-max", "16777216", "0..1073741824",
            "Bytes of out-of-order data an engine holds across all connections; beyond it such segments are dropped.",
            s -> intIn(s, 0, 1 << 30, 0));
    public static final ConfigKey<String> TCP_PORTS = key("jmtcp.tcp.ports", "32768-60999", "LOW-HIGH within 1024..65535",
            "Ephemeral ports for outgoing connections (Linux ip_local_port_range).", s -> {
                String[] p = s.split("-");
                int lo = Integer.parseInt(p[0].trim());
                int hi = Integer.parseInt(p[1].trim());
                if (p.length != 2 || lo < 1024 || hi > 65535 || lo > hi) {
                    throw new IllegalArgumentException();
                }
                return s;
            });
    public static final ConfigKey<String> ROUTE_RULES = key("jmtcp.route.rules", "",
            "rules separated by ';', each: jmtcp|kernel bind|connect ADDR[/PREFIX]|* [PORT[-PORT]|*]",
            "Provider routing, first matching rule wins (like the JDK's old SDP rules): which binds and connects"
                    + " go to jmtcp or to the kernel; unmatched ones follow the defaults (DESIGN.md 5).",
            JmtcpConfig::routeRules);
    public static final ConfigKey<Boolean> ROUTE_KERNEL_LISTEN = key("jmtcp.route.kernel-listen", "true", "true | false",
            "A jmtcp listener bound to a loopback or wildcard address also listens on the kernel, so kernel clients"
                    + " (curl, other processes, java.net.Socket) reach it.", JmtcpConfig::bool);
    public static final ConfigKey<Long> SHUTDOWN_GRACE = key("jmtcp.shutdown.grace", "5s", "a duration 0..10min",
            "At JVM exit, how long the process-wide stack waits for the application (its frameworks' own shutdown"
                    + " hooks) to close its connections before closing the rest (FIN, or RST for unread data) and"
                    + " releasing the device.",
            s -> durationIn(s, 0L, 600_000_000_000L));
    public static final ConfigKey<Boolean> JMX = key("jmtcp.jmx", "true", "true | false",
            "Publish an MBean per engine (counters, endpoints) under io.jmtcp:type=Engine.", JmtcpConfig::bool);
    public static final ConfigKey<String> DPDK_EAL = key("jmtcp.dpdk.eal",
            "--no-huge -m 256 --no-pci --no-shconf --no-telemetry",
            "DPDK EAL arguments separated by spaces (no program name); without -l/-c/--lcores jmtcp adds"
                    + " --lcores covering this process's CPUs",
            "Arguments for DPDK's rte_eal_init, used once per process by dpdk: devices (--vdev adds virtual ports).",
            s -> {
                if (s.isBlank()) {
                    throw new IllegalArgumentException();
                }
                return s.trim();
            });
    public static final ConfigKey<Integer> DPDK_RX_DESCRIPTORS = key("jmtcp.dpdk.rx-descriptors", "1024",
            "64..32768, a power of two", "Receive descriptors per DPDK queue (the PMD may round them).",
            s -> powerOfTwoIn(s, 64, 32768));
    public static final ConfigKey<Integer> DPDK_TX_DESCRIPTORS = key("jmtcp.dpdk.tx-descriptors", "1024",
            "64..32768, a power of two", "Transmit descriptors per DPDK queue (the PMD may round them).",
            s -> powerOfTwoIn(s, 64, 32768));
    public static final ConfigKey<Integer> DPDK_MBUFS = key("jmtcp.dpdk.mbufs", "8191", "1024..1048575",
            "Mbufs in each DPDK queue's mempool: more than rx + tx descriptors plus frames in flight"
                    + " (2^n - 1 uses the mempool ring best).", s -> intIn(s, 1024, 1048575, 1024));
    public static final ConfigKey<String> NAME = key("jmtcp.name", "jmtcp", "[A-Za-z0-9_.-]{1,64}",
            "Name of this stack in thread names and JMX object names.", s -> {
                if (!s.matches("[A-Za-z0-9_.-]{1,64}")) {
                    throw new IllegalArgumentException();
                }
                return s;
            });

    private final Map<String, Object> values;
    private final Map<String, String> texts;

    private JmtcpConfig(Map<String, Object> values, Map<String, String> texts) {
        this.values = values;
        this.texts = texts;
    }

    /** Every key, in declaration order. */
    public static List<ConfigKey<?>> keys() {
        return List.copyOf(KEYS.values());
    }

    /** The defaults, without reading any file or system property. */
    public static JmtcpConfig defaults() {
        return resolve(Map.of());
    }

    /** Defaults overridden by {@code options} only (tests, embedding). */
    public static JmtcpConfig of(Map<String, String> options) {
        return resolve(options);
    }

    /**
     * Resolves defaults &lt; file &lt; system properties &lt; {@code options}. Option keys may be
     * given with or without the {@code jmtcp.} prefix.
     */
    public static JmtcpConfig load(Map<String, String> options) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> normalisedOptions = normalise(options);
        Properties system = System.getProperties();
        String file = normalisedOptions.getOrDefault(CONFIG_FILE_KEY, system.getProperty(CONFIG_FILE_KEY));
        if (file != null) {
            merged.putAll(readFile(Path.of(file), true));
        } else if (Files.isRegularFile(Path.of("jmtcp.properties"))) {
            merged.putAll(readFile(Path.of("jmtcp.properties"), false));
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("jmtcp.") && !name.startsWith(TEST_PREFIX) && !name.startsWith("jmtcp.agent.")) {
                merged.put(name, system.getProperty(name));
            }
        }
        merged.putAll(normalisedOptions);
        merged.remove(CONFIG_FILE_KEY);
        return resolve(merged);
    }

    private static Map<String, String> normalise(Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k.startsWith("jmtcp.") ? k : "jmtcp." + k, v));
        return out;
    }

    private static Map<String, String> readFile(Path path, boolean required) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        } catch (IOException e) {
            if (!required) {
                return Map.of();
            }
            throw new ConfigException(CONFIG_FILE_KEY, path.toString(), "a readable properties file (" + e + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name.startsWith("jmtcp.") ? name : "jmtcp." + name, p.getProperty(name));
        }
        return out;
    }

    private static JmtcpConfig resolve(Map<String, String> given) {
        Map<String, String> normalised = normalise(given);
        for (String name : normalised.keySet()) {
            if (!KEYS.containsKey(name)) {
                throw new ConfigException(name, "unknown configuration key; known keys: " + String.join(", ", KEYS.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (ConfigKey<?> key : KEYS.values()) {
            String text = normalised.getOrDefault(key.name(), key.defaultText());
            values.put(key.name(), key.parse(text));
            texts.put(key.name(), text);
        }
        JmtcpConfig config = new JmtcpConfig(Collections.unmodifiableMap(values), Collections.unmodifiableMap(texts));
        config.crossCheck();
        return config;
    }

    private void crossCheck() {
        Optional<Integer> gw = get(GATEWAY);
        if (gw.isPresent() && !get(IP).contains(gw.get())) {
            throw new ConfigException(GATEWAY.name(), Cidr.format(gw.get()),
                    "an address inside the stack's subnet " + get(IP));
        }
    }

    /** The value of a key. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key.name());
    }

    /** The text a key was resolved from. */
    public String text(ConfigKey<?> key) {
        return texts.get(key.name());
    }

    /**
     * The texts of every key whose name starts with {@code prefix} (e.g. {@code "jmtcp.dpdk."}), for
     * device providers that take settings beyond the device string.
     */
    public Map<String, String> textsUnder(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        texts.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** A copy with some keys replaced (validated like any other source). */
    public JmtcpConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(texts);
        merged.putAll(normalise(overrides));
        return resolve(merged);
    }

    /** The reference of every key (Markdown table), for docs and {@code --help}. */
    public static String reference() {
        StringBuilder sb = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (ConfigKey<?> k : KEYS.values()) {
            sb.append("| `").append(k.name()).append("` | ").append(k.defaultText().isEmpty() ? "(none)" : "`" + k.defaultText() + "`")
                    .append(" | ").append(k.allowed().replace("|", "\\|")).append(" | ").append(k.description()).append(" |\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return texts.toString();
    }

    // ------------------------------------------------------------------ parsers

    private static <T> ConfigKey<T> key(String name, String def, String allowed, String doc,
            java.util.function.Function<String, T> parser) {
        ConfigKey<T> k = new ConfigKey<>(name, def, allowed, doc, parser);
        KEYS.put(name, k);
        return k;
    }

    static int powerOfTwoIn(String s, int min, int max) {
        int v = intIn(s, min, max, min);
        if (Integer.bitCount(v) != 1) {
            throw new IllegalArgumentException();
        }
        return v;
    }

    static int intIn(String s, int min, int max, int minNonZero) {
        int v = Integer.parseInt(s);
        if (v < min || v > max || (v != 0 && v < minNonZero)) {
            throw new IllegalArgumentException();
        }
        return v;
    }

    private static final java.util.regex.Pattern ROUTE_RULE = java.util.regex.Pattern.compile(
            "(jmtcp|kernel)\\s+(bind|connect)\\s+(\\*|[0-9.]+(/[0-9]{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?)"
                    + "(\\s+(\\*|[0-9]{1,5}(-[0-9]{1,5})?))?");

    /** Checks the syntax of routing rules; the provider interprets them. */
    static String routeRules(String s) {
        for (String rule : s.split(";")) {
            String r = rule.trim();
            if (!r.isEmpty() && !ROUTE_RULE.matcher(r).matches()) {
                throw new IllegalArgumentException("bad rule '" + r + "'");
            }
        }
        return s.trim();
    }

    static boolean bool(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException();
        }
    }

    static String oneOf(String s, String... allowed) {
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new IllegalArgumentException();
    }

    static long durationIn(String s, long minNanos, long maxNanos) {
        long v = parseDuration(s);
        if (v < minNanos || v > maxNanos) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    static long sizeIn(String s, long min, long max) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        long v = Math.multiplyExact(Long.parseLong(t), unit);
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    /** Parses {@code 10ns}, {@code 5us}, {@code 200ms}, {@code 30s}, {@code 2m}, {@code 1h} to nanoseconds. */
    public static long parseDuration(String s) {
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"},
            {"m", "60000000000"}, {"h", "3600000000000"}};
        List<String[]> ordered = new ArrayList<>(List.of(units));
        ordered.sort((a, b) -> b[0].length() - a[0].length());
        for (String[] u : ordered) {
            if (s.endsWith(u[0])) {
                String number = s.substring(0, s.length() - u[0].length()).trim();
                if (number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
                    break;
                }
                return Math.multiplyExact(Long.parseLong(number), Long.parseLong(u[1]));
            }
        }
        throw new IllegalArgumentException("not a duration like 200ms, 30s");
    }

}
