package io.jmtcp.engine.dev;

/**
 * Opens devices of one scheme. Devices outside the engine module (TAP and DPDK in
 * {@code jmtcp-jni}) register through {@link java.util.ServiceLoader}.
 */
public interface NetDeviceProvider {

    /** The scheme this provider opens, e.g. {@code tap}. */
    String scheme();

    /** One line describing the device string, for error messages and help. */
    String usage();

    /**
     * Opens the device.
     *
     * @param spec the parsed device string
     * @param queues queue pairs wanted (one per engine)
     * @param mtu the configured IP MTU, or 0 for the device's own
     * @throws IllegalArgumentException when the spec is invalid, naming what is allowed
     * @throws java.io.UncheckedIOException when the device cannot be opened
     */
    NetDevice open(DeviceSpec spec, int queues, int mtu);

    /**
     * Opens the device with the stack's configuration at hand: {@code settings} maps configuration
     * keys (already validated, e.g. {@code jmtcp.dpdk.eal}) to their texts. Devices that need no
     * settings beyond the device string keep this default.
     */
    default NetDevice open(DeviceSpec spec, int queues, int mtu, java.util.Map<String, String> settings) {
        return open(spec, queues, mtu);
    }
}
