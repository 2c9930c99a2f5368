package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.FaultProfile;
import io.jmtcp.engine.dev.ForwardingDevice;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.Checksum;
import io.jmtcp.engine.wire.EthernetFrame;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checksum offload: the in-stack loopback's frames never leave the process, so the stack neither
 * computes nor verifies their TCP and IPv4 header checksums (as Linux on {@code lo}); every
 * device that carries frames somewhere (a pair wire, a TAP, a shm wire) still gets full checksums,
 * and a corrupting fault injector over the loopback turns the offload off so corruption is caught.
 */
class ChecksumOffloadTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");
    private static final int PORT = 7300;
    private static final int BYTES = 200_000;

    /** Sorts every received TCP frame by what its checksum fields hold. */
    private static final class Inspector extends ForwardingDevice {
        int tcpFrames;
        int fullyChecksummed;
        int offloaded;

        Inspector(NetDevice inner) {
            super(inner, "inspect");
        }

        @Override
        public int rxBurst(int queue, FrameBatch batch) {
            int before = batch.size();
            int n = super.rxBurst(queue, batch);
            for (int i = before; i < batch.size(); i++) {
                inspect(batch.buffer(i), batch.offset(i), batch.length(i));
            }
            return n;
        }

        private void inspect(ByteBuffer b, int frame, int length) {
            if ((b.getShort(frame + 12) & 0xffff) != EthernetFrame.ETHERTYPE_IPV4) {
                return;
            }
            Ipv4Packet ip = new Ipv4Packet();
            ip.wrap(b, frame + EthernetFrame.HEADER_LENGTH, length - EthernetFrame.HEADER_LENGTH);
            if (!ip.checkLength() || ip.protocol() != Ipv4Packet.PROTOCOL_TCP) {
                return;
            }
            ip.wrap(b, frame + EthernetFrame.HEADER_LENGTH, ip.totalLength());
            TcpSegment seg = new TcpSegment();
            seg.wrap(b, ip.payloadOffset(), ip.payloadLength());
            tcpFrames++;
            boolean ipOk = ip.verifyChecksum();
            boolean tcpOk = seg.verifyChecksum(ip.source(), ip.destination());
            if (ipOk && tcpOk) {
                fullyChecksummed++;
            }
            int pseudo = Checksum.pseudoHeader(ip.source(), ip.destination(), Ipv4Packet.PROTOCOL_TCP,
                    ip.payloadLength());
            if (ip.headerChecksum() == 0 && seg.checksum() == pseudo) {
                offloaded++;
            }
        }
    }

    private static JmtcpConfig config(String ip) {
        return JmtcpConfig.of(Map.of("ip", ip, "jmx", "false"));
    }

    /** Moves {@code BYTES} from client to server, driving the given stacks; returns what arrived. */
    private static long transfer(Stack[] stacks, ManualClock clock, Stack clientStack, Stack serverStack, int serverIp) throws java.io.IOException {
        TcpSocket listener = serverStack.listen(0, PORT, 8);
        run(stacks, clock, 4);
        TcpSocket client = clientStack.connect(serverIp, PORT);
        TcpSocket server = null;
        for (int i = 0; i < 20_000 && server == null; i++) {
            run(stacks, clock, 1);
            server = listener.accept();
        }
        assertThat(server).as("accepted").isNotNull();
        byte[] pattern = new byte[1000];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        while (out.hasRemaining()) {
            out.put(pattern, 0, Math.min(pattern.length, out.remaining()));
        }
        out.flip();
        ByteBuffer in = ByteBuffer.allocate(BYTES);
        for (int i = 0; i < 200_000 && in.hasRemaining(); i++) {
            client.write(out);
            server.read(in);
            run(stacks, clock, 1);
        }
        in.flip();
        out.rewind();
        assertThat(in).as("the bytes arrived intact").isEqualTo(out);
        return in.limit();
    }

    private static void run(Stack[] stacks, ManualClock clock, int cycles) {
        for (int c = 0; c < cycles; c++) {
            clock.advance(1_000_000);
            for (Stack s : stacks) {
                s.engine(0).doWork();
            }
        }
    }

    @Test
    void loopbackNeitherComputesNorVerifiesChecksums() throws Exception {
        ManualClock clock = new ManualClock();
        Inspector dev = new Inspector(new LoopbackDevice(16384, 1, 256));
        assertThat(dev.capabilities().txChecksumOffload()).isTrue();
        assertThat(dev.capabilities().rxChecksumVerified()).isTrue();
        try (Stack stack = Stack.manual(config("127.0.0.1/8"), dev, clock)) {
            assertThat(transfer(new Stack[] {stack}, clock, stack, stack, LO)).isEqualTo(BYTES);
            assertThat(dev.tcpFrames).as("TCP frames seen").isGreaterThan(10);
            assertThat(dev.offloaded).as("every TCP frame left its checksums to the device").isEqualTo(dev.tcpFrames);
            assertThat(stack.counter(Counter.RX_DROP_TCP_BAD_CHECKSUM)).isZero();
        }
    }

    @Test
    void pairWireStillChecksumsEverySegment() throws Exception {
        ManualClock clock = new ManualClock();
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        Inspector a = new Inspector(wire.a());
        Inspector b = new Inspector(wire.b());
        assertThat(a.capabilities().txChecksumOffload()).isFalse();
        assertThat(a.capabilities().rxChecksumVerified()).isFalse();
        try (Stack sa = Stack.manual(config("198.18.0.1/24"), a, clock);
                Stack sb = Stack.manual(config("198.18.0.2/24"), b, clock)) {
            Stack[] both = {sa, sb};
            assertThat(transfer(both, clock, sa, sb, Ipv4Address.parse("198.18.0.2"))).isEqualTo(BYTES);
            int frames = a.tcpFrames + b.tcpFrames;
            assertThat(frames).isGreaterThan(10);
            assertThat(a.fullyChecksummed + b.fullyChecksummed).as("every TCP frame fully checksummed").isEqualTo(frames);
        }
    }

    @Test
    void corruptingLoopbackTurnsTheOffloadOffSoCorruptionIsCaught() throws Exception {
        ManualClock clock = new ManualClock();
        FaultProfile corrupt = FaultProfile.parse("corrupt=0.2,seed=3");
        FaultInjectingDevice fault = new FaultInjectingDevice(new LoopbackDevice(16384, 1, 256), corrupt, clock);
        assertThat(fault.capabilities().txChecksumOffload()).isFalse();
        assertThat(fault.capabilities().rxChecksumVerified()).isFalse();
        Inspector dev = new Inspector(fault);
        try (Stack stack = Stack.manual(config("127.0.0.1/8"), dev, clock)) {
            assertThat(transfer(new Stack[] {stack}, clock, stack, stack, LO)).isEqualTo(BYTES);
            assertThat(stack.counter(Counter.RX_DROP_TCP_BAD_CHECKSUM) + stack.counter(Counter.RX_DROP_IP_BAD_CHECKSUM))
                    .as("corrupted frames dropped by a checksum").isPositive();
            assertThat(fault.count(io.jmtcp.engine.dev.FaultCounter.CORRUPTED)).isPositive();
            assertThat(dev.offloaded).isZero();
        }
    }
}
