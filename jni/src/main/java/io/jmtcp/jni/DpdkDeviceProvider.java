package io.jmtcp.jni;

import io.jmtcp.engine.dev.DeviceSpec;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDeviceProvider;
import io.jmtcp.engine.wire.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens {@link DpdkDevice}s for device strings of scheme {@code dpdk}:
 * <ul>
 *   <li>{@code dpdk:<port-id>} — a port EAL already probed (a NIC, or a {@code --vdev} given in
 *       {@code jmtcp.dpdk.eal});</li>
 *   <li>{@code dpdk:<vdev-name>[,<vdev-arg>=<v>...]} — a virtual device created now, e.g.
 *       {@code dpdk:net_tap0,iface=dtap0} or {@code dpdk:net_memif0,role=server,socket=/tmp/m.sock,
 *       socket-abstract=no}: every parameter that is not one of jmtcp's below goes to the PMD;</li>
 *   <li>{@code dpdk:rings:<pair>:a} and {@code ...:b} — two {@code net_ring} ports of this process
 *       joined back to back (tests, benchmarks: two stacks in one JVM).</li>
 * </ul>
 * jmtcp's own parameters: {@code queues=N}, {@code rxd=N}, {@code txd=N}, {@code mbufs=N},
 * {@code mtu=M}, {@code mac=02:..} (the stack's MAC; default the port's, except for
 * {@code net_tap}, whose kernel side shares the port's MAC, and ports without one such as
 * {@code net_ring}, where a stable one derived from the name is used; the port is promiscuous), {@code poll-us=N} (longest idle nap, default 100),
 * {@code exception=<ifname>} (a kernel TAP that receives the frames the stack does not consume —
 * unicast to other MACs, and what the engine hands over: UDP, IPv6, other protocols, TCP for ports
 * with no jmtcp socket, copies of ARP — and whose frames go out of the port:
 * {@link DpdkDevice#attachException}). EAL arguments, descriptor and mempool defaults come from the
 * {@code jmtcp.dpdk.*} configuration keys.
 *
 * <p>The kernel side of the exception TAP, as KNI does it: give it the stack's MAC and IPv4
 * address (fix the stack's with {@code mac=}, then {@code ip link set dev <ifname> address <mac>},
 * {@code ip addr add <ip>/<len> dev <ifname>}), and keep the two stacks' ephemeral ports apart —
 * {@code jmtcp.tcp.ports} and the kernel's {@code net.ipv4.ip_local_port_range} must not overlap,
 * or replies to one stack's connection may reach the other — and run no server on a port both
 * listen on (jmtcp wins: the segments it consumes never reach the kernel). Alternatively the kernel
 * side keeps its own MAC and another address; it then gets its unicast frames by MAC.
 *
 * <p>Without DPDK in the build, opening fails with "install libdpdk-dev and rebuild".
 */
public final class DpdkDeviceProvider implements NetDeviceProvider {

    private static final String[] OWN = {"queues", "rxd", "txd", "mbufs", "mtu", "mac", "poll-us", "exception"};
    private static final Map<String, int[]> RING_PAIRS = new ConcurrentHashMap<>();

    /** Default IP MTU of a DPDK device. */
    public static final int DEFAULT_MTU = 1500;

    @Override
    public String scheme() {
        return "dpdk";
    }

    @Override
    public String usage() {
        return "dpdk:<port-id> | dpdk:<vdev>[,vdev-arg=v...] | dpdk:rings:<pair>:a|b  [,queues=N][,rxd=N][,txd=N]"
                + "[,mbufs=N][,mtu=M][,mac=X][,poll-us=N]  DPDK ethdev via libjmtcp-dpdk (EAL args: jmtcp.dpdk.eal)";
    }

    @Override
    public NetDevice open(DeviceSpec spec, int queues, int mtu) {
        return open(spec, queues, mtu, Map.of());
    }

    @Override
    public NetDevice open(DeviceSpec spec, int queues, int mtu, Map<String, String> settings) {
        if (spec.name().isEmpty()) {
            throw new IllegalArgumentException("device '" + spec + "': name a port, e.g. dpdk:0,"
                    + " dpdk:net_tap0,iface=dtap0 or dpdk:rings:r0:a");
        }
        int q = spec.intParam("queues", Math.max(1, queues), 1, 64);
        int rxd = spec.intParam("rxd", intSetting(settings, "jmtcp.dpdk.rx-descriptors", 1024), 64, 32768);
        int txd = spec.intParam("txd", intSetting(settings, "jmtcp.dpdk.tx-descriptors", 1024), 64, 32768);
        int mbufs = spec.intParam("mbufs", intSetting(settings, "jmtcp.dpdk.mbufs", 8191), 1024, 1048575);
        int m = spec.intParam("mtu", mtu == 0 ? DEFAULT_MTU : mtu, 68, 9600);
        int pollMicros = spec.intParam("poll-us", 100, 1, 1_000_000);
        if (mbufs < rxd + txd + DpdkDevice.STOCK + 2 * DpdkDevice.BURST_MAX) {
            throw new IllegalArgumentException("device '" + spec + "': mbufs=" + mbufs + " cannot fill rxd=" + rxd
                    + " + txd=" + txd + " and leave room for frames in flight; allowed: at least "
                    + (rxd + txd + DpdkDevice.STOCK + 2 * DpdkDevice.BURST_MAX));
        }
        Long macOverride = null;
        String macText = spec.params().get("mac");
        if (macText != null) {
            try {
                macOverride = MacAddress.parse(macText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("device '" + spec + "': mac=" + macText
                        + " is not six hex octets like 02:00:00:00:00:01");
            }
        }
        try {
            // before any DpdkNative use: a failed class initialisation would hide this message later
            NativeLibrary.loadDpdk();
        } catch (UnsatisfiedLinkError e) {
            throw new UncheckedIOException("device '" + spec + "': " + e.getMessage(), new IOException(e));
        }
        String eal = settings.getOrDefault("jmtcp.dpdk.eal", Dpdk.DEFAULT_EAL_ARGS);
        try {
            Dpdk.init(eal);
        } catch (IOException e) {
            throw new UncheckedIOException("device '" + spec + "': " + e.getMessage(), e);
        }
        int port = resolvePort(spec, q);
        ByteBuffer info = ByteBuffer.allocateDirect(DpdkDevice.INFO_SIZE + 8).order(ByteOrder.nativeOrder());
        long infoAddress = DpdkNative.address0(info);
        int rc = DpdkNative.portOpen0(port, q, rxd, txd, mbufs, m, infoAddress);
        if (rc < 0) {
            throw failed(spec, Errno.exception(rc, "configure and start DPDK port "
                    + port + " with " + q + " queue(s), rxd=" + rxd + ", txd=" + txd + ", mbufs=" + mbufs + ", mtu=" + m));
        }
        long portMac = info.getLong(DpdkDevice.I_MAC);
        // net_tap's kernel side shares the port's MAC, and net_ring ports have none: then the
        // stack takes a stable locally administered one derived from the device name
        long mac = macOverride != null ? macOverride
                : spec.name().startsWith("net_tap") || portMac == 0 ? TapDevice.stableMac("dpdk:" + spec.name())
                : portMac;
        String exceptionTap = spec.params().get("exception");
        if (exceptionTap != null) {
            try {
                TapDevice.requireInterfaceName(exceptionTap);
            } catch (IllegalArgumentException e) {
                DpdkNative.portClose0(port, q);
                throw new IllegalArgumentException("device '" + spec + "': exception=" + e.getMessage());
            }
        }
        DpdkDevice device;
        try {
            device = new DpdkDevice("dpdk:" + spec.name(), port, q, m, mac, info, pollMicros * 1000L);
        } catch (IOException e) {
            DpdkNative.portClose0(port, q);
            throw new UncheckedIOException("device '" + spec + "': " + e.getMessage(), e);
        }
        if (exceptionTap != null) {
            try {
                // the kernel side keeps its own (random) MAC: the port is promiscuous, frames to it are not ours
                device.attachException(TapDevice.open(exceptionTap, 1, m, mac, 256));
            } catch (IOException | RuntimeException e) {
                device.close();
                throw new UncheckedIOException("device '" + spec + "': exception path: " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
        }
        return device;
    }

    private static UncheckedIOException failed(DeviceSpec spec, IOException e) {
        return new UncheckedIOException("device '" + spec + "': " + e.getMessage(), e);
    }

    private static int intSetting(Map<String, String> settings, String key, int def) {
        String v = settings.get(key);
        return v == null ? def : Integer.parseInt(v.trim());
    }

    private static int resolvePort(DeviceSpec spec, int queues) {
        String name = spec.name();
        if (name.matches("\\d+")) {
            spec.requireOnly(OWN);
            int port = Integer.parseInt(name);
            if (DpdkNative.portValid0(port) != 1) {
                throw new IllegalArgumentException("device '" + spec + "': there is no DPDK port " + port
                        + "; existing ports: " + Dpdk.ports());
            }
            return port;
        }
        if (name.startsWith("rings:")) {
            spec.requireOnly(OWN);
            String[] p = name.split(":");
            if (p.length != 3 || !p[1].matches("[A-Za-z0-9_]{1,16}") || !(p[2].equals("a") || p[2].equals("b"))) {
                throw new IllegalArgumentException("device '" + spec + "': expected rings:<pair>:a or rings:<pair>:b"
                        + " with a pair name of 1 to 16 of A-Z a-z 0-9 _");
            }
            int[] ports = RING_PAIRS.computeIfAbsent(p[1], k -> {
                int[] out = new int[2];
                int rc = DpdkNative.ringPair0("jr_" + k, queues, 4096, out);
                if (rc < 0) {
                    throw failed(spec, Errno.exception(rc, "create the net_ring pair " + k + " with " + queues
                            + " queue(s)"));
                }
                return out;
            });
            return ports[p[2].equals("a") ? 0 : 1];
        }
        if (!name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("device '" + spec + "': '" + name + "' is neither a port id, a vdev name"
                    + " (like net_tap0) nor rings:<pair>:a|b");
        }
        StringBuilder devargs = new StringBuilder(name);
        spec.params().forEach((k, v) -> {
            if (!java.util.Arrays.asList(OWN).contains(k)) {
                devargs.append(',').append(k).append('=').append(v);
            }
        });
        int existing = DpdkNative.portByName0(name);
        if (existing >= 0) {
            return existing;
        }
        int port = DpdkNative.probe0(devargs.toString(), name);
        if (port < 0) {
            throw failed(spec, Errno.exception(port,
                    "create DPDK virtual device '" + devargs + "' (no port of that name; existing ports: "
                            + Dpdk.ports() + ")"));
        }
        return port;
    }
}
