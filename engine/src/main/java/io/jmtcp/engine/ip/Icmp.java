package io.jmtcp.engine.ip;

import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.wire.Checksum;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * ICMPv4 (RFC 792, RFC 1122 3.2.2): echo replies, echo requests for the stack's own ping,
 * error messages with the rules on when never to send one, and a rate limit on errors
 * (RFC 1812 4.3.2.8).
 *
 * <p>Owned by the engine thread.
 */
public final class Icmp implements ProtocolHandler {

    /** Hears echo replies (the stack's ping) and errors about packets we sent (TCP: path MTU, unreachable). */
    public interface Listener {
        /** An echo reply arrived. */
        default void onEchoReply(int source, int identifier, int sequence, long now) {}

        /** A destination-unreachable or time-exceeded arrived, quoting one of our packets. */
        default void onError(int type, int code, int nextHopMtu, Ipv4Packet quoted, long now) {}
    }

    private static final int QUOTE_LIMIT = 576 - Ipv4Packet.MIN_HEADER_LENGTH - Icmpv4Packet.HEADER_LENGTH;

    private final Ipv4Layer ip;
    private final Counters counters;
    private final long errorIntervalNanos;
    private long lastErrorAt = Long.MIN_VALUE / 2;
    private Listener listener = new Listener() { };
    private Listener errorListener = new Listener() { };

    private final Icmpv4Packet msg = new Icmpv4Packet();
    private final Icmpv4Packet outMsg = new Icmpv4Packet();
    private final Ipv4Packet quoted = new Ipv4Packet();

    Icmp(Ipv4Layer ip, Counters counters, long errorIntervalNanos) {
        this.ip = ip;
        this.counters = counters;
        this.errorIntervalNanos = errorIntervalNanos;
    }

