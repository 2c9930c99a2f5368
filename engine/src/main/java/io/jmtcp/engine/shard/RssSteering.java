package io.jmtcp.engine.shard;

import io.jmtcp.engine.dev.PairDevice;
import java.nio.ByteBuffer;

/**
 * Receive-side scaling in software for devices that cannot do it themselves (the in-memory
 * {@link PairDevice}): picks a frame's receive queue the way a NIC programmed with the same key
 * and redirection table would, so that frames reach the engine that owns their flow (DESIGN.md
 * 3.3). The hash inputs follow the common NIC defaults (DPDK {@code RTE_ETH_RSS_IP |
 * RTE_ETH_RSS_TCP}): the 4-tuple for unfragmented IPv4/TCP, the address pair for every other IPv4
 * packet including all fragments and ICMP (so an ICMP error about a TCP flow may reach another
 * engine), and queue 0 for non-IP frames such as ARP.
 *
 * <p>Threading: immutable and allocation-free; any thread may call it.
 */
public final class RssSteering implements PairDevice.Steering {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int PROTOCOL_TCP = 6;

    private final Toeplitz toeplitz;
    private final RssTable rss;

    /** Steering with the given hash and table (use the receiving stack's). */
    public RssSteering(Toeplitz toeplitz, RssTable rss) {
        this.toeplitz = toeplitz;
        this.rss = rss;
    }

    /** The stack's defaults: the symmetric key and a round-robin table of the default size. */
    public static RssSteering defaults(int queues) {
        return new RssSteering(new Toeplitz(Toeplitz.symmetricKey()), new RssTable(queues, RssTable.DEFAULT_ENTRIES));
    }

    @Override
    public int queueFor(ByteBuffer frame, int offset, int length) {
        int p = offset + 12;
        if (length < 14) {
            return 0;
        }
        int type = frame.getShort(p) & 0xffff;
        if (type == ETHERTYPE_VLAN && length >= 18) {
            p += 4;
            type = frame.getShort(p) & 0xffff;
        }
        int ip = p + 2;
        if (type != ETHERTYPE_IPV4 || offset + length - ip < 20) {
            return 0;
        }
        int headerLength = (frame.get(ip) & 0x0f) << 2;
        int src = frame.getInt(ip + 12);
        int dst = frame.getInt(ip + 16);
        boolean fragment = (frame.getShort(ip + 6) & 0x3fff) != 0; // MF or a fragment offset
        int protocol = frame.get(ip + 9) & 0xff;
        if (protocol == PROTOCOL_TCP && !fragment && headerLength >= 20 && offset + length - ip >= headerLength + 4) {
            int ports = frame.getInt(ip + headerLength);
            return rss.queueFor(toeplitz.hash(src, dst, ports >>> 16, ports & 0xffff));
        }
        return rss.queueFor(toeplitz.hash(src, dst));
    }
}
