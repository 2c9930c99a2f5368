package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A full send ring makes the socket writable again only once half of it is free (Linux's
 * sk_stream_write_space), and acknowledgements that free less wake nobody: a writer woken per
 * ACK would copy one segment per wakeup.
 */
class WriteLowWaterTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");
    private static final int PORT = 7400;
    private static final int CAPACITY = 131072;

    /** Counts how often the engine reports a socket to it. */
    private static final class CountingSink implements ReadinessSink {
        int offers;

        @Override
        public void offer(TcpSocket socket) {
            offers++;
        }

        @Override
        public void signal() {
        }
    }

    @Test
    void fullSendRingIsWritableAgainOnlyWhenHalfFreeAndSmallerAcksReportNothing() throws Exception {
        ManualClock clock = new ManualClock();
        try (Stack stack = Stack.manual(JmtcpConfig.of(Map.of("ip", "127.0.0.1/8", "jmx", "false", "tcp.sndbuf", Integer.toString(CAPACITY), "tcp.loopback-buffer", "0")),
                new LoopbackDevice(16384, 1, 256), clock)) {
            TcpSocket listener = stack.listen(0, PORT, 8);
            run(stack, clock, 4);
            TcpSocket client = stack.connect(LO, PORT);
            TcpSocket server = null;
            for (int i = 0; i < 100 && server == null; i++) {
                run(stack, clock, 1);
                server = listener.accept();
            }
            assertThat(server).isNotNull();
            // fill the peer's receive ring and our send ring: the server does not read
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            for (int i = 0; i < 1000; i++) {
                chunk.clear();
                client.write(chunk);
                run(stack, clock, 1);
            }
            assertThat(client.writableBytes()).as("send ring full").isZero();
            assertThat(client.isWritable()).isFalse();
            CountingSink sink = new CountingSink();
            client.readinessSink(sink);

            // the server reads a little: the window opens, some bytes leave the send ring and are
            // acknowledged, but less than half the ring is free
            ByteBuffer in = ByteBuffer.allocate(1 << 20);
            int capacity = CAPACITY;
            for (int i = 0; i < 200 && client.writableBytes() == 0; i++) {
                in.clear().limit(4096);
                server.read(in);
                run(stack, clock, 3);
            }
            assertThat(client.writableBytes()).isPositive();
            assertThat(client.writableBytes()).isLessThan(capacity / 2);
            assertThat(client.isWritable()).as("some room, below the low-water mark").isFalse();
            assertThat(sink.offers).as("acknowledgements below the mark report nothing").isZero();

            // the server drains everything: the ring empties, the writer hears about it once
            for (int i = 0; i < 200 && client.writableBytes() < capacity / 2; i++) {
                in.clear();
                server.read(in);
                run(stack, clock, 2);
            }
            assertThat(client.writableBytes()).isGreaterThanOrEqualTo(capacity / 2);
            assertThat(sink.offers).as("reported once the mark was crossed").isPositive();
            assertThat(client.isWritable()).isTrue();
        }
    }

    private static void run(Stack stack, ManualClock clock, int cycles) {
        for (int c = 0; c < cycles; c++) {
            clock.advance(1_000_000);
            stack.engine(0).doWork();
        }
    }
}
