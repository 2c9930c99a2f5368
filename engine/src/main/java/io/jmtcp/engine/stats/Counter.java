package io.jmtcp.engine.stats;

/**
 * Every counter an engine keeps: its id (the ordinal) and a label. Drops are counted by reason,
 * so nothing is ever dropped silently.
 */
public enum Counter {
    RX_FRAMES("frames received"),
    RX_BYTES("bytes received (frames)"),
    TX_FRAMES("frames sent"),
    TX_BYTES("bytes sent (frames)"),
    TX_DROP_NO_BUFFER("tx dropped: device had no free buffer"),
    TX_DROP_TOO_BIG("tx dropped: packet larger than the MTU with DF set"),

    RX_DROP_ETH_TRUNCATED("rx dropped: Ethernet header truncated"),
    RX_DROP_ETH_NOT_FOR_US("rx dropped: destination MAC not ours"),
    RX_DROP_ETH_UNKNOWN_TYPE("rx dropped: EtherType not IPv4 or ARP"),

    ARP_RX_REQUESTS("ARP requests received"),
    ARP_RX_REPLIES("ARP replies received"),
    ARP_TX_REQUESTS("ARP requests sent"),
    ARP_TX_REPLIES("ARP replies sent"),
    RX_DROP_ARP_TRUNCATED("rx dropped: ARP packet truncated"),
    RX_DROP_ARP_UNSUPPORTED("rx dropped: ARP for another hardware/protocol type"),
    RX_DROP_ARP_BAD_OPERATION("rx dropped: ARP operation neither request nor reply"),
    RX_DROP_ARP_BAD_SENDER("rx dropped: ARP sender address broadcast, multicast or ours"),
    ARP_RESOLVE_FAILED("neighbours declared unreachable after all ARP attempts"),
    ARP_PENDING_DROPPED("packets dropped while waiting for ARP (queue full or neighbour unreachable)"),
    ARP_EVICTIONS("neighbour entries evicted to make room"),

    IP_RX_PACKETS("IPv4 packets received"),
    IP_TX_PACKETS("IPv4 packets sent"),
    RX_DROP_IP_TRUNCATED("rx dropped: IPv4 header or total length past the frame"),
    RX_DROP_IP_BAD_VERSION("rx dropped: IP version not 4"),
    RX_DROP_IP_BAD_HEADER_LENGTH("rx dropped: IPv4 header length below 20"),
    RX_DROP_IP_BAD_TOTAL_LENGTH("rx dropped: IPv4 total length shorter than the header"),
    RX_DROP_IP_BAD_CHECKSUM("rx dropped: IPv4 header checksum"),
    RX_DROP_IP_BAD_SOURCE("rx dropped: IPv4 source broadcast, multicast or ours"),
    RX_DROP_IP_NOT_FOR_US("rx dropped: IPv4 destination not ours"),
    IP_FRAGMENTS_RX("IPv4 fragments received"),
    IP_REASSEMBLED("IPv4 datagrams reassembled"),
    RX_DROP_IP_FRAGMENT_BAD("rx dropped: fragment malformed, overlapping inconsistently, or past 65535"),
    RX_DROP_IP_FRAGMENT_NO_BUFFER("rx dropped: fragment with no reassembly buffer free"),
    IP_REASSEMBLY_TIMEOUTS("IPv4 datagrams given up after the reassembly timeout"),
    IP_FRAGMENTS_TX("IPv4 fragments sent"),
    TX_DROP_NO_ROUTE("tx dropped: no route to the destination"),

    ICMP_RX_ECHO_REQUESTS("ICMP echo requests received"),
    ICMP_TX_ECHO_REPLIES("ICMP echo replies sent"),
    ICMP_RX_ECHO_REPLIES("ICMP echo replies received"),
    ICMP_TX_ECHO_REQUESTS("ICMP echo requests sent"),
    ICMP_RX_UNREACHABLE("ICMP destination unreachable received"),
    ICMP_RX_OTHER("ICMP messages of other types received"),
    RX_DROP_ICMP_ECHO_TO_BROADCAST("rx dropped: echo request to a broadcast address (ignored, as Linux does)"),
    RX_DROP_ICMP_TRUNCATED("rx dropped: ICMP message truncated"),
    RX_DROP_ICMP_BAD_CHECKSUM("rx dropped: ICMP checksum"),
    ICMP_TX_UNREACHABLE("ICMP destination unreachable sent (protocol/port)"),
    ICMP_ERRORS_RATE_LIMITED("ICMP errors not sent because of the rate limit"),

    UDP_RX_DATAGRAMS("UDP datagrams received"),
    RX_DROP_UDP_TRUNCATED("rx dropped: UDP header or length past the packet"),
    RX_DROP_UDP_BAD_CHECKSUM("rx dropped: UDP checksum"),
    RX_DROP_UDP_NO_PORT("rx dropped: UDP datagram to a port nobody listens on"),

    RX_DROP_PROTOCOL_UNREACHABLE("rx dropped: IP protocol this stack does not carry"),

    SIBLING_DROP_FULL("cross-engine hand-over dropped: the sibling's queue was full"),

    COMMANDS("application commands processed"),
    DUTY_CYCLES("engine duty cycles run"),
    IDLE_SLEEPS("times the engine went to sleep idle");

    private final String label;

    Counter(String label) {
        this.label = label;
    }

    /** Human-readable description. */
    public String label() {
        return label;
    }

    /** True for drop counters ({@code *_DROP_*}). */
    public boolean isDrop() {
        return name().contains("DROP");
    }
}
