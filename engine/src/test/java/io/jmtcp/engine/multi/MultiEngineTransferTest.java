package io.jmtcp.engine.multi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.shard.RssSteering;
import io.jmtcp.engine.shard.RssTable;
import io.jmtcp.engine.shard.Toeplitz;
import io.jmtcp.engine.stack.EngineShared;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two stacks of two engines each, joined by a two-queue pair wire, engines on their own threads:
 * many connections from A to one listener on B (DESIGN.md 3.3). Unsteered, queue q of one end
 * delivers to queue q of the other, so about half the segments reach an engine that does not own
 * their flow and must be handed over; steered, the wire does RSS like a NIC and hand-overs vanish.
 */
@Timeout(60)
class MultiEngineTransferTest {

    private static final int A_IP = Cidr.parseAddress("198.18.0.1");
    private static final int B_IP = Cidr.parseAddress("198.18.0.2");
    private static final int PORT = 8080;
    private static final int CONNECTIONS = 64;
    private static final int BYTES = 48 * 1024;
    private static final long SECOND = 1_000_000_000L;

    private Stack a;
    private Stack b;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static JmtcpConfig config(String ip, String name) {
        return JmtcpConfig.of(Map.of("ip", ip + "/24", "jmx", "false", "engines", "2", "name", name,
                "memory.max", "256m"));
    }

    private void start(PairDevice.Wire wire) {
        a = Stack.start(config("198.18.0.1", "multi-a"), wire.a());
        b = Stack.start(config("198.18.0.2", "multi-b"), wire.b());
    }

    @Test
    void sameQueueWireNeedsNoHandOverBetweenStacksThatHashAlike() throws Exception {
        // queue q of A delivers to queue q of B; both stacks use the same symmetric key and table,
        // and A sends a flow from its owning engine, so the frame lands on B's owner too
        start(PairDevice.create(1500, 2, 1024));
        transferMany();
        assertThat(a.counter(Counter.TCP_FORWARDED)).isZero();
        assertThat(b.counter(Counter.TCP_FORWARDED)).isZero();
    }

    @Test
    void rssSteeredWireDeliversEverySegmentToItsOwner() throws Exception {
        start(PairDevice.create(1500, 2, 1024, RssSteering.defaults(2)));
        transferMany();
        assertThat(a.counter(Counter.TCP_FORWARDED)).as("RSS put every segment on its owner's queue").isZero();
        assertThat(b.counter(Counter.TCP_FORWARDED)).isZero();
    }

    @Test
    void wireHashingWithAnotherKeyMisroutesSegmentsThatAreHandedToTheirOwner() throws Exception {
        // like a device that picks queues itself (multi-queue TAP): a hash the stacks do not know
        RssSteering foreign = new RssSteering(new Toeplitz(Toeplitz.microsoftKey()), new RssTable(2, 128));
        start(PairDevice.create(1500, 2, 1024, foreign));
        transferMany();
        assertThat(a.counter(Counter.TCP_FORWARDED)).isPositive();
        assertThat(b.counter(Counter.TCP_FORWARDED)).isPositive();
        assertNoHandOverLost();
    }

    @Test
    void wireDeliveringEveryFrameToTheWrongQueueStillCarriesEveryConnection() throws Exception {
        RssSteering rss = RssSteering.defaults(2);
        start(PairDevice.create(1500, 2, 1024, (frame, offset, length) -> 1 - rss.queueFor(frame, offset, length)));
        transferMany();
        for (Stack s : new Stack[] {a, b}) {
            // the engines still run (closing handshakes, delayed ACKs): a segment counted as handed
            // over may not yet be counted by its owner, so let the two counters settle first
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s.counter(Counter.TCP_FORWARDED) != s.counter(Counter.TCP_RX_SEGMENTS)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(s.counter(Counter.TCP_FORWARDED)).as("every TCP segment was handed over")
                    .isEqualTo(s.counter(Counter.TCP_RX_SEGMENTS));
        }
        assertNoHandOverLost();
    }

    @Test
    void connectFromAnExplicitLocalPortRunsOnTheEngineThatOwnsTheFlow() throws Exception {
        start(PairDevice.create(1500, 2, 1024, RssSteering.defaults(2)));
        TcpSocket listener = b.listen(0, PORT, 64);
        EngineShared sa = a.shared();
        int[] owners = new int[2];
        List<TcpSocket> clients = new ArrayList<>();
        for (int port = 40000; port < 40008; port++) {
            TcpSocket c = a.connect(new TcpSocket(), port, B_IP, PORT);
            clients.add(c);
            int owner = sa.rss().queueFor(sa.toeplitz().hash(B_IP, A_IP, PORT, port));
            owners[owner]++;
            assertThat(c.awaitConnected(5 * SECOND)).isEqualTo(Waiter.READY);
            assertThat(c.failure()).as("port %d", port).isNull();
            assertThat(c.localPort()).isEqualTo(port);
            assertThat(c.link()).as("port %d", port).isSameAs(a.engine(owner).tcp());
        }
        assertThat(owners).as("the chosen ports hash to both engines").doesNotContain(0);
        for (int i = 0; i < clients.size(); i++) {
            assertThat(listener.awaitAcceptable(5 * SECOND)).isEqualTo(Waiter.READY);
            assertThat(listener.accept()).isNotNull();
        }
        assertThat(a.counter(Counter.TCP_TX_RESETS) + b.counter(Counter.TCP_TX_RESETS)).isZero();
    }

