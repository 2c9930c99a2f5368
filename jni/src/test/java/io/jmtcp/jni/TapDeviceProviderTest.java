package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.dev.DeviceSpec;
import io.jmtcp.engine.dev.NetDevices;
import org.junit.jupiter.api.Test;

/** Spec validation happens before anything native is touched, so none of this needs root. */
class TapDeviceProviderTest {

    private final TapDeviceProvider provider = new TapDeviceProvider();

    private void rejects(String spec, String... messageParts) {
        assertThatThrownBy(() -> provider.open(DeviceSpec.parse(spec), 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .contains(messageParts);
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(NetDevices.providers()).containsKey("tap");
        assertThat(NetDevices.providers().get("tap")).isInstanceOf(TapDeviceProvider.class);
    }

    @Test
    void rejectsUnknownParametersListingTheAllowedOnes() {
        rejects("tap:jmt0,queue=2", "unknown parameter 'queue'", "queues, mtu, mac, slots");
    }

    @Test
    void rejectsAMissingInterfaceName() {
        rejects("tap", "needs an interface name");
    }

    @Test
    void rejectsNamesTheKernelWouldTruncate() {
        rejects("tap:abcdefghijklmnop", "1 to 15 characters");
        rejects("tap:a/b", "1 to 15 characters");
    }

    @Test
    void rejectsQueueCountsOutsideTheKernelsRange() {
        rejects("tap:jmt0,queues=0", "queues=0", "[1, 256]");
        rejects("tap:jmt0,queues=257", "queues=257");
        rejects("tap:jmt0,queues=two", "queues=two");
    }

    @Test
    void rejectsMtusOutsideIpv4Limits() {
        rejects("tap:jmt0,mtu=67", "mtu=67", "[68, 65521]");
        rejects("tap:jmt0,mtu=70000", "mtu=70000");
    }

    @Test
    void rejectsMalformedAndMulticastMacs() {
        rejects("tap:jmt0,mac=02:00:00:00:00", "mac=02:00:00:00:00", "six hex octets");
        rejects("tap:jmt0,mac=zz:00:00:00:00:01", "six hex octets");
        rejects("tap:jmt0,mac=03:00:00:00:00:01", "multicast");
    }

    @Test
    void rejectsTinySlotPools() {
        rejects("tap:jmt0,slots=1", "slots=1");
    }

    @Test
    void stableMacIsLocallyAdministeredUnicastAndRepeatable() {
        long a = TapDevice.stableMac("jmt0");
        assertThat(a).isEqualTo(TapDevice.stableMac("jmt0"));
        assertThat(a).isNotEqualTo(TapDevice.stableMac("jmt1"));
        assertThat(a >>> 40).isEqualTo(0x02L);
        assertThat(a & ~0xFFFF_FFFF_FFFFL).isZero();
    }
}
