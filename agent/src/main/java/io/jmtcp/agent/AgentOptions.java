package io.jmtcp.agent;

import io.jmtcp.engine.config.ConfigException;
import io.jmtcp.engine.config.ConfigKey;
import io.jmtcp.engine.config.JmtcpConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The option string of {@code -javaagent:jmtcp.jar=OPTIONS}: {@code key=value} pairs separated by
 * commas, with the configuration's keys (with or without the {@code jmtcp.} prefix), plus
 * {@code config=FILE} and {@code agent.failfast=true|false}. Values may contain commas themselves
 * (device strings, DPDK EAL arguments): a comma starts a new option only when what follows it is
 * {@code knownKey=}; otherwise it belongs to the value before. So
 * {@code device=tap:jmt0,queues=2,ip=198.18.0.2/24} is the device {@code tap:jmt0,queues=2} and
 * the address {@code 198.18.0.2/24}.
 */
final class AgentOptions {

    /** Agent-only keys (not stack configuration). */
    static final String FAILFAST = "jmtcp.agent.failfast";

    private AgentOptions() {
    }

    /**
     * Parses the option string into full key names ({@code jmtcp.device}, ...).
     *
     * @throws ConfigException naming the unknown key or the malformed part
     */
    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        Set<String> known = knownKeys();
        String currentKey = null;
        StringBuilder value = new StringBuilder();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            String candidate = eq > 0 ? full(part.substring(0, eq).trim()) : null;
            if (candidate != null && known.contains(candidate)) {
                if (currentKey != null) {
                    out.put(currentKey, value.toString());
                }
                currentKey = candidate;
                value.setLength(0);
                value.append(part.substring(eq + 1));
            } else if (currentKey != null) {
                value.append(',').append(part);
            } else {
                String key = eq > 0 ? part.substring(0, eq).trim() : part;
                throw new ConfigException(full(key), "unknown agent option in '" + text + "'; known keys: "
                        + String.join(", ", known));
            }
        }
        if (currentKey != null) {
            out.put(currentKey, value.toString());
        }
        return out;
    }

    private static String full(String key) {
        return key.startsWith("jmtcp.") ? key : "jmtcp." + key;
    }

    private static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>();
        for (ConfigKey<?> k : JmtcpConfig.keys()) {
            keys.add(k.name());
        }
        keys.add(JmtcpConfig.CONFIG_FILE_KEY);
        keys.add(FAILFAST);
        return keys;
    }
}
