package io.jmtcp.engine.multi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.shard.RssSteering;
import io.jmtcp.engine.stack.EngineShared;
import io.jmtcp.engine.stack.FrameBuilder;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the RSS hash of a packet cannot place (DESIGN.md 3.3): IP fragments and ICMP errors about
 * TCP flows, sent by a raw peer into a chosen queue of a two-engine stack driven in simulated
 * time. Each must reach the engine that owns it, never be lost or answered with a RST.
 */
class MultiEngineHandOverTest {

    private static final int OUR_IP = Cidr.parseAddress("198.18.0.2");
    private static final int PEER_IP = Cidr.parseAddress("198.18.0.1");
    private static final int ETH = 14;

    private final ManualClock clock = new ManualClock();
    private final PairDevice.Wire wire = PairDevice.create(1500, 2, 256);
    private final Stack stack = Stack.manual(
            JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "jmx", "false", "engines", "2", "memory.max", "64m")),
            wire.a(), clock);
    private final FrameBuilder frame = new FrameBuilder(wire.a().macAddress(), wire.b().macAddress());
    private final FrameBatch tx = new FrameBatch(8);
    private final FrameBatch rx = new FrameBatch(64);

    /** A frame the stack sent, with the queue (engine) it left on. */
    private record Sent(int queue, ByteBuffer bytes) {
        int ip(int offset) {
            return ETH + offset;
        }
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void cycle() {
        for (int round = 0; round < 3; round++) { // hand-overs take a cycle of the receiver
            stack.engine(0).doWork();
            stack.engine(1).doWork();
        }
    }

    private void sendOn(int queue) {
        int i = wire.b().txAcquire(queue, tx);
        assertThat(i).isNotNegative();
        tx.buffer(i).put(tx.offset(i), frame.buffer(), 0, frame.length());
        tx.length(i, frame.length());
        wire.b().txBurst(queue, tx);
    }

    private List<Sent> received() {
        List<Sent> out = new ArrayList<>();
        for (int q = 0; q < 2; q++) {
            int n = wire.b().rxBurst(q, rx);
            for (int i = 0; i < n; i++) {
                ByteBuffer copy = ByteBuffer.allocate(rx.length(i));
                copy.put(0, rx.buffer(i), rx.offset(i), rx.length(i));
                out.add(new Sent(q, copy));
            }
            wire.b().rxRelease(q, rx);
        }
        return out;
    }

    /** The peer announces itself on queue {@code queue}, so every engine learns its MAC. */
    private void peerArpRequestOn(int queue) {
        frame.arp(ArpPacket.OP_REQUEST, wire.b().macAddress(), PEER_IP, 0L, OUR_IP);
        sendOn(queue);
        cycle();
        received(); // the ARP reply
    }

    private int addressPairOwner() {
        EngineShared s = stack.shared();
        return s.rss().queueFor(s.toeplitz().hash(PEER_IP, OUR_IP));
    }

    @Test
    void fragmentsSplitOverBothQueuesAreReassembledByOneEngineAndAnswered() {
        cycle();
        received(); // announcements
        peerArpRequestOn(0);
        int owner = addressPairOwner();
        int message = Icmpv4Packet.HEADER_LENGTH + 3000;
        ByteBuffer request = ByteBuffer.allocate(message);
        FrameBuilder.writeEcho(request, 0, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, 0x4242, 7, 3000);
        int[][] pieces = {{0, 1480, 0}, {1480, 1480, 1}, {2960, message - 2960, 0}};
        for (int[] p : pieces) {
            frame.identification(77).fragment(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, request, p[0], p[1],
                    p[0] + p[1] < message);
            sendOn(p[2]);
        }
        cycle();

        List<Sent> replies = received();
        assertThat(replies).as("the echo reply, in fragments").hasSize(3);
        int bytes = 0;
        for (Sent r : replies) {
            assertThat(r.queue()).as("sent by the engine that reassembled").isEqualTo(owner);
            ByteBuffer b = r.bytes();
            assertThat(b.get(r.ip(9))).isEqualTo((byte) Ipv4Packet.PROTOCOL_ICMP);
            bytes += (b.getShort(r.ip(2)) & 0xffff) - 20;
        }
        assertThat(bytes).isEqualTo(message);
        assertThat(stack.engine(owner).counters().get(Counter.IP_REASSEMBLED)).isEqualTo(1);
        assertThat(stack.engine(owner).counters().get(Counter.IP_FRAGMENTS_RX)).isEqualTo(3);
        assertThat(stack.engine(1 - owner).counters().get(Counter.IP_HANDED_OVER))
                .as("the fragments that arrived on the other queue").isPositive();
        assertThat(stack.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(1);
        assertThat(stack.engine(0).counters().drops()).isZero();
        assertThat(stack.engine(1).counters().drops()).isZero();
    }

    @Test
    void icmpPortUnreachableOnTheOtherQueueFailsTheConnectAtTheOwner() {
        cycle();
        received();
        TcpSocket socket = stack.connect(PEER_IP, 9);
        cycle();
        int owner = -1;
        for (int e = 0; e < 2; e++) {
            if (socket.link() == stack.engine(e).tcp()) {
                owner = e;
            }
        }
        assertThat(owner).isNotNegative();
        // the stack asks for the peer's MAC from the owner; the reply comes back on the other queue
        List<Sent> arp = received();
        assertThat(arp).hasSize(1);
        assertThat(arp.get(0).queue()).isEqualTo(owner);
        frame.arp(ArpPacket.OP_REPLY, wire.b().macAddress(), PEER_IP, wire.a().macAddress(), OUR_IP);
        sendOn(1 - owner);
        cycle();
        List<Sent> syn = received();
        assertThat(syn).as("the SYN, released by the ARP answer another engine heard").hasSize(1);
        Sent s = syn.get(0);
        assertThat(s.queue()).isEqualTo(owner);
        int localPort = s.bytes().getShort(s.ip(20)) & 0xffff;
        assertThat(localPort).isEqualTo(socket.localPort());

        // ICMP destination unreachable / port unreachable quoting the SYN (RFC 792), on the wrong queue
        int quote = 20 + 8;
        frame.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, Icmpv4Packet.HEADER_LENGTH + quote);
        ByteBuffer f = frame.buffer();
        int icmp = frame.l3Offset() + 20;
        f.putLong(icmp, 0L);
        f.put(icmp, (byte) Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE);
        f.put(icmp + 1, (byte) Icmpv4Packet.CODE_PORT_UNREACHABLE);
        f.put(icmp + 8, s.bytes(), ETH, quote);
        new Icmpv4Packet().wrap(f, icmp, Icmpv4Packet.HEADER_LENGTH + quote).computeChecksum();
        sendOn(1 - owner);
        cycle();

        assertThat(socket.is(TcpSocket.FAILED)).isTrue();
        assertThat(socket.failure()).isInstanceOf(ConnectException.class);
        assertThat(stack.engine(1 - owner).counters().get(Counter.IP_HANDED_OVER)).isEqualTo(1);
        assertThat(stack.engine(owner).counters().get(Counter.ICMP_RX_UNREACHABLE)).isEqualTo(1);
        assertThat(stack.engine(1 - owner).counters().get(Counter.ICMP_RX_UNREACHABLE)).isZero();
        assertThat(stack.counter(Counter.TCP_TX_RESETS)).isZero();
        assertThat(received()).as("nothing answers an ICMP error").isEmpty();
    }

    @Test
    void largePingsBetweenThreadedStacksWhoseFragmentsTakeDifferentQueues() throws Exception {
        stack.close();
        // first fragments on queue 0, the rest on queue 1, unfragmented frames by RSS
        RssSteering rss = RssSteering.defaults(2);
        PairDevice.Steering split = (b, off, len) -> {
            int flags = b.getShort(off + ETH + 6) & 0x3fff;
            if (b.getShort(off + 12) == 0x0800 && flags != 0) {
                return (flags & 0x1fff) == 0 ? 0 : 1;
            }
            return rss.queueFor(b, off, len);
        };
        PairDevice.Wire w = PairDevice.create(1500, 2, 256, split);
        try (Stack a = Stack.start(MultiEngineTransferTest.config("198.18.0.1", "frag-a"), w.a());
                Stack b = Stack.start(MultiEngineTransferTest.config("198.18.0.2", "frag-b"), w.b())) {
            // Stack.ping sends single frames: send fragmented echo requests through IP output
            java.util.Set<Integer> replies = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int e = 0; e < 2; e++) {
                a.engine(e).submit((en, now) -> en.icmp().listener(new io.jmtcp.engine.ip.Icmp.Listener() {
                    @Override
                    public void onEchoReply(int source, int identifier, int sequence, long at) {
                        replies.add(sequence);
                    }
                }));
            }
            Thread.sleep(50);
            for (int seq = 1; seq <= 5; seq++) {
                ByteBuffer request = ByteBuffer.allocateDirect(Icmpv4Packet.HEADER_LENGTH + 4000);
                FrameBuilder.writeEcho(request, 0, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, 0x5151, seq, 4000);
                a.engine(seq % 2).submit((en, now) -> en.ip().sendCopy(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP,
                        request, 0, request.capacity(), 0));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (replies.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(replies).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
            assertThat(b.counter(Counter.IP_REASSEMBLED)).isEqualTo(5);
            assertThat(a.counter(Counter.IP_REASSEMBLED)).isEqualTo(5);
            assertThat(a.counter(Counter.IP_HANDED_OVER) + b.counter(Counter.IP_HANDED_OVER)).isPositive();
            assertThat(b.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(5);
            for (Stack s : new Stack[] {a, b}) {
                assertThat(s.engine(0).counters().drops()).isZero();
                assertThat(s.engine(1).counters().drops()).isZero();
            }
        }
    }
}
