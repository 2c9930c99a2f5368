package io.jmtcp.engine.stack;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.OUR_MAC;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_MAC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.Checksum;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed input through the whole receive path: no exception escapes the duty cycle, and
 * every frame leaves a trace in a counter that says what became of it (DESIGN.md 9: no silent
 * drop).
 */
class BadInputTest {

    /** Counters that every frame moves, so they do not say what became of it. */
    private static final Set<Counter> NOT_A_REASON = EnumSet.of(Counter.RX_FRAMES, Counter.RX_BYTES,
            Counter.IP_RX_PACKETS, Counter.DUTY_CYCLES, Counter.COMMANDS, Counter.TX_FRAMES, Counter.TX_BYTES,
            Counter.IP_TX_PACKETS, Counter.IDLE_SLEEPS);

    private static final Counter[] ALL = Counter.values();

    private WireFixture f;
    private final long[] before = new long[ALL.length];

    @BeforeEach
    void open() {
        f = WireFixture.started();
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** Sends {@code len} bytes of {@code frame}, runs a cycle and checks the frame was accounted for. */
    private void sendAccounted(ByteBuffer frame, int len) {
        for (Counter c : ALL) {
            before[c.ordinal()] = f.counter(c);
        }
        f.send(frame, 0, len);
        try {
            f.cycle();
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("exception from doWork on frame " + hex(frame, len), e);
        }
        f.drain();
        assertThat(f.counter(Counter.RX_FRAMES) - before[Counter.RX_FRAMES.ordinal()]).isEqualTo(1);
        for (Counter c : ALL) {
            if (!NOT_A_REASON.contains(c) && f.counter(c) != before[c.ordinal()]) {
                return;
            }
        }
        fail("frame vanished without a counter saying why: " + hex(frame, len));
    }

    private static String hex(ByteBuffer b, int len) {
        byte[] bytes = new byte[len];
        b.get(0, bytes);
        return len + " bytes " + HexFormat.of().formatHex(bytes);
    }

    private void everyPrefixOf(FrameBuilder frame) {
        ByteBuffer copy = ByteBuffer.allocateDirect(frame.length());
        copy.put(0, frame.buffer(), 0, frame.length());
        for (int len = 1; len <= frame.length(); len++) {
            sendAccounted(copy, len);
            f.clock.advanceMillis(2); // past the ICMP error rate limit
        }
    }

    @Test
    void accountsForEveryTruncationOfArpRequest() {
        everyPrefixOf(f.frame.arp(ArpPacket.OP_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP));
    }

    @Test
    void accountsForEveryTruncationOfIcmpEcho() {
        everyPrefixOf(f.frame.echoRequest(PEER_IP, OUR_IP, 1, 1, 64));
    }

    @Test
    void accountsForEveryTruncationOfUdpDatagram() {
        everyPrefixOf(f.frame.udp(PEER_IP, OUR_IP, 5000, 53, 40, true));
    }

    @Test
    void accountsForEveryTruncationOfIpFragment() {
        ByteBuffer payload = ByteBuffer.allocateDirect(2000);
        FrameBuilder.writeEcho(payload, 0, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, 1, 1, 1992);
        everyPrefixOf(f.frame.fragment(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, payload, 0, 1000, true));
    }

    @Test
    void accountsForEveryTruncationOfVlanTaggedFrame() {
        f.frame.vlan(0x0064);
        everyPrefixOf(f.frame.echoRequest(PEER_IP, OUR_IP, 1, 1, 32));
    }

    @Test
    void accountsForTwentyThousandRandomFrames() {
        Random random = new Random(0x5eed_2026L);
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        Ipv4Packet ip = new Ipv4Packet();
        for (int n = 0; n < 20_000; n++) {
            int len = 1 + random.nextInt(random.nextBoolean() ? 100 : 1518);
            for (int i = 0; i < len; i++) {
                b.put(i, (byte) random.nextInt());
            }
            if (len >= 14) {
                shape(random, b, len, ip);
            }
            sendAccounted(b, len);
            if (n % 16 == 0) {
                f.clock.advanceMillis(random.nextInt(2000)); // let ARP and reassembly timers run
            }
        }
        assertThat(f.counter(Counter.RX_FRAMES)).isGreaterThanOrEqualTo(20_000);
    }

    /** Makes a random frame plausible enough to get past the outer checks most of the time. */
    private static void shape(Random r, ByteBuffer b, int len, Ipv4Packet ip) {
        int pick = r.nextInt(10);
        MacAddress.put(b, 0, pick < 5 ? OUR_MAC : pick < 8 ? MacAddress.BROADCAST : MacAddress.get(b, 0));
        int l3 = EthernetFrame.HEADER_LENGTH;
        int type = r.nextInt(10);
        if (type < 5) {
            b.putShort(12, (short) EthernetFrame.ETHERTYPE_IPV4);
        } else if (type < 7) {
            b.putShort(12, (short) EthernetFrame.ETHERTYPE_ARP);
        } else if (type < 9 && len >= 18) {
            b.putShort(12, (short) EthernetFrame.ETHERTYPE_VLAN);
            b.putShort(16, (short) (r.nextBoolean() ? EthernetFrame.ETHERTYPE_IPV4 : EthernetFrame.ETHERTYPE_ARP));
            l3 = 18;
        }
        int etherType = b.getShort(l3 - 2) & 0xffff;
        int room = len - l3;
        if (etherType == EthernetFrame.ETHERTYPE_ARP && room >= 8 && r.nextInt(4) > 0) {
            b.putShort(l3, (short) 1);
            b.putShort(l3 + 2, (short) 0x0800);
            b.put(l3 + 4, (byte) 6);
            b.put(l3 + 5, (byte) 4);
            b.putShort(l3 + 6, (short) (1 + r.nextInt(2)));
            if (room >= 28 && r.nextBoolean()) {
                b.putInt(l3 + 24, r.nextBoolean() ? OUR_IP : PEER_IP);
                b.putInt(l3 + 14, PEER_IP + r.nextInt(4));
            }
        } else if (etherType == EthernetFrame.ETHERTYPE_IPV4 && room >= 20) {
            if (r.nextInt(10) < 8) {
                b.put(l3, (byte) (r.nextInt(8) == 0 ? 0x40 | r.nextInt(16) : 0x45));
            }
            int ihl = (b.get(l3) & 0xf) * 4;
            if (r.nextInt(10) < 8) {
                b.putShort(l3 + 2, (short) (r.nextInt(8) == 0 ? r.nextInt(0x10000) : room - r.nextInt(3)));
            }
            if (r.nextInt(10) < 7) {
                b.putShort(l3 + 6, (short) (r.nextBoolean() ? 0 : r.nextInt(0x10000) & 0x3fff));
            }
            b.put(l3 + 9, (byte) new int[] {1, 1, 17, 17, 6, r.nextInt(256)}[r.nextInt(6)]);
            int pickSrc = r.nextInt(8);
            if (pickSrc > 0) {
                b.putInt(l3 + 12, pickSrc == 1 ? 0 : PEER_IP + r.nextInt(3));
            }
            int pickDst = r.nextInt(10);
            if (pickDst < 8) {
                b.putInt(l3 + 16, pickDst < 6 ? OUR_IP : pickDst == 6 ? -1 : WireFixture.SUBNET_BROADCAST);
            }
            int total = b.getShort(l3 + 2) & 0xffff;
            if (ihl >= 20 && ihl <= room && total >= ihl && total <= room) {
                int protocol = b.get(l3 + 9) & 0xff;
                int payload = l3 + ihl;
                int payloadLength = total - ihl;
                if (protocol == 1 && payloadLength >= 8 && r.nextInt(4) > 0) {
                    b.put(payload, (byte) new int[] {0, 3, 8, 11, r.nextInt(256)}[r.nextInt(5)]);
                    b.putShort(payload + 2, (short) 0);
                    b.putShort(payload + 2, (short) Checksum.compute(b, payload, payloadLength));
                } else if (protocol == 17 && payloadLength >= 8 && r.nextInt(4) > 0) {
                    b.putShort(payload + 4, (short) (r.nextBoolean() ? payloadLength : r.nextInt(0x10000)));
                    b.putShort(payload + 6, (short) 0);
                }
                if (r.nextInt(10) < 9) {
                    ip.wrap(b, l3, total).computeChecksum();
                }
            } else if (ihl >= 20 && ihl <= room && r.nextInt(10) < 9) {
                ip.wrap(b, l3, room).computeChecksum();
            }
        }
    }
}
