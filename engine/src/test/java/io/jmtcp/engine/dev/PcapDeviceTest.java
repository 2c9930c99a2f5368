package io.jmtcp.engine.dev;

import static io.jmtcp.engine.dev.TestFrames.IP_A;
import static io.jmtcp.engine.dev.TestFrames.IP_B;
import static io.jmtcp.engine.dev.TestFrames.MAC_A;
import static io.jmtcp.engine.dev.TestFrames.MAC_B;
import static io.jmtcp.engine.dev.TestFrames.arp;
import static io.jmtcp.engine.dev.TestFrames.icmpEcho;
import static io.jmtcp.engine.dev.TestFrames.icmpRequest;
import static io.jmtcp.engine.dev.TestFrames.receive;
import static io.jmtcp.engine.dev.TestFrames.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures over a {@link PairDevice} exchange, read back by hand and by tshark. */
class PcapDeviceTest {

    @TempDir
    Path dir;

    private final FrameBatch txBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);
    private final FrameBatch rxBatch = new FrameBatch(FrameBatch.DEFAULT_BURST);

    /** One pcap record as read back. */
    record Record(long seconds, long micros, int capturedLength, int originalLength, byte[] data) {}

    /** A tiny reader of classic pcap files: checks the file header and returns the records. */
    static List<Record> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(b.remaining()).isGreaterThanOrEqualTo(24);
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        assertThat(b.getInt(0)).as("magic").isEqualTo(0xa1b2c3d4);
        assertThat(b.getShort(4)).as("major").isEqualTo((short) 2);
        assertThat(b.getShort(6)).as("minor").isEqualTo((short) 4);
        assertThat(b.getInt(16)).as("snaplen").isEqualTo(65535);
        assertThat(b.getInt(20)).as("linktype").isEqualTo(1);
        b.position(24);
        List<Record> out = new ArrayList<>();
        while (b.hasRemaining()) {
            assertThat(b.remaining()).as("room for a record header").isGreaterThanOrEqualTo(16);
            long sec = b.getInt() & 0xFFFF_FFFFL;
            long usec = b.getInt() & 0xFFFF_FFFFL;
            int incl = b.getInt();
            int orig = b.getInt();
            assertThat(usec).isLessThan(1_000_000);
            assertThat(incl).isBetween(0, 65535).isLessThanOrEqualTo(orig);
            byte[] data = new byte[incl];
            b.get(data);
            out.add(new Record(sec, usec, incl, orig, data));
        }
        return out;
    }

    private static String hex(byte[] f) {
        return HexFormat.of().formatHex(f);
    }

    /** a sends an ARP request and an ICMP echo request, b answers both; a is captured. */
    private List<byte[]> exchange(Path file) {
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        byte[] arpRequest = arp(1, MAC_A, IP_A, 0, IP_B);
        byte[] echoRequest = icmpRequest(7);
        byte[] arpReply = arp(2, MAC_B, IP_B, MAC_A, IP_A);
        byte[] echoReply = icmpEcho(0, MAC_B, MAC_A, IP_B, IP_A, 0x1234, 7);
        try (PcapDevice a = new PcapDevice(wire.a(), file)) {
            send(a, txBatch, arpRequest);
            // a frame acquired but left empty is not sent, so it is not captured either
            txBatch.length(a.txAcquire(0, txBatch), 0);
            a.txBurst(0, txBatch);
            send(a, txBatch, echoRequest);
            assertThat(receive(wire.b(), rxBatch)).extracting(PcapDeviceTest::hex)
                    .containsExactly(hex(arpRequest), hex(echoRequest));
            send(wire.b(), txBatch, List.of(arpReply, echoReply));
            assertThat(receive(a, rxBatch)).hasSize(2);
            assertThat(a.captureError()).isNull();
        }
        return List.of(arpRequest, echoRequest, arpReply, echoReply);
    }

    @Test
    void capturedExchangeReadsBackByteForByteInOrder() throws IOException {
        Path file = dir.resolve("exchange.pcap");
        long before = System.currentTimeMillis() / 1000;
        List<byte[]> frames = exchange(file);
        long after = System.currentTimeMillis() / 1000;

        List<Record> records = read(file);
        assertThat(records).hasSize(4);
        long previous = 0;
        for (int i = 0; i < 4; i++) {
            Record r = records.get(i);
            assertThat(hex(r.data())).as("record %d", i).isEqualTo(hex(frames.get(i)));
            assertThat(r.originalLength()).isEqualTo(frames.get(i).length);
            assertThat(r.seconds()).isBetween(before - 1, after + 1);
            long stamp = r.seconds() * 1_000_000 + r.micros();
            assertThat(stamp).isGreaterThanOrEqualTo(previous);
            previous = stamp;
        }
    }

    @Test
    void tsharkDecodesTheCapturedArpAndIcmpFrames() throws Exception {
        Path file = dir.resolve("tshark.pcap");
        exchange(file);
        Path tshark = Path.of("/usr/bin/tshark");
        if (!Files.isExecutable(tshark)) {
            String why = "tshark is not installed (apt-get install -y tshark); pcap decoding not checked";
            if (Boolean.getBoolean("jmtcp.it.require")) {
                throw new AssertionError(why + ", and jmtcp.it.require=true");
            }
            Assumptions.abort(why);
        }
        Process p = new ProcessBuilder(tshark.toString(), "-r", file.toString(), "-n",
                "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|",
                "-e", "frame.protocols", "-e", "arp.opcode", "-e", "arp.dst.proto_ipv4",
                "-e", "icmp.type", "-e", "icmp.seq", "-e", "ip.checksum.status", "-e", "icmp.checksum.status")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tshark exit status; output:\n%s", out).isZero();
        // checksum status 1 = good (Wireshark: 0 bad, 1 good, 2 unverified)
        assertThat(out.lines().toList()).as("tshark output").containsExactly(
                "eth:ethertype:arp|1|198.18.0.2||||",
                "eth:ethertype:ip:icmp:data|||8|7|1|1",
                "eth:ethertype:arp|2|198.18.0.1||||",
                "eth:ethertype:ip:icmp:data|||0|7|1|1");
    }

    @Test
    void recordsSpanningManyStagingFlushesAreAllWritten() throws IOException {
        Path file = dir.resolve("many.pcap");
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        List<byte[]> sent = new ArrayList<>();
        try (PcapDevice a = new PcapDevice(wire.a(), PcapWriter.open(file, 70_000), PcapWriter.anchoredMicroClock())) {
            for (int burst = 0; burst < 100; burst++) {
                List<byte[]> frames = new ArrayList<>();
                for (int k = 0; k < 40; k++) {
                    byte[] f = new byte[60 + (burst * 40 + k) % 1454];
                    ByteBuffer.wrap(f).putInt(14, burst * 40 + k);
                    frames.add(f);
                }
                send(a, txBatch, frames);
                sent.addAll(frames);
                receive(wire.b(), rxBatch);
            }
        }
        List<Record> records = read(file);
        assertThat(records).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(records.get(i).data()).isEqualTo(sent.get(i));
        }
    }

    @Test
    void framesLongerThanTheSnapLengthAreTruncatedKeepingTheirLength() throws IOException {
        Path file = dir.resolve("big.pcap");
        ByteBuffer big = ByteBuffer.allocateDirect(70_000);
        for (int i = 0; i < big.capacity(); i++) {
            big.put(i, (byte) i);
        }
        try (PcapWriter w = PcapWriter.open(file)) {
            w.write(big, 0, 70_000, 1_700_000_000_123_456L);
            w.write(big, 5, 100, 1_700_000_001_000_000L);
        }
        List<Record> records = read(file);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).capturedLength()).isEqualTo(65535);
        assertThat(records.get(0).originalLength()).isEqualTo(70_000);
        assertThat(records.get(0).seconds()).isEqualTo(1_700_000_000L);
        assertThat(records.get(0).micros()).isEqualTo(123_456L);
        assertThat(records.get(1).data()[0]).isEqualTo((byte) 5);
        assertThat(records.get(1).originalLength()).isEqualTo(100);
    }

    @Test
    void queuesSharingOneFileNeverInterleaveWithinARecord() throws Exception {
        Path file = dir.resolve("queues.pcap");
        PairDevice.Wire wire = PairDevice.create(1500, 2, 256);
        int perQueue = 3000;
        try (PcapDevice a = new PcapDevice(wire.a(), file)) {
            Thread[] threads = new Thread[2];
            for (int q = 0; q < 2; q++) {
                int queue = q;
                threads[q] = new Thread(() -> {
                    FrameBatch tx = new FrameBatch(16);
                    FrameBatch rx = new FrameBatch(64);
                    for (int seq = 0; seq < perQueue; seq++) {
                        int i = a.txAcquire(queue, tx);
                        byte[] f = frameFor(queue, seq);
                        tx.buffer(i).put(tx.offset(i), f);
                        tx.length(i, f.length);
                        if (tx.isFull() || seq == perQueue - 1) {
                            a.txBurst(queue, tx);
                            wire.b().rxBurst(queue, rx);
                            wire.b().rxRelease(queue, rx);
                        }
                    }
                }, "queue-" + q);
                threads[q].start();
            }
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).isFalse();
            }
        }
        int[] next = new int[2];
        for (Record r : read(file)) {
            int queue = r.data()[14];
            int seq = ByteBuffer.wrap(r.data()).getInt(15);
            assertThat(hex(r.data())).isEqualTo(hex(frameFor(queue, seq)));
            assertThat(seq).as("order within queue %d", queue).isEqualTo(next[queue]++);
        }
        assertThat(next).containsExactly(perQueue, perQueue);
    }

    private static byte[] frameFor(int queue, int seq) {
        byte[] f = new byte[64 + seq % 200];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(14, (byte) queue).putInt(15, seq);
        for (int i = 19; i < f.length; i++) {
            f[i] = (byte) (queue * 31 + seq + i);
        }
        return f;
    }

    @Test
    void aWriteErrorStopsTheCaptureButNotTheTraffic() throws IOException {
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        PcapWriter writer = PcapWriter.open(dir.resolve("broken.pcap"));
        try (PcapDevice a = new PcapDevice(wire.a(), writer, PcapWriter.anchoredMicroClock())) {
            writer.close(); // the file goes away behind the device's back
            assertThat(send(a, txBatch, icmpRequest(1))).isEqualTo(1);
            assertThat(a.captureError()).hasMessageContaining("closed");
            assertThat(send(a, txBatch, icmpRequest(2))).isEqualTo(1);
            assertThat(receive(wire.b(), rxBatch)).hasSize(2);
        }
    }

    @Test
    void anUncreatableFileFailsNamingIt() {
        Path file = dir.resolve("no/such/dir/x.pcap");
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        assertThatThrownBy(() -> new PcapDevice(wire.a(), file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void capturingAllocatesNothingPerFrame() throws IOException {
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        ByteBuffer frame = ByteBuffer.allocateDirect(TestFrames.ICMP_FRAME).put(icmpRequest(3)).flip();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (PcapDevice a = new PcapDevice(wire.a(), dir.resolve("alloc.pcap"))) {
            pump(a, wire.b(), frame, 5_000);
            long before = threads.getCurrentThreadAllocatedBytes();
            pump(a, wire.b(), frame, 64_000);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // 2,000 bursts of 32 frames, each captured on tx and again on rx at b's side
            assertThat(allocated).as("bytes allocated for 64,000 frames").isLessThan(8_000);
        }
    }

    private void pump(PcapDevice a, NetDevice b, ByteBuffer frame, int frames) {
        for (int sent = 0; sent < frames; sent += 32) {
            for (int k = 0; k < 32; k++) {
                int i = a.txAcquire(0, txBatch);
                txBatch.buffer(i).put(txBatch.offset(i), frame, 0, frame.limit());
                txBatch.length(i, frame.limit());
            }
            a.txBurst(0, txBatch);
            b.rxBurst(0, rxBatch);
            b.rxRelease(0, rxBatch);
        }
    }
}
