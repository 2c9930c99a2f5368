package io.jmtcp.engine.arp;

import static io.jmtcp.engine.stack.WireFixture.OUR_IP;
import static io.jmtcp.engine.stack.WireFixture.OUR_MAC;
import static io.jmtcp.engine.stack.WireFixture.PEER_IP;
import static io.jmtcp.engine.stack.WireFixture.PEER_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.stack.WireFixture;
import io.jmtcp.engine.stack.WireFixture.Received;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.ArpPacket;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.MacAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ARP (RFC 826, RFC 5227) of one engine, scripted from the raw peer side of a pair wire. */
class ArpTest {

    private WireFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    /** A raw fixture whose announcement has been consumed, the peer still unknown. */
    private WireFixture announced(String... kv) {
        f = WireFixture.raw(kv);
        f.cycle();
        f.expectFrame();
        f.expectNothing();
        return f;
    }

    private void peerRequest(long senderMac, int senderIp, int targetIp) {
        f.frame.ethDestination(MacAddress.BROADCAST).arp(ArpPacket.OP_REQUEST, senderMac, senderIp, 0, targetIp);
        f.frame.ethDestination(OUR_MAC);
        f.send().cycle();
    }

    private void peerReply() {
        f.frame.arp(ArpPacket.OP_REPLY, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
        f.send().cycle();
    }

    private void echoFromPeer(int seq) {
        f.frame.echoRequest(PEER_IP, OUR_IP, 7, seq, 16);
        f.send().cycle();
    }

    @Test
    void announcesGratuitousArpAtStart() {
        f = WireFixture.raw();
        f.cycle();
        Received r = f.expectFrame();
        assertThat(r.eth().destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(r.eth().source()).isEqualTo(OUR_MAC);
        ArpPacket a = r.arp();
        assertThat(a.operation()).isEqualTo(ArpPacket.OP_REQUEST);
        assertThat(a.senderHardwareAddress()).isEqualTo(OUR_MAC);
        // RFC 5227 3: sender and target protocol address are both ours, target MAC zero
        assertThat(a.senderProtocolAddress()).isEqualTo(OUR_IP);
        assertThat(a.targetProtocolAddress()).isEqualTo(OUR_IP);
        assertThat(a.targetHardwareAddress()).isZero();
        assertThat(f.counter(Counter.ARP_TX_REQUESTS)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void answersArpRequestForOurAddress() {
        announced();
        peerRequest(PEER_MAC, PEER_IP, OUR_IP);
        Received r = f.expectFrame();
        byte[] expected = {
            // Ethernet: to the requester, from us, ARP
            0x02, 0, 0, 0, 0x01, 0x02, 0x02, 0, 0, 0, 0x01, 0x01, 0x08, 0x06,
            // htype 1, ptype 0x0800, hlen 6, plen 4, op 2 (reply)
            0, 1, 0x08, 0, 6, 4, 0, 2,
            // sender: our MAC, 198.18.0.2
            0x02, 0, 0, 0, 0x01, 0x01, (byte) 198, 18, 0, 2,
            // target: the requester's MAC and 198.18.0.1
            0x02, 0, 0, 0, 0x01, 0x02, (byte) 198, 18, 0, 1,
        };
        assertThat(r.bytes()).isEqualTo(expected);
        assertThat(f.counter(Counter.ARP_RX_REQUESTS)).isEqualTo(1);
        assertThat(f.counter(Counter.ARP_TX_REPLIES)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void learnsRequesterWhenTargetIsUs() {
        announced();
        peerRequest(PEER_MAC, PEER_IP, OUR_IP);
        f.expectFrame();
        assertThat(f.engine.arp().cachedMac(PEER_IP)).isEqualTo(PEER_MAC);
        // so an echo reply leaves at once, without asking first
        echoFromPeer(1);
        Received r = f.expectFrame();
        assertThat(r.eth().destination()).isEqualTo(PEER_MAC);
        assertThat(r.icmp().type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_TX_REQUESTS)).isEqualTo(1); // the announcement only
    }

    @Test
    void ignoresRequestForOtherAddresses() {
        announced();
        peerRequest(PEER_MAC, PEER_IP, WireFixture.OTHER_IP);
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_RX_REQUESTS)).isEqualTo(1);
        assertThat(f.counter(Counter.ARP_TX_REPLIES)).isZero();
        // RFC 826: a sender we do not know yet is not added unless we are the target
        assertThat(f.engine.arp().cachedMac(PEER_IP)).isEqualTo(-1);
    }

    @Test
    void updatesKnownSenderFromRequestForOtherAddress() {
        announced();
        peerRequest(PEER_MAC, PEER_IP, OUR_IP);
        f.expectFrame();
        long newMac = 0x02_00_00_00_09_09L;
        f.frame.ethSource(newMac);
        peerRequest(newMac, PEER_IP, WireFixture.OTHER_IP);
        f.expectNothing();
        // RFC 826 "merge flag": a known sender's entry is updated whoever the target is
        assertThat(f.engine.arp().cachedMac(PEER_IP)).isEqualTo(newMac);
    }

    @Test
    void resolvesNeighbourBeforeSendingAndFlushesQueuedPackets() {
        announced();
        echoFromPeer(1);
        Received ask = f.expectFrame();
        assertThat(ask.eth().destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(ask.arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
        assertThat(ask.arp().targetProtocolAddress()).isEqualTo(PEER_IP);
        assertThat(ask.arp().senderProtocolAddress()).isEqualTo(OUR_IP);
        f.expectNothing();
        echoFromPeer(2);
        f.expectNothing(); // still resolving: no second request, the reply waits
        peerReply();
        for (int seq = 1; seq <= 2; seq++) {
            Received r = f.expectFrame();
            assertThat(r.eth().destination()).isEqualTo(PEER_MAC);
            assertThat(r.eth().source()).isEqualTo(OUR_MAC);
            assertThat(r.icmp().sequenceNumber()).isEqualTo(seq);
            assertThat(r.icmp().verifyChecksum()).isTrue();
        }
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_RX_REPLIES)).isEqualTo(1);
        assertThat(f.counter(Counter.ARP_PENDING_DROPPED)).isZero();
    }

    @Test
    void retriesArpRequestEveryRetryInterval() {
        announced("arp.retry", "200ms", "arp.attempts", "3");
        echoFromPeer(1);
        assertThat(f.expectFrame().arp().targetProtocolAddress()).isEqualTo(PEER_IP);
        for (int attempt = 2; attempt <= 3; attempt++) {
            f.advance(199);
            f.expectNothing();
            f.advance(1);
            assertThat(f.expectFrame().arp().targetProtocolAddress()).isEqualTo(PEER_IP);
            f.expectNothing();
        }
        assertThat(f.counter(Counter.ARP_TX_REQUESTS)).isEqualTo(1 + 3);
    }

    @Test
    void declaresNeighbourUnreachableAfterAllAttemptsAndDropsQueuedPackets() {
        announced("arp.retry", "100ms", "arp.attempts", "3");
        List<Integer> unreachable = new ArrayList<>();
        f.engine.arp().unreachableListener(unreachable::add);
        echoFromPeer(1);
        echoFromPeer(2);
        for (int i = 0; i < 3; i++) {
            assertThat(f.expectFrame().arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
            f.advance(100);
        }
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_RESOLVE_FAILED)).isEqualTo(1);
        assertThat(f.counter(Counter.ARP_PENDING_DROPPED)).isEqualTo(2);
        assertThat(unreachable).containsExactly(PEER_IP);
        f.advance(10_000);
        f.expectNothing(); // no more asking once given up
        assertThat(f.engine.arp().cachedMac(PEER_IP)).isEqualTo(-1);
        // the next packet starts over
        echoFromPeer(3);
        assertThat(f.expectFrame().arp().targetProtocolAddress()).isEqualTo(PEER_IP);
    }

    @Test
    void refreshesStaleEntryWhileStillUsingIt() {
        f = WireFixture.started("arp.timeout", "1s", "arp.retry", "100ms", "arp.attempts", "2");
        f.advance(1000);
        echoFromPeer(1);
        // the reply's frame is taken before ARP asks, so it leaves first
        Received reply = f.expectFrame();
        assertThat(reply.eth().destination()).as("stale MAC still used").isEqualTo(PEER_MAC);
        assertThat(reply.icmp().type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
        Received refresh = f.expectFrame();
        assertThat(refresh.arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
        assertThat(refresh.arp().targetProtocolAddress()).isEqualTo(PEER_IP);
        f.expectNothing();
        // the peer confirms: REACHABLE again, no more asking for another timeout
        peerReply();
        f.advance(500);
        echoFromPeer(2);
        assertThat(f.expectFrame().icmp().sequenceNumber()).isEqualTo(2);
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_RESOLVE_FAILED)).isZero();
    }

    @Test
    void staleEntryThatNeverAnswersIsForgottenWithoutCountingAFailure() {
        f = WireFixture.started("arp.timeout", "1s", "arp.retry", "100ms", "arp.attempts", "2");
        f.advance(1000);
        echoFromPeer(1);
        assertThat(f.drain()).isEqualTo(2); // refresh request + reply
        f.advance(100);
        assertThat(f.expectFrame().arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
        f.advance(100);
        f.expectNothing();
        assertThat(f.engine.arp().cachedMac(PEER_IP)).isEqualTo(-1);
        assertThat(f.counter(Counter.ARP_RESOLVE_FAILED)).isZero();
    }

    @Test
    void pendingQueueIsBounded() {
        announced("arp.pending", "2");
        for (int seq = 1; seq <= 4; seq++) {
            echoFromPeer(seq);
        }
        assertThat(f.expectFrame().arp().operation()).isEqualTo(ArpPacket.OP_REQUEST);
        f.expectNothing();
        assertThat(f.counter(Counter.ARP_PENDING_DROPPED)).isEqualTo(2);
        peerReply();
        assertThat(f.expectFrame().icmp().sequenceNumber()).isEqualTo(1);
        assertThat(f.expectFrame().icmp().sequenceNumber()).isEqualTo(2);
        f.expectNothing();
        // the pen slots came back: another round fits again
        assertThat(f.counter(Counter.ARP_PENDING_DROPPED)).isEqualTo(2);
    }

    @Test
    void evictsOldestWhenCacheFull() {
        announced("arp.cache-size", "16");
        int base = Cidr.parseAddress("198.18.0.100");
        for (int i = 0; i < 17; i++) {
            long mac = 0x02_00_00_00_02_00L + i;
            f.frame.ethSource(mac);
            peerRequest(mac, base + i, OUR_IP);
            f.expectFrame();
            f.clock.advanceMillis(10);
        }
        assertThat(f.counter(Counter.ARP_EVICTIONS)).isEqualTo(1);
        assertThat(f.engine.arp().cachedMac(base)).as("least recently confirmed").isEqualTo(-1);
        for (int i = 1; i < 17; i++) {
            assertThat(f.engine.arp().cachedMac(base + i)).isEqualTo(0x02_00_00_00_02_00L + i);
        }
        assertThat(f.engine.arp().describe()).hasSize(16);
    }

    @Test
    void dropsArpFromBroadcastSender() {
        announced();
        long[] badMacs = {MacAddress.BROADCAST, 0x01_00_5e_00_00_01L, OUR_MAC};
        for (long mac : badMacs) {
            peerRequest(mac, PEER_IP, OUR_IP);
        }
        int[] badIps = {-1, Cidr.parseAddress("224.0.0.1"), OUR_IP};
        for (int ip : badIps) {
            peerRequest(PEER_MAC, ip, OUR_IP);
        }
        f.expectNothing();
        assertThat(f.counter(Counter.RX_DROP_ARP_BAD_SENDER)).isEqualTo(6);
        assertThat(f.counter(Counter.ARP_RX_REQUESTS)).isZero();
        assertThat(f.engine.arp().describe()).isEmpty();
    }

    @Test
    void answersAddressProbe() {
        announced();
        long prober = 0x02_00_00_00_07_07L;
        f.frame.ethSource(prober);
        peerRequest(prober, 0, OUR_IP);
        Received r = f.expectFrame();
        // RFC 5227 2.1.1: the address is in use; tell the prober (unicast to it)
        assertThat(r.eth().destination()).isEqualTo(prober);
        assertThat(r.arp().operation()).isEqualTo(ArpPacket.OP_REPLY);
        assertThat(r.arp().senderProtocolAddress()).isEqualTo(OUR_IP);
        assertThat(r.arp().senderHardwareAddress()).isEqualTo(OUR_MAC);
        assertThat(r.arp().targetHardwareAddress()).isEqualTo(prober);
        // nothing learnt from a sender of 0.0.0.0
        assertThat(f.engine.arp().describe()).isEmpty();
    }

    @Test
    void dropsMalformedArpByReason() {
        announced();
        f.frame.arp(ArpPacket.OP_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP);
        f.frame.length(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH - 1);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ARP_TRUNCATED)).isEqualTo(1);

        f.frame.arp(ArpPacket.OP_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP).put16(EthernetFrame.HEADER_LENGTH, 6);
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ARP_UNSUPPORTED)).isEqualTo(1);

        f.frame.arp(3, PEER_MAC, PEER_IP, 0, OUR_IP); // RARP request
        f.send().cycle();
        assertThat(f.counter(Counter.RX_DROP_ARP_BAD_OPERATION)).isEqualTo(1);
        f.expectNothing();
    }

    @Test
    void acceptsPaddedArpRequest() {
        announced();
        f.frame.arp(ArpPacket.OP_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP).pad(18); // 60-byte minimum frame
        f.send().cycle();
        assertThat(f.expectFrame().arp().operation()).isEqualTo(ArpPacket.OP_REPLY);
    }
}
