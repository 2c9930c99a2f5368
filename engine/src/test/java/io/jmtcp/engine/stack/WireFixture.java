package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import io.jmtcp.engine.wire.UdpDatagram;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stack under test on end A of a {@link PairDevice} wire, driven in simulated time
 * ({@link ManualClock}, {@link Engine#doWork()} from the test thread), with the test acting as
 * the raw peer on end B: build a frame with {@link #frame}, {@link #send()} it, {@link #cycle()}
 * the engine, {@link #expectFrame()} what the stack sent, {@link #expectNothing()},
 * {@link #advance(long)} the clock. Sending and receiving reuse buffers, so tests that measure
 * allocation can drive the fixture in a loop.
 */
public final class WireFixture implements AutoCloseable {

    public static final int OUR_IP = Cidr.parseAddress("198.18.0.2");
    public static final int PEER_IP = Cidr.parseAddress("198.18.0.1");
    public static final int OTHER_IP = Cidr.parseAddress("198.18.0.3");
    public static final int SUBNET_BROADCAST = Cidr.parseAddress("198.18.0.255");
    public static final long OUR_MAC = 0x02_00_00_00_01_01L;
    public static final long PEER_MAC = 0x02_00_00_00_01_02L;
    public static final int MTU = 1500;

    public final ManualClock clock = new ManualClock();
    public final PairDevice.Wire wire = PairDevice.create(MTU, 1, 256);
    public final Stack stack;
    public final Engine engine;
    /** The peer's frame builder: Ethernet from the peer to our MAC unless changed. */
    public final FrameBuilder frame = new FrameBuilder(OUR_MAC, PEER_MAC);

    private final FrameBatch txBatch = new FrameBatch(1);
    private final FrameBatch rxBatch = new FrameBatch(1);
    private final Received received = new Received();

    private WireFixture(Map<String, String> options) {
        this(options, d -> d);
    }

    private WireFixture(Map<String, String> options, java.util.function.UnaryOperator<io.jmtcp.engine.dev.NetDevice> decorate) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("ip", "198.18.0.2/24");
        all.put("jmx", "false");
        all.putAll(options);
        stack = Stack.manual(JmtcpConfig.of(all), decorate.apply(wire.a()), clock);
        engine = stack.engine(0);
    }

    /** A stack that has not run yet: its gratuitous ARP is still to come on the first cycle. */
    public static WireFixture raw(String... keyValues) {
        return new WireFixture(map(keyValues));
    }

    /**
     * A stack that has announced itself (announcement consumed) and has learnt the peer's MAC
     * from an ARP request, so replies to the peer leave at once.
     */
    public static WireFixture started(String... keyValues) {
        return started(d -> d, keyValues);
    }

    /** As {@link #started(String...)}, with the stack's end of the wire wrapped by {@code decorate}. */
    public static WireFixture started(java.util.function.UnaryOperator<io.jmtcp.engine.dev.NetDevice> decorate,
            String... keyValues) {
        WireFixture f = new WireFixture(map(keyValues), decorate);
        f.cycle();
        Received announce = f.expectFrame();
        assertThat(announce.arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
        f.frame.ethDestination(MacAddress.BROADCAST).arp(ArpPacket.OP_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP);
        f.frame.ethDestination(OUR_MAC);
        f.send().cycle();
        assertThat(f.expectFrame().arp().operation()).isEqualTo(ArpPacket.OP_REPLY);
        f.expectNothing();
        return f;
    }

    private static Map<String, String> map(String... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("key value pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ driving

    /** Sends the frame the builder holds, from the peer. */
    public WireFixture send() {
        return send(frame.buffer(), 0, frame.length());
    }

    /** Sends {@code length} bytes at {@code offset} of {@code data} as one frame from the peer. */
    public WireFixture send(ByteBuffer data, int offset, int length) {
        int i = wire.b().txAcquire(0, txBatch);
        if (i < 0) {
            fail("the wire towards the stack is full");
        }
        if (length > 0) {
            txBatch.buffer(i).put(txBatch.offset(i), data, offset, length);
        }
        txBatch.length(i, length);
        wire.b().txBurst(0, txBatch);
        return this;
    }

    /** Runs one duty cycle of the engine; returns its work count. */
    public int cycle() {
        return engine.doWork();
    }

    /** Sends the builder's frame and runs one cycle. */
    public WireFixture sendAndCycle() {
        send();
        cycle();
        return this;
    }

    /** Advances the clock by {@code millis} and runs one cycle. */
    public WireFixture advance(long millis) {
        clock.advanceMillis(millis);
        cycle();
        return this;
    }

    /** The next frame the stack sent (a reused view, valid until the next call); fails if none. */
    public Received expectFrame() {
        Received r = pollFrame();
        if (r == null) {
            fail("expected a frame from the stack, got none; counters " + stack.counters());
        }
        return r;
    }

    /** The next frame the stack sent, or null. */
    public Received pollFrame() {
        if (wire.b().rxBurst(0, rxBatch) == 0) {
            return null;
        }
        int len = rxBatch.length(0);
        received.buf.put(0, rxBatch.buffer(0), rxBatch.offset(0), len);
        received.length = len;
        wire.b().rxRelease(0, rxBatch);
        return received;
    }

    /** Fails if the stack sent anything. */
    public void expectNothing() {
        Received r = pollFrame();
        if (r != null) {
            fail("expected no frame, got " + r);
        }
    }

    /** Drains every frame the stack sent; returns how many. */
    public int drain() {
        int n = 0;
        while (pollFrame() != null) {
            n++;
        }
        return n;
    }

    public long counter(Counter c) {
        return engine.counters().get(c);
    }

    @Override
    public void close() {
        stack.close();
    }

    /** A frame the stack sent, copied out of the wire, with flyweights over it. */
    public static final class Received {
        final ByteBuffer buf = ByteBuffer.allocateDirect(FrameBuilder.CAPACITY);
        int length;
        private final EthernetFrame eth = new EthernetFrame();
        private final ArpPacket arp = new ArpPacket();
        private final Ipv4Packet ip = new Ipv4Packet();
        private final Icmpv4Packet icmp = new Icmpv4Packet();
        private final UdpDatagram udp = new UdpDatagram();

        public int length() {
            return length;
        }

        public ByteBuffer buffer() {
            return buf;
        }

        public EthernetFrame eth() {
            return eth.wrap(buf, 0, length);
        }

        public ArpPacket arp() {
            assertThat(eth().etherType()).as("EtherType").isEqualTo(EthernetFrame.ETHERTYPE_ARP);
            return arp.wrap(buf, eth.payloadOffset(), eth.payloadLength());
        }

        public Ipv4Packet ip() {
            assertThat(eth().etherType()).as("EtherType").isEqualTo(EthernetFrame.ETHERTYPE_IPV4);
            ip.wrap(buf, eth.payloadOffset(), eth.payloadLength());
            assertThat(ip.checkLength()).as("IPv4 length").isTrue();
            assertThat(ip.verifyChecksum()).as("IPv4 header checksum").isTrue();
            return ip.wrap(buf, eth.payloadOffset(), ip.totalLength());
        }

        public Icmpv4Packet icmp() {
            Ipv4Packet p = ip();
            assertThat(p.protocol()).as("protocol").isEqualTo(Ipv4Packet.PROTOCOL_ICMP);
            return icmp.wrap(buf, p.payloadOffset(), p.payloadLength());
        }

        public UdpDatagram udp() {
            Ipv4Packet p = ip();
            return udp.wrap(buf, p.payloadOffset(), p.payloadLength());
        }

        public byte[] bytes() {
            byte[] out = new byte[length];
            buf.get(0, out);
            return out;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(length + " bytes:");
            for (int i = 0; i < Math.min(length, 64); i++) {
                sb.append(String.format(" %02x", buf.get(i)));
            }
            return sb.toString();
        }
    }
}
