package io.jmtcp.jni;

import io.jmtcp.engine.dev.DeviceSpec;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDeviceProvider;
import io.jmtcp.engine.wire.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Opens {@link TapDevice}s for device strings of scheme {@code tap}:
 * {@code tap:<ifname>[,queues=N][,mtu=M][,mac=02:..][,slots=S]}. Registered through
 * {@code META-INF/services/io.jmtcp.engine.dev.NetDeviceProvider}. Parameters given in the string
 * win over the engine's {@code queues} and {@code mtu} arguments.
 */
public final class TapDeviceProvider implements NetDeviceProvider {

    @Override
    public String scheme() {
        return "tap";
    }

    @Override
    public String usage() {
        return "tap:<ifname>[,queues=N][,mtu=M][,mac=02:xx:xx:xx:xx:xx][,slots=S]  Linux TAP via libjmtcp"
                + " (needs CAP_NET_ADMIN)";
    }

    @Override
    public NetDevice open(DeviceSpec spec, int queues, int mtu) {
        spec.requireOnly("queues", "mtu", "mac", "slots");
        if (spec.name().isEmpty()) {
            throw new IllegalArgumentException("device '" + spec + "': a TAP needs an interface name, e.g. tap:jmt0");
        }
        try {
            TapDevice.requireInterfaceName(spec.name());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device '" + spec + "': " + e.getMessage());
        }
        int q = spec.intParam("queues", Math.max(1, queues), 1, TapDevice.MAX_QUEUES);
        int m = spec.intParam("mtu", mtu == 0 ? TapDevice.DEFAULT_MTU : mtu, 68, TapDevice.MAX_MTU);
        int slots = spec.intParam("slots", TapDevice.DEFAULT_SLOTS, 2, 1 << 16);
        long mac;
        String macText = spec.params().get("mac");
        if (macText == null) {
            mac = TapDevice.stableMac(spec.name());
        } else {
            try {
                mac = MacAddress.parse(macText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("device '" + spec + "': mac=" + macText
                        + " is not six hex octets like 02:00:00:00:00:01");
            }
            if ((mac & 0x0100_0000_0000L) != 0) {
                throw new IllegalArgumentException("device '" + spec + "': mac=" + macText
                        + " is a multicast address; the first octet's lowest bit must be 0");
            }
        }
        try {
            return TapDevice.open(spec.name(), q, m, mac, slots);
        } catch (IOException e) {
            throw new UncheckedIOException("device '" + spec + "': " + e.getMessage(), e);
        }
    }
}
