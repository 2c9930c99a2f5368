package io.jmtcp.engine.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md 3.4: a failure while an application thread holds an engine's duty-cycle token leaves
 * the engine consistent — the engine stops, its sockets fail with an IOException naming the
 * cause, and no thread (the one running the cycle, or one waiting behind it) hangs.
 */
class InlineFailureTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");

    @Test
    void exceptionInsideACycleRunInlineFailsSocketsInsteadOfHanging() throws Exception {
        FailingDevice device = new FailingDevice(new LoopbackDevice(1500, 1, 256));
        JmtcpConfig config = JmtcpConfig.of(Map.of("jmx", "false", "name", "inlinefail", "threading", "inline"));
        try (Stack stack = Stack.start(config, device)) {
            TcpSocket listener = stack.listen(0, 7400, 16);
            TcpSocket client = stack.connect(LO, 7400);
            assertThat(client.awaitConnected(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
            assertThat(listener.awaitAcceptable(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
            TcpSocket server = listener.accept();

            // two application threads wait: one runs the engine inline, the other waits behind it
            Blocked<Integer> reader = Blocked.start("reader", () -> client.awaitReadable(TimeUnit.SECONDS.toNanos(60)))
                    .awaitBlocked();
            Blocked<Integer> other = Blocked.start("other", () -> server.awaitReadable(TimeUnit.SECONDS.toNanos(60)))
                    .awaitBlocked();
            IllegalStateException boom = new IllegalStateException("device gone (test)");
            device.failWith(boom);

            assertThat(reader.result(Duration.ofSeconds(5))).isEqualTo(Waiter.READY);
            assertThat(other.result(Duration.ofSeconds(5))).isEqualTo(Waiter.READY);
            assertThatThrownBy(() -> client.read(ByteBuffer.allocate(4)))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("jmtcp engine stopped")
                    .satisfies(e -> assertThat(e.getCause()).isSameAs(boom));
            assertThat(server.failure()).isNotNull().hasMessageContaining("jmtcp engine stopped");
            assertThat(stack.failure()).isSameAs(boom);
        }
    }
}
