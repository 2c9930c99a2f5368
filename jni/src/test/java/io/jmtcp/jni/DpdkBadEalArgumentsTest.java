package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.config.ConfigException;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.NetDevices;
import io.jmtcp.testing.Prerequisites;
import java.io.File;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad DPDK configuration fails with clear errors and leaves nothing behind (this JVM is forked for
 * this class: a failed EAL initialisation cannot be retried in a process).
 */
class DpdkBadEalArgumentsTest {

    @Test
    void wrongEalArgumentsFailWithDpdksMessageAndTheArgumentsThenRefuseRetry() {
        Prerequisites.check(Dpdk.available(), "libjmtcp-dpdk (pkg-config libdpdk at build time)");
        String[] runBefore = new File("/var/run/dpdk").list();
        String bad = "--no-huge -m 64 --no-pci --no-shconf --no-telemetry --bogus-option";
        assertThatThrownBy(() -> NetDevices.open("dpdk:rings:x:a", 1, 1500, Map.of("jmtcp.dpdk.eal", bad)))
                .hasMessageContaining("device 'dpdk:rings:x:a'")
                .hasMessageContaining("rte_eal_init failed")
                .hasMessageContaining("args: --no-huge -m 64 --no-pci --no-shconf --no-telemetry --bogus-option")
                .hasMessageContaining("DPDK said:");
        assertThatThrownBy(() -> NetDevices.open("dpdk:rings:x:a", 1, 1500, Map.of()))
                .hasMessageContaining("already failed in this process and cannot be retried");
        String[] runAfter = new File("/var/run/dpdk").list();
        assertThat(runAfter == null ? 0 : runAfter.length).as("no new DPDK runtime directory")
                .isEqualTo(runBefore == null ? 0 : runBefore.length);
    }

    @Test
    void badDpdkConfigurationValuesNameKeyValueAndAllowed() {
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of("dpdk.rx-descriptors", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jmtcp.dpdk.rx-descriptors")
                .hasMessageContaining("1000")
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of("dpdk.mbufs", "10")))
                .hasMessageContaining("jmtcp.dpdk.mbufs").hasMessageContaining("1024..1048575");
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of("dpdk.eal", " ")))
                .hasMessageContaining("jmtcp.dpdk.eal");
        assertThat(JmtcpConfig.of(Map.of("dpdk.eal", "--no-huge -l 0")).textsUnder("jmtcp.dpdk."))
                .containsEntry("jmtcp.dpdk.eal", "--no-huge -l 0")
                .containsEntry("jmtcp.dpdk.mbufs", "8191");
    }
}
