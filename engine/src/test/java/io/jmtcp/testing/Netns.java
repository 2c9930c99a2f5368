package io.jmtcp.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace made for one test, named {@code jmtcp-<random>}, in which the kernel plays
 * the peer of a jmtcp device. Commands run inside it with {@code ip netns exec}; interfaces are
 * moved in with {@link #moveIn}. Closing it kills what it started, deletes the interfaces moved
 * in and the namespace itself; a shutdown hook does the same if the JVM exits before close.
 *
 * <p>Only addresses from 198.18.0.0/15 (RFC 2544's benchmarking range) may be configured, so a
 * test can never route traffic to a real network.
 */
public final class Netns implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4_CIDR =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(/\\d{1,2})?");

    private final String name;
    private final List<String> interfaces = new ArrayList<>();
    private final List<Shell.Background> started = new ArrayList<>();
    private final Thread backstop;
    private boolean closed;

    private Netns(String name) {
        this.name = name;
        this.backstop = new Thread(() -> Shell.run(Duration.ofSeconds(10), "ip", "netns", "del", name),
                "netns-backstop-" + name);
    }

    /**
     * Creates a fresh namespace with its loopback up.
     *
     * @throws IllegalStateException with the output of {@code ip} when it cannot be created
     */
    public static Netns create() {
        String name = "jmtcp-" + Long.toHexString(RANDOM.nextLong() & 0xffff_ffffL);
        Shell.check("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        Runtime.getRuntime().addShutdownHook(ns.backstop);
        try {
            ns.exec("ip", "link", "set", "lo", "up").orThrow();
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace's name. */
    public String name() {
        return name;
    }

    /** Runs a command inside the namespace with {@link Shell#DEFAULT_TIMEOUT}. */
    public Shell.Result exec(String... command) {
        return exec(Shell.DEFAULT_TIMEOUT, command);
    }

    /** Runs a command inside the namespace. */
    public Shell.Result exec(Duration timeout, String... command) {
        return Shell.run(timeout, inside(command));
    }

    /** Starts a command inside the namespace; it is killed on {@link #close()} if still running. */
    public Shell.Background start(String... command) {
        Shell.Background b = Shell.start(inside(command));
        started.add(b);
        return b;
    }

    private String[] inside(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Moves {@code ifname} from the caller's namespace into this one; it is deleted on close. */
    public void moveIn(String ifname) {
        Shell.check("ip", "link", "set", "dev", ifname, "netns", name);
        interfaces.add(ifname);
    }

    /**
     * Configures the kernel side of {@code ifname}: no IPv6 (so no router or neighbour
     * solicitations clutter the wire), the given address, link up.
     *
     * @param cidr an address in 198.18.0.0/15 with prefix, e.g. {@code 198.18.0.1/24}
     */
    public void configure(String ifname, String cidr) {
        requireBenchmarkRange(cidr);
        exec("sysctl", "-q", "-w", "net.ipv6.conf." + ifname + ".disable_ipv6=1").orThrow();
        exec("ip", "addr", "add", cidr, "dev", ifname).orThrow();
        exec("ip", "link", "set", "dev", ifname, "up").orThrow();
    }

    /** A counter from {@code /sys/class/net/<ifname>/statistics/}, e.g. {@code rx_packets}. */
    public long statistic(String ifname, String counter) {
        if (!counter.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a statistics counter name: " + counter);
        }
        return Long.parseLong(exec("cat", "/sys/class/net/" + ifname + "/statistics/" + counter)
                .orThrow().stdout().strip());
    }

    /**
     * Throws unless {@code address} (optionally with a prefix) lies in 198.18.0.0/15.
     *
     * @throws IllegalArgumentException naming the address and the allowed range
     */
    public static void requireBenchmarkRange(String address) {
        Matcher m = IPV4_CIDR.matcher(address);
        boolean ok = m.matches()
                && Integer.parseInt(m.group(1)) == 198
                && (Integer.parseInt(m.group(2)) == 18 || Integer.parseInt(m.group(2)) == 19)
                && Integer.parseInt(m.group(3)) <= 255
                && Integer.parseInt(m.group(4)) <= 255
                && (m.group(5) == null || Integer.parseInt(m.group(5).substring(1)) >= 15);
        if (!ok) {
            throw new IllegalArgumentException("test address " + address
                    + " is outside 198.18.0.0/15, the only range test namespaces may use");
        }
    }

    /** Kills what was started inside, deletes moved interfaces and the namespace. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        started.forEach(Shell.Background::close);
        for (String ifname : interfaces) {
            // may already be gone (a TAP disappears with its last fd); that is fine
            exec(Duration.ofSeconds(10), "ip", "link", "del", "dev", ifname);
        }
        Shell.Result del = Shell.run(Duration.ofSeconds(10), "ip", "netns", "del", name);
        try {
            Runtime.getRuntime().removeShutdownHook(backstop);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; deleting twice is harmless
        }
        if (!del.ok()) {
            throw new IllegalStateException("cannot delete namespace: " + del.describe());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
