package io.jmtcp.engine.ip;

import io.jmtcp.engine.dev.ExceptionSink;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.stats.Counters;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * One engine's side of the exception path (F-Stack's KNI idea): the layers that find a frame
 * jmtcp does not consume hand it here instead of answering or dropping it, and it goes to the
 * device's {@link ExceptionSink} — in practice a kernel TAP configured with the same IPv4 and MAC
 * address as the port, so the host keeps its own connectivity (ssh, DNS, DHCP, IPv6) on a NIC
 * that DPDK owns. Every frame handed over is counted by reason ({@code EXCEPTION_*} counters);
 * one the sink cannot take is counted as {@link Counter#EXCEPTION_DROPPED}.
 *
 * <p>The engine tells it which received frame is being processed ({@link #frame}); a layer
 * handing over an IPv4 packet that lies within that frame hands the whole frame, byte for byte.
 * A packet that does not — reassembled from fragments, or passed on by a sibling engine without
 * its Ethernet header — is given a new Ethernet header (to our MAC, from the frame's sender if
 * known, EtherType IPv4) in a scratch buffer; one larger than the sink's frames is dropped and
 * counted (the kernel would have to re-fragment it).
 *
 * <p>Without a sink ({@link #enabled()} false) nothing is handed over and each layer keeps its
 * own behaviour. Owned by the engine thread.
 */
public final class ExceptionPath {

    private static final int ETH = EthernetFrame.HEADER_LENGTH;

    private final ExceptionSink sink;
    private final long ourMac;
    private final Counters counters;
    private final ByteBuffer scratch;
    private ByteBuffer frameBuffer;
    private int frameOffset;
    private int frameLength;

    /**
     * @param sink where frames go, or null for no exception path
     * @param ourMac the stack's MAC (the destination of composed frames)
     */
    public ExceptionPath(ExceptionSink sink, long ourMac, Counters counters) {
        this.sink = sink;
        this.ourMac = ourMac;
        this.counters = counters;
        this.scratch = sink == null ? null : ByteBuffer.allocateDirect(Math.max(sink.frameCapacity(), ETH));
    }

    /** Whether a sink is configured: layers hand over instead of answering. */
    public boolean enabled() {
        return sink != null;
    }

    /** The received frame now being processed (engine; before its layers see it). */
    public void frame(ByteBuffer buffer, int offset, int length) {
        frameBuffer = buffer;
        frameOffset = offset;
        frameLength = length;
    }

    /** No received frame is being processed (a sibling's packet, timers). */
    public void noFrame() {
        frameBuffer = null;
    }

    /**
     * Hands the current frame over as a whole (engine level: ARP, other EtherTypes, other MACs).
     *
     * @return true if the sink took it
     */
    public boolean handFrame(Counter reason) {
        if (sink == null || frameBuffer == null) {
            return false;
        }
        return offer(reason, frameBuffer, frameOffset, frameLength);
    }

    /**
     * Hands over the IPv4 packet {@code ip} (wrapped over its whole length): its frame when it
     * lies within the current one, else the packet behind a composed Ethernet header.
     *
     * @return true if the sink took it; false without a sink or when it was dropped (counted)
     */
    public boolean handIp(Counter reason, Ipv4Packet ip) {
        if (sink == null) {
            return false;
        }
        ByteBuffer b = ip.buffer();
        int off = ip.offset();
        int len = ip.length();
        if (b == frameBuffer && off - ETH >= frameOffset && off + len <= frameOffset + frameLength) {
            return offer(reason, frameBuffer, frameOffset, frameLength);
        }
        if (ETH + len > scratch.capacity()) {
            counters.increment(Counter.EXCEPTION_DROPPED);
            return false;
        }
        long source = ourMac;
        if (frameBuffer != null) {
            // the sender of the frame that completed the packet (a reassembly's last fragment)
            source = ((frameBuffer.getShort(frameOffset + 6) & 0xffffL) << 32)
                    | (frameBuffer.getInt(frameOffset + 8) & 0xffff_ffffL);
        }
        scratch.putShort(0, (short) (ourMac >>> 32));
        scratch.putInt(2, (int) ourMac);
        scratch.putShort(6, (short) (source >>> 32));
        scratch.putInt(8, (int) source);
        scratch.putShort(12, (short) EthernetFrame.ETHERTYPE_IPV4);
        scratch.put(ETH, b, off, len);
        return offer(reason, scratch, 0, ETH + len);
    }

    private boolean offer(Counter reason, ByteBuffer b, int off, int len) {
        if (sink.offer(b, off, len)) {
            counters.increment(reason);
            return true;
        }
        counters.increment(Counter.EXCEPTION_DROPPED);
        return false;
    }
}
