package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection whose peer is this stack gets jmtcp.tcp.loopback-buffer as its default send and
 * receive buffers (its bandwidth-delay product is an engine cycle of copies, far above the
 * general default); 0 gives it the general jmtcp.tcp.sndbuf/rcvbuf like any other connection.
 */
class LoopbackBufferTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");
    private static final int PORT = 7401;
    private static final int GENERAL = 131072;
    private static final int LOOPBACK = 1 << 20;

    @Test
    void loopbackPeerBuffersUpToBothLoopbackRingsBeforeTheWriterBlocks() throws Exception {
        long buffered = bufferedUntilFull("1048576");
        // the peer's receive ring plus our send ring, both of the loopback size
        assertThat(buffered).isGreaterThanOrEqualTo(2L * LOOPBACK - 65536).isLessThanOrEqualTo(2L * LOOPBACK);
    }

    @Test
    void zeroLoopbackBufferFallsBackToTheGeneralDefaults() throws Exception {
        long buffered = bufferedUntilFull("0");
        assertThat(buffered).isGreaterThanOrEqualTo(2L * GENERAL - 65536).isLessThanOrEqualTo(2L * GENERAL);
    }

    /** Bytes a client writes to a server that never reads before its send ring is full. */
    private static long bufferedUntilFull(String loopbackBuffer) throws Exception {
        ManualClock clock = new ManualClock();
        try (Stack stack = Stack.manual(JmtcpConfig.of(Map.of("ip", "127.0.0.1/8", "jmx", "false",
                        "tcp.sndbuf", Integer.toString(GENERAL), "tcp.rcvbuf", Integer.toString(GENERAL),
                        "tcp.loopback-buffer", loopbackBuffer)),
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
            ByteBuffer chunk = ByteBuffer.allocate(16384);
            long written = 0;
            int idle = 0;
            for (int i = 0; i < 10_000 && idle < 20; i++) {
                chunk.clear();
                int n = client.write(chunk);
                written += Math.max(n, 0);
                idle = n > 0 ? 0 : idle + 1;
                run(stack, clock, 1);
            }
            assertThat(client.writableBytes()).as("send ring full").isZero();
            return written;
        }
    }

    private static void run(Stack stack, ManualClock clock, int cycles) {
        for (int c = 0; c < cycles; c++) {
            clock.advance(1_000_000);
            stack.engine(0).doWork();
        }
    }
}
