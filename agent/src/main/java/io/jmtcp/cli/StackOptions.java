package io.jmtcp.cli;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.MacAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command that starts a stack shares. Each is a configuration key; a value
 * left out comes from the system properties or the properties file, else the key's default.
 * Values stay text here so that {@link JmtcpConfig} validates them and its message names the
 * key ({@code jmtcp.mtu=5 is not valid; allowed: ...}).
 */
final class StackOptions {

    @Option(names = "--device", paramLabel = "STR",
            description = "Network device (jmtcp.device): loopback[,slots=N] | shm:<path>[,slots=N][,frame=BYTES]"
                    + " | tap:<ifname>[,queues=N] | dpdk:<port>."
                    + " Default: loopback.")
    String device;

    @Option(names = "--ip", paramLabel = "CIDR", description = "The stack's address and subnet (jmtcp.ip). Default: 127.0.0.1/8.")
    String ip;

    @Option(names = "--gateway", paramLabel = "IP", description = "Default gateway inside the subnet (jmtcp.gateway).")
    String gateway;

    @Option(names = "--mtu", paramLabel = "N", description = "IP MTU, 0 = the device's own (jmtcp.mtu).")
    String mtu;

    @Option(names = "--engines", paramLabel = "N", description = "Number of engines (jmtcp.engines). Default: 1.")
    String engines;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Capture every frame to this pcap file (jmtcp.pcap).")
    String pcap;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file to read (jmtcp.config). Default: ./jmtcp.properties if it exists.")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any configuration key (see `jmtcp config`), with or without the jmtcp. prefix; repeatable."
                    + " The named options above win over --set.")
    Map<String, String> set = new LinkedHashMap<>();

    /** The command-line layer of the configuration: {@code --set} pairs, then the named options. */
    Map<String, String> options() {
        Map<String, String> out = new LinkedHashMap<>(set);
        put(out, JmtcpConfig.DEVICE.name(), device);
        put(out, JmtcpConfig.IP.name(), ip);
        put(out, JmtcpConfig.GATEWAY.name(), gateway);
        put(out, JmtcpConfig.MTU.name(), mtu);
        put(out, JmtcpConfig.ENGINES.name(), engines);
        put(out, JmtcpConfig.PCAP.name(), pcap);
        put(out, JmtcpConfig.CONFIG_FILE_KEY, config);
        return out;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /**
     * Resolves the configuration (defaults &lt; file &lt; system properties &lt; command line) and
     * starts a stack with it.
     *
     * @throws StartFailure exit code 2 for a bad value, 1 if the device cannot be opened
     */
    Stack start() {
        JmtcpConfig resolved;
        try {
            resolved = JmtcpConfig.load(options());
        } catch (IllegalArgumentException e) { // ConfigException: names key, value and what is allowed
            throw new StartFailure(e.getMessage(), StartFailure.USAGE, e);
        }
        try {
            return Stack.start(resolved);
        } catch (IllegalArgumentException e) { // unknown device scheme, more engines than queues
            throw new StartFailure(e.getMessage(), StartFailure.USAGE, e);
        } catch (RuntimeException e) { // the device exists but cannot be opened (permissions, native library)
            throw new StartFailure("cannot start the stack on " + resolved.text(JmtcpConfig.DEVICE) + ": " + e, 1, e);
        }
    }

    /** What a running stack is up on: device, MAC, address, MTU, engines. */
    static String describe(Stack stack) {
        StringBuilder sb = new StringBuilder()
                .append("device ").append(stack.device().name())
                .append(", mac ").append(MacAddress.format(stack.device().macAddress()))
                .append(", ip ").append(stack.config().get(JmtcpConfig.IP));
        stack.config().get(JmtcpConfig.GATEWAY).ifPresent(gw -> sb.append(", gateway ").append(Cidr.format(gw)));
        return sb.append(", mtu ").append(stack.device().capabilities().mtu())
                .append(", engines ").append(stack.engines().length)
                .toString();
    }
}
