package io.jmtcp.engine.ip;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.stack.FrameBuilder;
import io.jmtcp.engine.stack.WireFixture;
import io.jmtcp.engine.stack.WireFixture.Received;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly and fragmentation (RFC 791 3.2, RFC 1122 3.3.2). */
class FragmentationTest {

    private static final int DATA = 3000;
    private static final int MESSAGE = Icmpv4Packet.HEADER_LENGTH + DATA; // 3008 = 1480 + 1480 + 48

    private WireFixture f;
    private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE);

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private WireFixture started(String... kv) {
        f = WireFixture.started(kv);
        FrameBuilder.writeEcho(request, 0, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, 0x4242, 9, DATA);
        return f;
    }

    private void fragment(int id, int offset, int length) {
        f.frame.identification(id)
                .fragment(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, request, offset, length, offset + length < MESSAGE);
        f.send().cycle();
    }

    /** Collects the reply fragments and checks that they reassemble to the echo reply of the request. */
    private void expectFragmentedReply() {
        ByteBuffer whole = ByteBuffer.allocate(MESSAGE);
        int received = 0;
        int id = -1;
        boolean sawLast = false;
        for (Received r; (r = f.pollFrame()) != null; ) {
            Ipv4Packet ip = r.ip();
            assertThat(ip.source()).isEqualTo(OUR_IP);
            assertThat(ip.destination()).isEqualTo(PEER_IP);
            assertThat(ip.totalLength()).isLessThanOrEqualTo(WireFixture.MTU);
            if (id < 0) {
                id = ip.identification();
            }
            assertThat(ip.identification()).as("one datagram").isEqualTo(id);
            int off = ip.fragmentOffset();
            int len = ip.payloadLength();
            if (ip.moreFragments()) {
                assertThat(len % 8).isZero();
            } else {
                sawLast = true;
                assertThat(off + len).isEqualTo(MESSAGE);
            }
            for (int i = 0; i < len; i++) {
                whole.put(off + i, r.buffer().get(ip.payloadOffset() + i));
            }
            received += len;
        }
        assertThat(sawLast).isTrue();
        assertThat(received).isEqualTo(MESSAGE);
        Icmpv4Packet reply = new Icmpv4Packet().wrap(ByteBuffer.allocateDirect(MESSAGE).put(whole.rewind()), 0, MESSAGE);
        assertThat(reply.verifyChecksum()).isTrue();
        assertThat(reply.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        assertThat(reply.identifier()).isEqualTo(0x4242);
        assertThat(reply.sequenceNumber()).isEqualTo(9);
        for (int i = Icmpv4Packet.HEADER_LENGTH; i < MESSAGE; i++) {
            assertThat(reply.buffer().get(i)).as("data byte %d", i).isEqualTo(request.get(i));
        }
        assertThat(f.counter(Counter.IP_FRAGMENTS_TX)).isEqualTo(3);
    }

    @Test
    void reassemblesFragmentsInOrderAndFragmentsTheEchoReply() {
        started();
        fragment(1, 0, 1480);
        fragment(1, 1480, 1480);
        f.expectNothing();
        fragment(1, 2960, 48);
        expectFragmentedReply();
        assertThat(f.counter(Counter.IP_FRAGMENTS_RX)).isEqualTo(3);
        assertThat(f.counter(Counter.IP_REASSEMBLED)).isEqualTo(1);
        assertThat(f.counter(Counter.ICMP_TX_ECHO_REPLIES)).isEqualTo(1);
    }

    @Test
    void reassemblesFragmentsInAnyOrder() {
        started();
        int[][] orders = {{2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
        int[][] pieces = {{0, 1480}, {1480, 1480}, {2960, 48}};
        for (int[] order : orders) {
            for (int p : order) {
                fragment(100 + order[0] * 10 + order[1], pieces[p][0], pieces[p][1]);
            }
            long before = f.counter(Counter.IP_FRAGMENTS_TX);
            expectFragmentedReplyCounting(before);
        }
        assertThat(f.counter(Counter.IP_REASSEMBLED)).isEqualTo(3);
    }

    private void expectFragmentedReplyCounting(long fragmentsBefore) {
        int frames = 0;
        int bytes = 0;
        for (Received r; (r = f.pollFrame()) != null; ) {
            bytes += r.ip().payloadLength();
            frames++;
        }
        assertThat(frames).isEqualTo(3);
        assertThat(bytes).isEqualTo(MESSAGE);
        assertThat(f.counter(Counter.IP_FRAGMENTS_TX)).isEqualTo(fragmentsBefore);
    }

    @Test
    void smallFragmentsReassemble() {
        started();
        for (int off = 0; off < MESSAGE; off += 376) {
            fragment(7, off, Math.min(376, MESSAGE - off));
        }
        expectFragmentedReply();
    }

    @Test
    void dropsOverlappingFragments() {
        started();
        fragment(2, 0, 1480);
        fragment(2, 1472, 1480); // overlaps the first by one block
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_BAD)).isEqualTo(1);
        fragment(2, 2960, 48);
        fragment(2, 1480, 1480);
        f.expectNothing(); // the datagram was given up; what follows never completes it
        assertThat(f.counter(Counter.IP_REASSEMBLED)).isZero();
    }

    @Test
    void ignoresDuplicateFragmentCounted() {
        started();
        fragment(3, 0, 1480);
        fragment(3, 0, 1480);
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_BAD)).isEqualTo(1);
        fragment(3, 1480, 1480);
        fragment(3, 2960, 48);
        expectFragmentedReply();
    }

    @Test
    void dropsMalformedFragments() {
        started();
        fragment(4, 0, 1001); // not the last, yet not a multiple of 8
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_BAD)).isEqualTo(1);
        // past 65535: offset 65528 with 16 bytes
        f.frame.identification(4).fragment(PEER_IP, OUR_IP, 1, request, 0, 16, true);
        f.frame.put16(14 + 6, 0x2000 | (65528 >>> 3)).ipChecksum();
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_BAD)).isEqualTo(2);
        f.expectNothing();
    }

    @Test
    void reassemblyTimesOutAndSendsTimeExceeded() {
        started("ip.reassembly.timeout", "2s");
        fragment(5, 0, 1480);
        fragment(5, 2960, 48);
        f.advance(1999);
        f.expectNothing();
        f.advance(1);
        Received r = f.expectFrame();
        Icmpv4Packet m = r.icmp();
        assertThat(m.type()).isEqualTo(Icmpv4Packet.TYPE_TIME_EXCEEDED);
        assertThat(m.code()).isEqualTo(1); // fragment reassembly time exceeded (RFC 792)
        assertThat(m.verifyChecksum()).isTrue();
        // the quote: the first fragment's header and the first 8 bytes of its data
        assertThat(m.payloadLength()).isEqualTo(20 + 8);
        Ipv4Packet quoted = new Ipv4Packet().wrap(r.buffer(), m.payloadOffset(), m.payloadLength());
        assertThat(quoted.identification()).isEqualTo(5);
        assertThat(quoted.source()).isEqualTo(PEER_IP);
        assertThat(r.buffer().get(m.payloadOffset() + 20) & 0xff).isEqualTo(Icmpv4Packet.TYPE_ECHO_REQUEST);
        assertThat(f.counter(Counter.IP_REASSEMBLY_TIMEOUTS)).isEqualTo(1);
        // the rest arriving later starts a new datagram that never completes
        fragment(5, 1480, 1480);
        f.expectNothing();
    }

    @Test
    void reassemblyTimeoutWithoutFirstFragmentSendsNothing() {
        started("ip.reassembly.timeout", "1s");
        fragment(6, 1480, 1480);
        f.advance(1000);
        f.expectNothing();
        assertThat(f.counter(Counter.IP_REASSEMBLY_TIMEOUTS)).isEqualTo(1);
    }

    @Test
    void reassemblyBuffersAreBounded() {
        started("ip.reassembly.buffers", "2");
        fragment(11, 0, 1480);
        f.clock.advanceMillis(1);
        fragment(12, 0, 1480);
        f.clock.advanceMillis(1);
        fragment(13, 0, 1480); // evicts 11, the oldest
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_NO_BUFFER)).isEqualTo(1);
        fragment(11, 1480, 1480);
        fragment(11, 2960, 48);
        f.expectNothing();
        fragment(13, 1480, 1480);
        fragment(13, 2960, 48);
        assertThat(f.drain()).isEqualTo(3);
    }

    @Test
    void zeroReassemblyBuffersDropsEveryFragment() {
        started("ip.reassembly.buffers", "0");
        fragment(14, 0, 1480);
        fragment(14, 1480, 1480);
        fragment(14, 2960, 48);
        f.expectNothing();
        assertThat(f.counter(Counter.RX_DROP_IP_FRAGMENT_NO_BUFFER)).isEqualTo(3);
    }

    @Test
    void noTimeExceededAboutAnIcmpError() {
        started("ip.reassembly.timeout", "1s");
        // a fragmented destination-unreachable: its first fragment times out
        FrameBuilder.writeEcho(request, 0, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, 3, 0, 0, DATA);
        fragment(15, 0, 1480);
        f.advance(1000);
        f.expectNothing();
        assertThat(f.counter(Counter.IP_REASSEMBLY_TIMEOUTS)).isEqualTo(1);
    }
}
