package io.jmtcp.it.frameworks.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The lines an app prints for the test that forked it, and the inspection handshake that proves
 * where a connection lives. Lines:
 * <pre>
 * FACT &lt;key&gt; &lt;value&gt;                       something the test asserts on
 * PROBE TUPLE &lt;what&gt; &lt;client ip:port&gt; &lt;server ip:port&gt;
 * PROBE JMX &lt;line&gt;                          one per line of every jmtcp engine's connection listing
 * PROBE JMX-NONE                              no jmtcp engine MBean in this JVM (a kernel run)
 * PROBE HOLD &lt;server port&gt;                   the connection is open; the app waits for "go" on stdin
 * </pre>
 * The listing comes from the MBeans {@code io.jmtcp:type=Engine,*}, attribute {@code Connections},
 * through the platform MBean server: the app needs no jmtcp class to read it.
 *
 * <p>Threads: any; lines are printed whole under the stream's lock.
 */
public final class Probe {

    private static final PrintStream OUT = System.out;
    private static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private Probe() {
    }

    /** Prints {@code FACT key value}. */
    public static void fact(String key, Object value) {
        OUT.println("FACT " + key + " " + value);
        OUT.flush();
    }

    /**
     * With the connection {@code client -> server} open, prints its tuple and jmtcp's listing, then
     * blocks until the test has looked at the kernel's sockets and answered.
     */
    public static void hold(String what, InetSocketAddress client, InetSocketAddress server) throws IOException {
        OUT.println("PROBE TUPLE " + what + " " + text(client) + " " + text(server));
        List<String> lines = jmtcpConnections();
        if (lines == null) {
            OUT.println("PROBE JMX-NONE");
        } else {
            lines.forEach(l -> OUT.println("PROBE JMX " + l));
        }
        OUT.println("PROBE HOLD " + server.getPort());
        OUT.flush();
        String answer = IN.readLine();
        if (!"go".equals(answer)) {
            throw new IOException("the test answered " + answer + " instead of go");
        }
    }

    /** The same, for a connection known by its client port only (the server reported it). */
    public static void hold(String what, int clientPort, InetSocketAddress server) throws IOException {
        hold(what, new InetSocketAddress(server.getAddress(), clientPort), server);
    }

    /** Blocks until the test says "go" (used between measurement rounds); null at end of input. */
    public static String command() throws IOException {
        return IN.readLine();
    }

    /**
     * Prints {@code FACT counter.NAME VALUE} for every counter of jmtcp's engines (summed over
     * engines, from the MBeans' {@code Counters} attribute), and {@code FACT counters none} when this
     * JVM has no jmtcp engine.
     */
    public static void counters() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            java.util.Map<String, Long> sum = new java.util.TreeMap<>();
            var names = server.queryNames(new ObjectName("io.jmtcp:type=Engine,*"), null);
            for (ObjectName n : names) {
                javax.management.openmbean.TabularData t =
                        (javax.management.openmbean.TabularData) server.getAttribute(n, "Counters");
                for (Object row : t.values()) {
                    javax.management.openmbean.CompositeData c = (javax.management.openmbean.CompositeData) row;
                    sum.merge((String) c.get("key"), (Long) c.get("value"), Long::sum);
                }
            }
            if (sum.isEmpty()) {
                fact("counters", "none");
            }
            sum.forEach((k, v) -> fact("counter." + k, v));
            fact("counters", "done");
        } catch (JMException e) {
            throw new IllegalStateException("cannot read jmtcp's counters: " + e, e);
        }
    }

    /** Every jmtcp engine's connection listing, or null when this JVM has no jmtcp engine. */
    static List<String> jmtcpConnections() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            List<String> out = new ArrayList<>();
            var names = server.queryNames(new ObjectName("io.jmtcp:type=Engine,*"), null);
            if (names.isEmpty()) {
                return null;
            }
            for (ObjectName n : names) {
                for (String line : (String[]) server.getAttribute(n, "Connections")) {
                    out.add(line);
                }
            }
            return out;
        } catch (JMException e) {
            throw new IllegalStateException("cannot read jmtcp's connection listing: " + e, e);
        }
    }

    static String text(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Lower-case hex of {@code bytes}. */
    public static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