    /** Sets who hears echo replies and errors. */
    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** Sets who hears ICMP errors about our packets (the transport layer), beside {@link #listener}. */
    public void errorListener(Listener listener) {
        this.errorListener = listener;
    }

    @Override
    public void input(Ipv4Packet packet, boolean broadcast, long now) {
        ByteBuffer b = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        msg.wrap(b, off, len);
        if (!msg.checkLength()) {
            counters.increment(Counter.RX_DROP_ICMP_TRUNCATED);
            return;
        }
        if (!msg.verifyChecksum()) {
            counters.increment(Counter.RX_DROP_ICMP_BAD_CHECKSUM);
            return;
        }
        switch (msg.type()) {
            case Icmpv4Packet.TYPE_ECHO_REQUEST:
                counters.increment(Counter.ICMP_RX_ECHO_REQUESTS);
                if (broadcast) {
                    counters.increment(Counter.RX_DROP_ICMP_ECHO_TO_BROADCAST);
                    return;
                }
                // RFC 792: the reply carries the request's identifier, sequence and data; only
                // the type changes, so the checksum is patched (RFC 1624) rather than recomputed
                int oldWord = (Icmpv4Packet.TYPE_ECHO_REQUEST << 8) | msg.code();
                int newWord = (Icmpv4Packet.TYPE_ECHO_REPLY << 8) | msg.code();
                msg.checksum(Checksum.update(msg.checksum(), oldWord, newWord));
                msg.type(Icmpv4Packet.TYPE_ECHO_REPLY);
                if (ip.sendCopy(packet.destination(), packet.source(), Ipv4Packet.PROTOCOL_ICMP, b, off, len,
                        packet.typeOfService())) {
                    counters.increment(Counter.ICMP_TX_ECHO_REPLIES);
                }
                return;
            case Icmpv4Packet.TYPE_ECHO_REPLY:
                counters.increment(Counter.ICMP_RX_ECHO_REPLIES);
                listener.onEchoReply(packet.source(), msg.identifier(), msg.sequenceNumber(), now);
                return;
            case Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE:
            case Icmpv4Packet.TYPE_TIME_EXCEEDED:
                if (msg.type() == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE) {
                    counters.increment(Counter.ICMP_RX_UNREACHABLE);
                } else {
                    counters.increment(Counter.ICMP_RX_OTHER);
                }
                // the quote holds the original header and at least 8 bytes of its payload (RFC 792)
                if (msg.payloadLength() >= Ipv4Packet.MIN_HEADER_LENGTH) {
                    quoted.wrap(b, msg.payloadOffset(), msg.payloadLength());
                    if (quotedHeaderFits()) {
                        errorListener.onError(msg.type(), msg.code(), msg.nextHopMtu(), quoted, now);
                        listener.onError(msg.type(), msg.code(), msg.nextHopMtu(), quoted, now);
                    }
                }
                return;
            default:
                counters.increment(Counter.ICMP_RX_OTHER);
        }
    }

    private boolean quotedHeaderFits() {
        int vihl = quoted.buffer().get(quoted.offset()) & 0xff;
        return (vihl >>> 4) == 4 && ((vihl & 0xf) << 2) >= Ipv4Packet.MIN_HEADER_LENGTH
                && ((vihl & 0xf) << 2) <= msg.payloadLength();
    }

    /**
     * Sends an echo request from our address (the stack's own ping).
     *
     * @return false if no frame or route was available
     */
    public boolean sendEchoRequest(int destination, int identifier, int sequence, int dataLength) {
        int h = ip.begin();
        if (h < 0) {
            return false;
        }
        int len = Icmpv4Packet.HEADER_LENGTH + dataLength;
        if (len > ip.maxPayload(h)) {
            ip.abandon(h);
            throw new IllegalArgumentException("echo data of " + dataLength + " bytes exceeds the MTU");
        }
        ByteBuffer b = ip.buffer(h);
        int off = ip.payloadOffset(h);
        outMsg.wrap(b, off, len);
        outMsg.type(Icmpv4Packet.TYPE_ECHO_REQUEST);
        outMsg.code(0);
        outMsg.identifier(identifier);
        outMsg.sequenceNumber(sequence);
        for (int i = 0; i < dataLength; i++) {
            b.put(off + Icmpv4Packet.HEADER_LENGTH + i, (byte) i);
        }
        outMsg.computeChecksum();
        boolean ok = ip.send(h, ip.route().address(), destination, Ipv4Packet.PROTOCOL_ICMP, len, 0, false);
        if (ok) {
            counters.increment(Counter.ICMP_TX_ECHO_REQUESTS);
        }
        return ok;
    }

    /**
     * Sends an ICMP error about {@code offending} to its source, unless RFC 1122 3.2.2 forbids it
     * (about an ICMP error, a non-first fragment, a broadcast/multicast packet or source) or the
     * rate limit holds it back.
     */
    public void sendError(Ipv4Packet offending, int type, int code, int nextHopMtu, long now) {
        // RFC 1122 3.2.2: not about a non-initial fragment, an unspecified source or a packet
        // that was not addressed to us alone (broadcasts are filtered by the callers)
        if (offending.fragmentOffset() != 0 || offending.source() == 0 || !ip.route().isLocal(offending.destination())) {
            return;
        }
        if (offending.protocol() == Ipv4Packet.PROTOCOL_ICMP && isErrorMessage(offending)) {
            return;
        }
        if (errorIntervalNanos > 0 && now - lastErrorAt < errorIntervalNanos) {
            counters.increment(Counter.ICMP_ERRORS_RATE_LIMITED);
            return;
        }
        lastErrorAt = now;
        int h = ip.begin();
        if (h < 0) {
            return;
        }
        int quote = Math.min(offending.length(), Math.min(QUOTE_LIMIT,
                ip.maxPayload(h) - Icmpv4Packet.HEADER_LENGTH));
        ByteBuffer b = ip.buffer(h);
        int off = ip.payloadOffset(h);
        b.put(off + Icmpv4Packet.HEADER_LENGTH, offending.buffer(), offending.offset(), quote);
        int len = Icmpv4Packet.HEADER_LENGTH + quote;
        outMsg.wrap(b, off, len);
        outMsg.type(type);
        outMsg.code(code);
        b.putInt(off + 4, 0); // unused word (RFC 792), or the next-hop MTU (RFC 1191)
        if (nextHopMtu > 0) {
            outMsg.nextHopMtu(nextHopMtu);
        }
        outMsg.computeChecksum();
        if (ip.send(h, offending.destination(), offending.source(), Ipv4Packet.PROTOCOL_ICMP, len, 0, false)) {
            counters.increment(Counter.ICMP_TX_UNREACHABLE);
        }
    }

    private boolean isErrorMessage(Ipv4Packet offending) {
        if (offending.payloadLength() < 1) {
            return true;
        }
        int t = offending.buffer().get(offending.payloadOffset()) & 0xff;
        // RFC 1122 3.2.2: never answer an ICMP error with an ICMP error; queries are fine
        return t != Icmpv4Packet.TYPE_ECHO_REQUEST && t != Icmpv4Packet.TYPE_ECHO_REPLY && t != 13 && t != 14;
    }
}
