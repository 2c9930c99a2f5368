package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many short connections (connect, 64-byte request, 64-byte response, the client closes first)
 * from a 100-port ephemeral range, in simulated time: the client's 4-tuples stay in TIME-WAIT for
 * the full 60 s, so every connection after the first hundred lives on a 4-tuple taken over from
 * TIME-WAIT ({@code jmtcp.tcp.tw-reuse}, RFC 7323 Appendix B). Without that, the hundred-and-first
 * connect would fail with "Cannot assign requested address".
 */
class ShortConnectionsTest {

    private static final int SERVER_PORT = 8080;
    /** Simulated time per connection: 100 ports × 20 ms = 2 s between uses of a port on average. */
    private static final long MILLIS_PER_CONNECTION = 20;

    private final ManualClock clock = new ManualClock();
    private final ByteBuffer request = ByteBuffer.allocate(64);
    private final ByteBuffer response = ByteBuffer.allocate(64);
    private final ByteBuffer in = ByteBuffer.allocate(128);
    private TcpSocket listener;

    @Test
    void hundredThousandShortConnectionsFromHundredPortsBetweenTwoStacks() throws IOException {
        PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
        Stack client = Stack.manual(config("198.18.0.1/24", "1"), wire.a(), clock);
        Stack server = Stack.manual(config("198.18.0.2/24", "0"), wire.b(), clock);
        try {
            run(client, server, Cidr.parseAddress("198.18.0.2"), 100_000);
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void loopbackReusesTimeWaitByDefault() throws IOException {
        Map<String, String> options = new HashMap<>(Map.of("jmx", "false", "tcp.ports", "40000-40099"));
        JmtcpConfig config = JmtcpConfig.of(options);
        assertThat(config.get(JmtcpConfig.TCP_TW_REUSE)).isEqualTo(2);
        Stack stack = Stack.manual(config, new LoopbackDevice(16384, 1, 256), clock);
        try {
            run(stack, stack, Cidr.parseAddress("127.0.0.1"), 10_000);
        } finally {
            stack.close();
        }
    }

    private static JmtcpConfig config(String ip, String twReuse) {
        return JmtcpConfig.of(Map.of("ip", ip, "jmx", "false", "tcp.ports", "40000-40099",
                "tcp.tw-reuse", twReuse));
    }

    private void run(Stack client, Stack server, int serverIp, int connections) throws IOException {
        cycle(client, server, 4); // ARP announcements
        listener = server.listen(0, SERVER_PORT, 128);
        cycle(client, server, 2);
        for (int i = 0; i < connections; i++) {
            oneConnection(client, server, serverIp, i);
            clock.advanceMillis(MILLIS_PER_CONNECTION);
            cycle(client, server, 1);
        }
        server.closeListener(listener);
        assertThat(client.counter(Counter.TCP_ACTIVE_OPENS)).isEqualTo(connections);
        assertThat(server.counter(Counter.TCP_PASSIVE_OPENS)).isGreaterThanOrEqualTo(connections);
        // all but the first hundred took a 4-tuple over from TIME-WAIT
        assertThat(client.counter(Counter.TCP_TIME_WAIT_REUSED)).isGreaterThanOrEqualTo(connections - 100);
        assertThat(client.counter(Counter.RX_DROP_TCP_PAWS)).isZero();
        assertThat(client.counter(Counter.TCP_RX_RESETS)).isZero();
        assertThat(server.counter(Counter.TCP_RX_RESETS)).isZero();
    }

    private void oneConnection(Stack client, Stack server, int serverIp, int i) throws IOException {
        TcpSocket c = client.connect(serverIp, SERVER_PORT);
        TcpSocket s = null;
        // handshake: the accepted socket appears on the server's listener
        for (int k = 0; k < 20 && (s == null || !c.is(TcpSocket.CONNECTED)); k++) {
            cycle(client, server, 1);
            if (c.failure() != null) {
                fail("connection " + i + " failed: " + c.failure() + "; client " + client.counters());
            }
            if (s == null) {
                s = listener.accept();
            }
        }
        assertThat(s).as("connection %d accepted", i).isNotNull();
        assertThat(c.is(TcpSocket.CONNECTED)).as("connection %d connected", i).isTrue();

        request.clear();
        request.putInt(0, i);
        assertThat(c.write(request)).isEqualTo(64);
        readExactly(client, server, s, 64, i);
        assertThat(in.getInt(0)).isEqualTo(i);
        response.clear();
        response.putInt(0, ~i);
        assertThat(s.write(response)).isEqualTo(64);
        readExactly(client, server, c, 64, i);
        assertThat(in.getInt(0)).isEqualTo(~i);

        // the client closes first; the server closes when it reads the end of the stream
        c.close();
        for (int k = 0; k < 20; k++) {
            cycle(client, server, 1);
            in.clear();
            if (s.read(in) < 0) {
                break;
            }
        }
        assertThat(s.is(TcpSocket.INPUT_EOF)).as("connection %d: server saw the FIN", i).isTrue();
        s.close();
        cycle(client, server, 4);
        assertThat(c.is(TcpSocket.FINISHED)).as("connection %d finished", i).isTrue();
    }

    private void readExactly(Stack client, Stack server, TcpSocket socket, int n, int i) throws IOException {
        in.clear();
        for (int k = 0; k < 20 && in.position() < n; k++) {
            cycle(client, server, 1);
            socket.read(in);
        }
        assertThat(in.position()).as("connection %d: bytes read", i).isEqualTo(n);
    }

    private static void cycle(Stack a, Stack b, int cycles) {
        for (int i = 0; i < cycles; i++) {
            a.engine(0).doWork();
            if (b != a) {
                b.engine(0).doWork();
            }
        }
    }
}
