package io.jmtcp.engine.dev;

/**
 * What a device can do, fixed when it is opened.
 *
 * @param mtu largest IP packet (without the 14-byte Ethernet header) the device carries
 * @param queues number of independent rx/tx queue pairs, one per engine
 * @param txChecksumOffload the device fills IPv4 and TCP/UDP checksums on transmit
 * @param rxChecksumVerified the device has verified checksums of received frames
 * @param rssHash the device reports a Toeplitz hash per received frame and steers by it
 * @param frameCapacity bytes available in one frame buffer (at least {@code mtu + 14})
 */
public record DeviceCapabilities(
        int mtu,
        int queues,
        boolean txChecksumOffload,
        boolean rxChecksumVerified,
        boolean rssHash,
        int frameCapacity) {

    /** Ethernet II header length without a VLAN tag. */
    public static final int ETHERNET_HEADER = 14;

    public DeviceCapabilities {
        if (mtu < 68) {
            throw new IllegalArgumentException("mtu " + mtu + " is below the IPv4 minimum of 68");
        }
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be at least 1, got " + queues);
        }
        if (frameCapacity < mtu + ETHERNET_HEADER) {
            throw new IllegalArgumentException(
                    "frame capacity " + frameCapacity + " cannot hold an MTU of " + mtu + " plus Ethernet header");
        }
    }

    /** Capabilities of a plain software device: no offloads, no RSS. */
    public static DeviceCapabilities software(int mtu, int queues) {
        return new DeviceCapabilities(mtu, queues, false, false, false, frameCapacityFor(mtu));
    }

    /**
     * Capabilities of a device whose frames never leave the process (the in-stack loopback):
     * checksums are neither computed on transmit nor verified on receive, as Linux's loopback
     * marks its packets CHECKSUM_PARTIAL on the way out and CHECKSUM_UNNECESSARY on the way in.
     * A checksum guards against damage on a wire or in a NIC; memory the stack hands to itself
     * has neither.
     */
    public static DeviceCapabilities inProcess(int mtu, int queues) {
        return new DeviceCapabilities(mtu, queues, true, true, false, frameCapacityFor(mtu));
    }

    /** These capabilities with both checksum offloads off: every checksum computed and verified in software. */
    public DeviceCapabilities withoutChecksumOffload() {
        return new DeviceCapabilities(mtu, queues, false, false, rssHash, frameCapacity);
    }

    /** Buffer size for a frame of the given MTU: header plus room for a VLAN tag, rounded to 64. */
    public static int frameCapacityFor(int mtu) {
        int raw = mtu + ETHERNET_HEADER + 4;
        return (raw + 63) & ~63;
    }
}
