package io.jmtcp.engine.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FaultCounter;
import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.FaultProfile;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The soak in real time: two {@link Stack#start started} stacks (an engine thread each, adaptive
 * idle) on a pair wire impaired both ways by 1% loss and 1% reordering, {@value #CONNECTIONS}
 * connections each moving 8 MiB both ways, checked byte for byte and by SHA-256, then closed
 * cleanly. The applications run non-blocking in the test thread, which parks briefly when
 * nothing moved. A connection without progress for {@value #STALL_SECONDS} s, or a run longer than
 * {@value #LIMIT_SECONDS} s, fails with every connection's TCB state as its engine sees it.
 */
class RealTimeSoakTest {

    static final int CONNECTIONS = 4;
    static final long BYTES = 8L << 20;
    static final long STALL_SECONDS = 20;
    static final long LIMIT_SECONDS = 60;

    @Test
    void fourConnectionsMove8MiBEachWayOverALossyReorderingWireWithEngineThreads() throws Exception {
        FaultProfile profile = FaultProfile.builder().loss(0.01).reorder(0.01).build();
        PairDevice.Wire wire = PairDevice.create(1500, 1, 1024);
        FaultInjectingDevice faultA = new FaultInjectingDevice(wire.a(), profile.toBuilder().seed(7).build());
        FaultInjectingDevice faultB = new FaultInjectingDevice(wire.b(), profile.toBuilder().seed(8).build());
        long wallStart = System.nanoTime();
        try (Stack a = Stack.start(config("198.18.0.1/24"), faultA);
                Stack b = Stack.start(config("198.18.0.2/24"), faultB)) {
            TcpSocket listener = b.listen(0, SimulatedSoak.PORT, 16);
            List<TcpSocket> clients = new ArrayList<>();
            List<EndState> ends = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpSocket socket = new TcpSocket();
                EndState end = new EndState(a);
                socket.readinessSink(end);
                ends.add(end);
                clients.add(a.connect(socket, 0, SimulatedSoak.B_IP, SimulatedSoak.PORT));
            }
            List<SoakConnection> conns = new ArrayList<>();
            for (TcpSocket client : clients) {
                // SYNs may be lost: the first retransmission comes after the 1 s initial RTO
                assertThat(client.awaitConnected(TimeUnit.SECONDS.toNanos(STALL_SECONDS)))
                        .as("connect %s", client).isEqualTo(io.jmtcp.engine.api.Waiter.READY);
                assertThat(client.failure()).isNull();
            }
            List<TcpSocket> servers = new ArrayList<>();
            while (servers.size() < CONNECTIONS) {
                assertThat(listener.awaitAcceptable(TimeUnit.SECONDS.toNanos(STALL_SECONDS)))
                        .as("accept").isEqualTo(io.jmtcp.engine.api.Waiter.READY);
                for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                    servers.add(s);
                }
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpSocket client = clients.get(i);
                TcpSocket server = servers.stream().filter(s -> s.remotePort() == client.localPort()).findFirst()
                        .orElseThrow();
                EndState end = new EndState(b);
                server.readinessSink(end);
                ends.add(end);
                conns.add(new SoakConnection(i, client, server, 77, BYTES, System.nanoTime()));
            }

            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long deadline = wallStart + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (!conns.stream().allMatch(c -> c.closed)) {
                long now = System.nanoTime();
                int work = 0;
                for (SoakConnection c : conns) {
                    work += c.pump(buffer, now);
                    if (c.failed()) {
                        throw failure("socket failed: " + c.client.failure() + " / " + c.server.failure(), a, b, conns);
                    }
                    if (!c.closed && now - c.lastProgressAt > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                        throw failure("connection " + c.index + " made no progress for " + STALL_SECONDS + " s", a, b,
                                conns);
                    }
                }
                if (now > deadline) {
                    throw failure("not done after " + LIMIT_SECONDS + " s", a, b, conns);
                }
                if (work == 0) {
                    LockSupport.parkNanos(50_000); // nothing moved: let the engines run
                }
            }
            b.closeListener(listener);
            // TIME-WAIT (1 s here) ends; nothing may be left
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((connections(a) > 0 || connections(b) > 0) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            System.out.printf("real-time soak: %d x 8 MiB each way in %.1f s wall (%.0f Mbit/s), retransmits %d,"
                            + " fast recoveries %d, RTOs %d, dropped %d, reordered %d%n",
                    CONNECTIONS, wall, 2.0 * CONNECTIONS * BYTES * 8 / wall / 1e6,
                    a.counter(Counter.TCP_RETRANSMITS) + b.counter(Counter.TCP_RETRANSMITS),
                    a.counter(Counter.TCP_FAST_RETRANSMITS) + b.counter(Counter.TCP_FAST_RETRANSMITS),
                    a.counter(Counter.TCP_RTO_TIMEOUTS) + b.counter(Counter.TCP_RTO_TIMEOUTS),
                    faultA.count(FaultCounter.DROPPED) + faultB.count(FaultCounter.DROPPED),
                    faultA.count(FaultCounter.REORDERED) + faultB.count(FaultCounter.REORDERED));

            for (SoakConnection c : conns) {
                c.clientEnd = ends.get(c.index).state;
                c.serverEnd = ends.get(CONNECTIONS + c.index).state;
                for (Flow f : List.of(c.up, c.down)) {
                    assertThat(f.in.position()).as(f.name + " bytes received").isEqualTo(BYTES);
                    assertThat(f.sha(false)).as(f.name + " SHA-256 received = sent").isEqualTo(f.sha(true));
                }
                assertThat(List.of(c.clientEnd, c.serverEnd)).as("connection %d end states", c.index)
                        .contains("TIME_WAIT").allMatch(s -> s.equals("TIME_WAIT") || s.equals("CLOSED"));
            }
            assertThat(connections(a) + connections(b)).as("TCBs left after TIME-WAIT").isZero();
            assertThat(a.counter(Counter.TCP_FINS_RECEIVED)).isEqualTo(CONNECTIONS);
            assertThat(b.counter(Counter.TCP_FINS_RECEIVED)).isEqualTo(CONNECTIONS);
            // with reordering a held-back segment may find its connection gone: answered by RST
            // (RFC 9293 3.10.7.1), never a connection's own reset
            assertThat(a.counter(Counter.TCP_TX_RESETS)).isLessThanOrEqualTo(a.counter(Counter.RX_DROP_TCP_NO_SOCKET));
            assertThat(b.counter(Counter.TCP_TX_RESETS)).isLessThanOrEqualTo(b.counter(Counter.RX_DROP_TCP_NO_SOCKET));
            assertThat(faultA.count(FaultCounter.DROPPED) + faultB.count(FaultCounter.DROPPED)).isPositive();
            assertThat(faultA.count(FaultCounter.REORDERED) + faultB.count(FaultCounter.REORDERED)).isPositive();
            assertThat(wall).as("wall seconds").isLessThan(LIMIT_SECONDS);
        }
    }

    private static JmtcpConfig config(String ip) {
        return JmtcpConfig.of(Map.of("ip", ip, "jmx", "false", "tcp.time-wait", "1s"));
    }

    /**
     * Records the TCB state of a socket when it first reports FINISHED. Readiness sinks are
     * offered the socket on its engine's thread at the end of the duty cycle that changed it, so
     * the state is read there, before a later segment (an RST answering a stray ACK may end a
     * TIME-WAIT, RFC 9293 3.10.7.4) moves it on.
     */
    private static final class EndState implements ReadinessSink {
        private final Stack stack;
        volatile String state;

        EndState(Stack stack) {
            this.stack = stack;
        }

        @Override
        public void offer(TcpSocket socket) {
            if (state == null && socket.is(TcpSocket.FINISHED)) {
                state = stack.engine(0).tcp().describe(socket).split(" ", 2)[0];
            }
        }

        @Override
        public void signal() {
            // nothing waits on it
        }
    }

    private static String describe(Stack s, TcpSocket socket) {
        CompletableFuture<String> d = new CompletableFuture<>();
        s.engine(0).submit((engine, now) -> d.complete(engine.tcp().describe(socket)));
        try {
            return d.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "engine did not answer: " + e;
        }
    }

    private static int connections(Stack s) {
        CompletableFuture<Integer> n = new CompletableFuture<>();
        s.engine(0).submit((engine, now) -> n.complete(engine.tcp().connections()));
        try {
            return n.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    private static AssertionError failure(String what, Stack a, Stack b, List<SoakConnection> conns) {
        StringBuilder sb = new StringBuilder(what).append('\n');
        for (SoakConnection c : conns) {
            sb.append("  ").append(c).append('\n');
            sb.append("    A tcb: ").append(describe(a, c.client)).append('\n');
            sb.append("    B tcb: ").append(describe(b, c.server)).append('\n');
        }
        sb.append("  A counters: ").append(a.counters()).append('\n');
        sb.append("  B counters: ").append(b.counters()).append('\n');
        sb.append("  A device: ").append(a.device()).append('\n');
        sb.append("  B device: ").append(b.device()).append('\n');
        return new AssertionError(sb.toString());
    }
}
