package io.jmtcp.engine.dev;

/** Counters a device keeps about frames that never reached, or never left, an engine. */
public enum DeviceCounter {
    /** Transmit frames dropped because the medium or the peer's ring was full. */
    TX_DROPPED_FULL("tx frames dropped: ring or queue full"),
    /** Transmit frames larger than the medium's MTU. */
    TX_DROPPED_TOO_BIG("tx frames dropped: larger than the MTU"),
    /** Receive errors reported by the medium (short reads, I/O errors). */
    RX_ERRORS("rx errors reported by the medium"),
    /** Transmit errors reported by the medium. */
    TX_ERRORS("tx errors reported by the medium");

    private final String label;

    DeviceCounter(String label) {
        this.label = label;
    }

    /** A human-readable description. */
    public String label() {
        return label;
    }
}
