package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpLoopbackSmokeTest {

    @Test
    void echoesOverTheInStackLoopback() throws Exception {
        try (Stack stack = Stack.start(JmtcpConfig.of(Map.of("device", "loopback", "jmx", "false")))) {
            int lo = Ipv4Address.parse("127.0.0.1");
            TcpSocket listener = stack.listen(0, 7000, 16);
            TcpSocket client = stack.connect(lo, 7000);
            assertThat(client.awaitConnected(2_000_000_000L)).isEqualTo(Waiter.READY);
            assertThat(client.failure()).isNull();
            assertThat(listener.awaitAcceptable(2_000_000_000L)).isEqualTo(Waiter.READY);
            TcpSocket server = listener.accept();
            assertThat(server).isNotNull();

            client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            assertThat(server.awaitReadable(2_000_000_000L)).isEqualTo(Waiter.READY);
            ByteBuffer in = ByteBuffer.allocate(64);
            server.read(in);
            in.flip();
            assertThat(StandardCharsets.US_ASCII.decode(in).toString()).isEqualTo("hello");

            client.close();
            assertThat(server.awaitReadable(2_000_000_000L)).isEqualTo(Waiter.READY);
            in.clear();
            assertThat(server.read(in)).isEqualTo(-1);
            server.close();
        }
    }
}
