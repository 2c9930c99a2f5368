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
}
