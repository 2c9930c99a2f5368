package io.jmtcp.engine.dev;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds a provider for a device string and opens it. */
public final class NetDevices {

    private NetDevices() {}

    /** The built-in loopback provider ({@code loopback[,slots=N]}). */
    public static final class LoopbackProvider implements NetDeviceProvider {
        @Override
        public String scheme() {
            return "loopback";
        }

        @Override
        public String usage() {
            return "loopback[,slots=N]  in-stack loopback, no root, no native code";
        }

        @Override
        public NetDevice open(DeviceSpec spec, int queues, int mtu) {
            spec.requireOnly("slots");
            int slots = spec.intParam("slots", 256, 2, 1 << 16);
            if (Integer.bitCount(slots) != 1) {
                throw new IllegalArgumentException("device '" + spec + "': slots=" + slots + " is not a power of two");
            }
            return new LoopbackDevice(mtu == 0 ? 16384 : mtu, queues, slots);
        }
    }

    /** Every provider visible to this class's loader, by scheme. */
    public static Map<String, NetDeviceProvider> providers() {
        Map<String, NetDeviceProvider> all = new TreeMap<>();
        NetDeviceProvider loopback = new LoopbackProvider();
        all.put(loopback.scheme(), loopback);
        for (NetDeviceProvider p : ServiceLoader.load(NetDeviceProvider.class, NetDevices.class.getClassLoader())) {
            all.putIfAbsent(p.scheme(), p);
        }
        return all;
    }

    /**
     * Opens the device a string names.
     *
     * @throws IllegalArgumentException for an unknown scheme (listing the known ones) or a bad spec
     */
    public static NetDevice open(String deviceString, int queues, int mtu) {
        return open(deviceString, queues, mtu, Map.of());
    }

    /**
     * Opens the device a string names, handing the provider configuration texts it may need
     * (see {@link NetDeviceProvider#open(DeviceSpec, int, int, Map)}).
     *
     * @throws IllegalArgumentException for an unknown scheme (listing the known ones) or a bad spec
     */
    public static NetDevice open(String deviceString, int queues, int mtu, Map<String, String> settings) {
        DeviceSpec spec = DeviceSpec.parse(deviceString);
        Map<String, NetDeviceProvider> all = providers();
        NetDeviceProvider p = all.get(spec.scheme());
        if (p == null) {
            StringBuilder known = new StringBuilder();
            all.values().forEach(v -> known.append("\n  ").append(v.usage()));
            String hint = spec.scheme().equals("tap") || spec.scheme().equals("dpdk")
                    ? " (it lives in jmtcp-jni: use jmtcp.jar, or add jmtcp-jni to the class path)"
                    : "";
            throw new IllegalArgumentException(
                    "unknown device '" + spec.scheme() + "'" + hint + "; available:" + known);
        }
        return p.open(spec, queues, mtu, settings);
    }
}
