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

    EXCEPTION_OTHER_DESTINATION("exception path: frames to another unicast or a multicast MAC handed over"),
    EXCEPTION_ETHERTYPE("exception path: frames of an EtherType not IPv4 or ARP (IPv6...) handed over"),
    EXCEPTION_ARP("exception path: copies of ARP packets handed over (both stacks need them)"),
    EXCEPTION_IP_PROTOCOL("exception path: IPv4 packets of a protocol this stack does not carry handed over"),
    EXCEPTION_UDP("exception path: UDP datagrams handed over (instead of ICMP port unreachable)"),
    EXCEPTION_ICMP("exception path: copies of ICMP messages other than echo requests handed over"),
    EXCEPTION_TCP_NO_SOCKET("exception path: TCP segments for no connection, listener or TIME-WAIT handed over"
            + " (instead of RST)"),
    EXCEPTION_DROPPED("exception path: frames the sink could not take (full, or larger than its frames)"),

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

    RX_DROP_TCP_TRUNCATED("rx dropped: TCP header truncated or data offset invalid"),
    RX_DROP_TCP_BAD_CHECKSUM("rx dropped: TCP checksum"),
    RX_DROP_TCP_BAD_OPTIONS("rx dropped: malformed TCP options"),
    RX_DROP_TCP_BROADCAST("rx dropped: TCP to a broadcast address"),
    RX_DROP_TCP_FORWARD_FULL("rx dropped: the owning engine's hand-over queue was full"),
    RX_DROP_TCP_NO_SOCKET("rx: segment for no connection or listener (answered with RST unless it was one)"),
    RX_DROP_TCP_LISTEN_NO_SYN("rx dropped: segment to a listener without SYN, ACK or RST"),
    RX_DROP_TCP_BAD_FLAGS("rx dropped: impossible flag combination (SYN+FIN, no SYN in SYN-SENT)"),
    RX_DROP_TCP_ACCEPT_QUEUE_FULL("rx dropped: SYN or final ACK while the accept queue was full"),
    RX_DROP_TCP_SYN_BACKLOG_FULL("rx dropped: SYN with the SYN backlog full and cookies off"),
    RX_DROP_TCP_SYN_COOKIE_BAD("rx: ACK to a listener with an invalid or expired SYN cookie"),
    RX_DROP_TCP_BAD_ACK("rx dropped: acknowledgement outside what was sent (RFC 5961 5.2)"),
    RX_DROP_TCP_PAWS("rx dropped: old timestamp (PAWS, RFC 7323 5)"),
    RX_DROP_TCP_OUT_OF_WINDOW("rx dropped: sequence number outside the receive window (ACK sent)"),
    RX_DROP_TCP_RST_OUT_OF_WINDOW("rx dropped: RST outside the receive window"),
    RX_DROP_TCP_NO_ACK("rx dropped: segment without ACK on a synchronized connection"),
    RX_DROP_TCP_DATA_AFTER_FIN("rx dropped: data after the peer's FIN"),
    RX_DROP_TCP_BEYOND_WINDOW("rx dropped: data beyond the receive buffer"),
    RX_DROP_TCP_OUT_OF_ORDER_LIMIT("rx dropped: out-of-order data over the connection's ranges or the engine's limit"),
    TCP_RX_SEGMENTS("TCP segments received"),
    TCP_TX_SEGMENTS("TCP segments sent"),
    TCP_BYTES_RECEIVED("TCP payload bytes received in order"),
    TCP_BYTES_SENT("TCP payload bytes sent (retransmissions included)"),
    TCP_BYTES_ACKED("TCP sequence space acknowledged by peers"),
    TCP_FORWARDED("TCP segments handed to the engine owning their flow"),
    TCP_ACTIVE_OPENS("connections opened by connect"),
    TCP_PASSIVE_OPENS("connections opened by a listener"),
    TCP_CONNECTIONS_CREATED("TCBs created"),
    TCP_CONNECTIONS_CLOSED("TCBs deleted"),
    TCP_STATE_TRANSITIONS("TCP state transitions"),
    TCP_RX_RESETS("RSTs accepted"),
    TCP_TX_RESETS("RSTs sent"),
    TCP_RESETS_UNREAD_DATA("connections reset because closed with unread data (RFC 2525 2.17)"),
    TCP_CHALLENGE_ACKS("challenge ACKs sent (RFC 5961)"),
    TCP_CHALLENGE_ACKS_RATE_LIMITED("challenge ACKs suppressed by the rate limit"),
    TCP_ACKS_FOR_UNACCEPTABLE("ACKs sent for unacceptable segments"),
    TCP_SYN_COOKIES_SENT("SYN-ACKs carrying a SYN cookie"),
    TCP_SYN_COOKIES_OK("connections established from a valid SYN cookie"),
    TCP_SYN_RETRANSMITS("SYN or SYN-ACK retransmissions"),
    TCP_SYN_RETRANSMITS_RECEIVED("retransmitted SYNs answered again"),
    TCP_RETRANSMITS("segments retransmitted"),
    TCP_FAST_RETRANSMITS("fast retransmits (recovery episodes)"),
    TCP_RTO_TIMEOUTS("retransmission timeouts"),
    TCP_DUP_ACKS("duplicate ACKs received"),
    TCP_SACK_BLOCKS_RECEIVED("SACK blocks received on ACKs (RFC 2018)"),
    TCP_DUPLICATE_SEGMENTS("segments whose data was already received"),
    TCP_OUT_OF_ORDER_SEGMENTS("out-of-order segments received"),
    TCP_DELAYED_ACKS("ACKs sent by the delayed-ACK timer"),
    TCP_WINDOW_PROBES("zero-window probes sent"),
    TCP_KEEPALIVE_PROBES("keepalive probes sent"),
    TCP_FINS_SENT("FINs sent"),
    TCP_FINS_RECEIVED("FINs received"),
    TCP_TIMEOUTS("connections failed by timeout"),
    TCP_TIME_WAIT_REUSED("TIME-WAIT connections replaced by a new SYN"),
    TCP_ICMP_IGNORED("ICMP errors ignored: quoted sequence not in flight (RFC 5927)"),
    TCP_PMTU_UPDATES("path MTU reductions from ICMP"),
    TCP_NO_MEMORY("segments dropped or ring allocations refused: jmtcp.memory.max reached"),

    RX_DROP_PROTOCOL_UNREACHABLE("rx dropped: IP protocol this stack does not carry"),

    SIBLING_BACK_PRESSURE("receive bursts deferred: a cross-engine ring had no room for a whole burst"),
    SIBLING_DROP_FULL("cross-engine hand-over dropped: the sibling's queue was full"),
    IP_HANDED_OVER("IPv4 fragments and ICMP errors about TCP handed to the engine that owns them"),

    COMMANDS("application commands processed"),
    DUTY_CYCLES("engine duty cycles run"),
    IDLE_SLEEPS("times the engine went to sleep idle"),

    ENGINE_FAILURES("engines stopped by a fatal error (a bug escaping the duty cycle, or the device failing)"),
    SOCKETS_FAILED_ENGINE_STOPPED("sockets failed because their engine stopped or failed");

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
