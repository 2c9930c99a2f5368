package io.jmtcp.provider.route;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.provider.route.RouteRule.Target;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Decides, per bind and per connect, whether a channel runs on jmtcp or on the kernel (DESIGN.md
 * 5). The first matching rule of {@code jmtcp.route.rules} wins; without one:
 * <ul>
 * <li>a <b>listener</b> goes to jmtcp when its local address is the wildcard, an address of the
 *     jmtcp interface, or loopback while jmtcp runs on a loopback subnet; otherwise to the
 *     kernel. A jmtcp listener on an address the kernel also has (wildcard, loopback, the host's
 *     own addresses) also listens on the kernel ({@link Listen#kernelSide}) unless
 *     {@code jmtcp.route.kernel-listen=false}, so kernel clients reach it (issue 5 item 6);</li>
 * <li>a <b>client bind</b> (before connect) to the wildcard or loopback stays undecided
 *     ({@link Decision#EITHER}: the port is held on both sides until the destination is known);
 *     to a jmtcp interface address it goes to jmtcp, to anything else to the kernel;</li>
 * <li>a <b>connect</b> goes by destination: a loopback destination goes to jmtcp only where a
 *     jmtcp listener of this JVM listens (the in-stack loopback); a destination in the jmtcp
 *     subnet, or beyond its gateway and not an address of this host, goes to jmtcp; everything
 *     else (a local database, another process on the host) goes to the kernel.</li>
 * </ul>
 * IPv6 always goes to the kernel: jmtcp carries IPv4 only.
 *
 * <p>Threads: any.
 */
public final class Router {

    /** A decision for a client bind or a connect. */
    public enum Decision {
        /** The jmtcp stack. */
        JMTCP,
        /** The kernel. */
        KERNEL,
        /** Client bind only: hold the port on both and decide at connect. */
        EITHER
    }

    /**
     * A decision for a listener.
     *
     * @param target     where the listener runs
     * @param kernelSide for a jmtcp listener: also listen on the kernel at the same address and port
     */
    public record Listen(Target target, boolean kernelSide) {
    }

    private final List<RouteRule> rules;
    private final Cidr jmtcpIp;
    private final boolean loopbackStack;
    private final boolean hasGateway;
    private final boolean kernelListen;
    private final BiPredicate<InetAddress, Integer> jmtcpListens;
    private final Predicate<InetAddress> kernelHas;

    /**
     * @param config       the stack's configuration (address, gateway, rules, kernel-listen)
     * @param jmtcpListens whether a jmtcp listener of this JVM listens on an address and port
     * @param kernelHas    whether an address is one of the kernel's own (the host's interfaces)
     */
    public Router(JmtcpConfig config, BiPredicate<InetAddress, Integer> jmtcpListens, Predicate<InetAddress> kernelHas) {
        this.rules = RouteRule.parseAll(config.get(JmtcpConfig.ROUTE_RULES));
        this.jmtcpIp = config.get(JmtcpConfig.IP);
        this.loopbackStack = (jmtcpIp.address() >>> 24) == 127;
        this.hasGateway = config.get(JmtcpConfig.GATEWAY).isPresent();
        this.kernelListen = config.get(JmtcpConfig.ROUTE_KERNEL_LISTEN);
        this.jmtcpListens = jmtcpListens;
        this.kernelHas = kernelHas;
    }

    /** A router that asks the host's network interfaces which addresses the kernel has. */
    public Router(JmtcpConfig config, BiPredicate<InetAddress, Integer> jmtcpListens) {
        this(config, jmtcpListens, new HostAddresses());
    }

    /** Where a listener bound to {@code local} runs. */
    public Listen listen(InetSocketAddress local) {
        InetAddress a = local.getAddress();
        if (!(a instanceof Inet4Address)) {
            return new Listen(Target.KERNEL, false);
        }
        Target rule = rule(false, a, local.getPort());
        if (rule == Target.KERNEL) {
            return new Listen(Target.KERNEL, false);
        }
        if (rule == null && !isJmtcpLocal(a)) {
            return new Listen(Target.KERNEL, false);
        }
        boolean kernelSide = kernelListen && (a.isAnyLocalAddress() || a.isLoopbackAddress() || kernelHas.test(a));
        return new Listen(Target.JMTCP, kernelSide);
    }

    /** Where a client socket bound (before connecting) to {@code local} runs. */
    public Decision bind(InetSocketAddress local) {
        InetAddress a = local.getAddress();
        if (!(a instanceof Inet4Address)) {
            return Decision.KERNEL;
        }
        Target rule = rule(false, a, local.getPort());
        if (rule != null) {
            return rule == Target.JMTCP ? Decision.JMTCP : Decision.KERNEL;
        }
        if (a.isAnyLocalAddress() || (a.isLoopbackAddress() && loopbackStack)) {
            return Decision.EITHER;
        }
        return isJmtcpLocal(a) ? Decision.JMTCP : Decision.KERNEL;
    }

    /** Where a connect to {@code remote} goes (never {@link Decision#EITHER}). */
    public Decision connect(InetSocketAddress remote) {
        InetAddress a = remote.getAddress();
        if (!(a instanceof Inet4Address)) {
            return Decision.KERNEL;
        }
        Target rule = rule(true, a, remote.getPort());
        if (rule != null) {
            return rule == Target.JMTCP ? Decision.JMTCP : Decision.KERNEL;
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            // the in-stack loopback serves only what a jmtcp listener of this JVM listens on;
            // every other loopback port belongs to the kernel (another process, a kernel socket)
            return loopbackStack && jmtcpListens.test(a, remote.getPort()) ? Decision.JMTCP : Decision.KERNEL;
        }
        if (!loopbackStack && jmtcpIp.contains(toInt(a))) {
            return Decision.JMTCP;
        }
        if (kernelHas.test(a)) {
            return Decision.KERNEL;
        }
        return hasGateway && !loopbackStack ? Decision.JMTCP : Decision.KERNEL;
    }

    /** Whether a listener on {@code a} may run on jmtcp: wildcard, our address, loopback on a loopback stack. */
    private boolean isJmtcpLocal(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return true;
        }
        int ip = toInt(a);
        return ip == jmtcpIp.address() || (loopbackStack && jmtcpIp.contains(ip));
    }

    private Target rule(boolean connect, InetAddress a, int port) {
        for (RouteRule r : rules) {
            if (r.matches(connect, a, port)) {
                return r.target();
            }
        }
        return null;
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The addresses of the host's interfaces, read once on first use. */
    static final class HostAddresses implements Predicate<InetAddress> {
        private volatile Set<InetAddress> addresses;

        @Override
        public boolean test(InetAddress a) {
            Set<InetAddress> s = addresses;
            if (s == null) {
                s = read();
                addresses = s;
            }
            return s.contains(a);
        }

        private static Set<InetAddress> read() {
            Set<InetAddress> s = new HashSet<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    s.addAll(Collections.list(ni.getInetAddresses()));
                }
            } catch (SocketException e) {
                // no interface list: treat no address as the kernel's, so routing falls back to the defaults
            }
            return Set.copyOf(s);
        }
    }
}