    private void assertNoHandOverLost() {
        for (Stack s : new Stack[] {a, b}) {
            for (int e = 0; e < 2; e++) {
                assertThat(s.engine(e).counters().get(Counter.RX_DROP_TCP_FORWARD_FULL)).isZero();
                assertThat(s.engine(e).counters().get(Counter.SIBLING_DROP_FULL)).isZero();
            }
        }
    }

    /** 64 connections A to B; each client sends BYTES, the server answers with their SHA-256 and closes. */
    private void transferMany() throws Exception {
        TcpSocket listener = b.listen(0, PORT, 256);
        List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(a.connect(B_IP, PORT));
        }
        for (TcpSocket c : clients) {
            assertThat(c.awaitConnected(10 * SECOND)).isEqualTo(Waiter.READY);
            assertThat(c.failure()).isNull();
            assertThat(c.is(TcpSocket.CONNECTED)).isTrue();
        }
        Map<Integer, TcpSocket> servers = new HashMap<>();
        long deadline = System.nanoTime() + 10 * SECOND;
        while (servers.size() < CONNECTIONS && System.nanoTime() < deadline) {
            listener.awaitAcceptable(100_000_000L);
            for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                servers.put(s.remotePort(), s);
            }
        }
        assertThat(servers).as("one accept queue fed by both engines").hasSize(CONNECTIONS);

        // every client's port maps back to the engine that opened it; both engines of each stack are used
        EngineShared sa = a.shared();
        for (TcpSocket c : clients) {
            int owner = sa.rss().queueFor(sa.toeplitz().hash(B_IP, A_IP, PORT, c.localPort()));
            assertThat(c.link()).as("port %d", c.localPort()).isSameAs(a.engine(owner).tcp());
            assertThat(servers).containsKey(c.localPort());
        }
        for (int e = 0; e < 2; e++) {
            assertThat(a.engine(e).counters().get(Counter.TCP_ACTIVE_OPENS)).as("A engine %d", e).isPositive();
            assertThat(b.engine(e).counters().get(Counter.TCP_PASSIVE_OPENS)).as("B engine %d", e).isPositive();
        }
        assertThat(a.counter(Counter.TCP_ACTIVE_OPENS)).isEqualTo(CONNECTIONS);
        assertThat(b.counter(Counter.TCP_PASSIVE_OPENS)).isEqualTo(CONNECTIONS);

        exchange(clients, servers);

        assertThat(a.counter(Counter.TCP_TX_RESETS)).isZero();
        assertThat(b.counter(Counter.TCP_TX_RESETS)).isZero();
        assertThat(a.counter(Counter.RX_DROP_TCP_NO_SOCKET)).isZero();
        assertThat(b.counter(Counter.RX_DROP_TCP_NO_SOCKET)).isZero();
        b.closeListener(listener);
    }

    private static byte[] payload(int port) {
        byte[] p = new byte[BYTES];
        new Random(port).nextBytes(p);
        return p;
    }

    /** Drives all connections from the test thread with non-blocking reads and writes. */
    private static void exchange(List<TcpSocket> clients, Map<Integer, TcpSocket> servers) throws Exception {
        int n = clients.size();
        ByteBuffer[] toSend = new ByteBuffer[n];
        MessageDigest[] serverDigest = new MessageDigest[n];
        boolean[] serverDone = new boolean[n];
        ByteBuffer[] reply = new ByteBuffer[n];
        boolean[] clientDone = new boolean[n];
        TcpSocket[] server = new TcpSocket[n];
        for (int i = 0; i < n; i++) {
            toSend[i] = ByteBuffer.wrap(payload(clients.get(i).localPort()));
            serverDigest[i] = MessageDigest.getInstance("SHA-256");
            reply[i] = ByteBuffer.allocate(33);
            server[i] = servers.get(clients.get(i).localPort());
        }
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        long deadline = System.nanoTime() + 30 * SECOND;
        int finished = 0;
        while (finished < n) {
            assertThat(System.nanoTime()).as("transfer finished in time (%d of %d)", finished, n).isLessThan(deadline);
            boolean progress = false;
            for (int i = 0; i < n; i++) {
                TcpSocket c = clients.get(i);
                if (toSend[i].hasRemaining()) {
                    progress |= c.write(toSend[i]) > 0;
                    if (!toSend[i].hasRemaining()) {
                        c.shutdownOutput();
                    }
                }
                if (!serverDone[i]) {
                    in.clear();
                    int r = server[i].read(in);
                    if (r > 0) {
                        serverDigest[i].update(in.array(), 0, r);
                        progress = true;
                    } else if (r < 0) {
                        server[i].write(ByteBuffer.wrap(serverDigest[i].digest()));
                        server[i].close();
                        serverDone[i] = true;
                        progress = true;
                    }
                }
                if (!clientDone[i]) {
                    int r = c.read(reply[i]);
                    if (r != 0) {
                        progress = true;
                    }
                    if (r < 0) {
                        reply[i].flip();
                        byte[] expected = MessageDigest.getInstance("SHA-256").digest(payload(c.localPort()));
                        assertThat(reply[i].remaining()).isEqualTo(32);
                        byte[] got = new byte[32];
                        reply[i].get(got);
                        assertThat(got).as("SHA-256 of what connection %d sent", i).isEqualTo(expected);
                        c.close();
                        clientDone[i] = true;
                        finished++;
                    }
                }
            }
            if (!progress) {
                Thread.sleep(1);
            }
        }
        for (TcpSocket c : clients) {
            assertThat(c.failure()).isNull();
        }
    }
}
