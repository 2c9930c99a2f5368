package io.jmtcp.engine.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import io.jmtcp.engine.wire.Ipv4Address;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;

/**
 * CONVENTIONS "Errors": an engine that dies fails every socket it owned with an IOException
 * that says why, and nothing hangs. Each test opens a real connection on running engines,
 * parks a reader in {@code awaitReadable} and a selector-like thread on a readiness sink, then
 * makes the engine fail and checks that both return promptly and every operation reports the
 * cause.
 */
class EngineFailureTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");
    private static final int PORT = 7100;
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final long WAIT_LONG = TimeUnit.SECONDS.toNanos(60);

    private static JmtcpConfig config(int engines) {
        return JmtcpConfig.of(Map.of("jmx", "false", "name", "failtest", "engines", Integer.toString(engines)));
    }

    /** One established in-stack connection and its listener. */
    private record Connection(TcpSocket listener, TcpSocket client, TcpSocket server) {
    }

    private static Connection connect(Stack stack, int port) throws Exception {
        TcpSocket listener = stack.listen(0, port, 16);
        TcpSocket client = stack.connect(LO, port);
        assertThat(client.awaitConnected(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
        assertThat(client.failure()).isNull();
        assertThat(listener.awaitAcceptable(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
        TcpSocket server = listener.accept();
        assertThat(server).isNotNull();
        // data flows before the failure: the connection is really up
        client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(server.awaitReadable(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
        assertThat(server.read(ByteBuffer.allocate(16))).isEqualTo(3);
        return new Connection(listener, client, server);
    }

    /** A thread waiting on {@code sink} the way a selector does: until {@code socket} is offered failed. */
    private static Blocked<Boolean> selectorOn(RecordingSink sink, TcpSocket socket) {
        return Blocked.start("selector", () -> {
            while (!(sink.offered.contains(socket) && socket.is(TcpSocket.FAILED))) {
                if (!sink.awaitSignal(60)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void assertFailsWith(TcpSocket socket, Throwable cause, String detail) {
        assertThat(socket.is(TcpSocket.FAILED)).as("%s failed", socket).isTrue();
        assertThat(socket.isReadable()).isTrue();
        assertThat(socket.isWritable()).isTrue();
        assertThatThrownBy(() -> socket.read(ByteBuffer.allocate(16)))
                .isInstanceOf(SocketException.class)
                .hasMessageStartingWith("jmtcp engine stopped: ")
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getCause()).isSameAs(cause));
        assertThatThrownBy(() -> socket.write(ByteBuffer.wrap(new byte[] {9})))
                .isInstanceOf(SocketException.class)
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getCause()).isSameAs(cause));
    }

    @Test
    void deviceFailureFailsEverySocketWakesBlockedThreadsAndRefusesNewWork() throws Exception {
        FailingDevice device = new FailingDevice(new LoopbackDevice(1500, 1, 256));
        try (Stack stack = Stack.start(config(1), device)) {
            Connection c = connect(stack, PORT);
            RecordingSink sink = new RecordingSink();
            c.client().readinessSink(sink);
            Blocked<Integer> reader = Blocked.start("reader", () -> c.server().awaitReadable(WAIT_LONG)).awaitBlocked();
            Blocked<Boolean> selector = selectorOn(sink, c.client()).awaitBlocked();

            RuntimeException boom = new IllegalStateException("injected: TAP read failed with EBADF");
            device.failWith(boom);

            assertThat(reader.result(PROMPTLY)).isEqualTo(Waiter.READY);
            assertThat(selector.result(PROMPTLY)).as("the selector woke with the failed key").isTrue();
            String why = "failtest-engine-0 failed: " + boom;
            assertFailsWith(c.server(), boom, why);
            assertFailsWith(c.client(), boom, why);
            assertThat(c.listener().awaitAcceptable(PROMPTLY.toNanos())).as("a failed listener reports acceptable")
                    .isEqualTo(Waiter.READY);
            assertThat(c.listener().failure()).hasMessageContaining(why);

            assertThat(stack.failure()).isSameAs(boom);
            assertThat(stack.engine(0).isStopped()).isTrue();
            assertThat(stack.counter(Counter.ENGINE_FAILURES)).isEqualTo(1);
            // counted once the engine has failed them all, which may be just after the wake-ups
            long deadline = System.nanoTime() + PROMPTLY.toNanos();
            while (stack.counter(Counter.SOCKETS_FAILED_ENGINE_STOPPED) < 3 && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertThat(stack.counter(Counter.SOCKETS_FAILED_ENGINE_STOPPED)).as("listener, client, server").isEqualTo(3);

            // new work is refused with the same error, at once
            TcpSocket late = stack.connect(LO, PORT);
            assertThat(late.awaitConnected(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
            assertThat(late.failure()).hasMessageContaining(why).cause().isSameAs(boom);
            assertThatThrownBy(() -> stack.listen(0, PORT + 1, 4))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("jmtcp engine stopped")
                    .cause().isSameAs(boom);
        }
    }

    @Test
    void errorEscapingTheDutyCycleStopsTheEngineAndFailsItsSockets() throws Exception {
        try (Stack stack = Stack.start(config(1), new LoopbackDevice(1500, 1, 256))) {
            Connection c = connect(stack, PORT);
            Blocked<Integer> reader = Blocked.start("reader", () -> c.client().awaitReadable(WAIT_LONG)).awaitBlocked();
            Blocked<Integer> acceptor = Blocked.start("acceptor", () -> c.listener().awaitAcceptable(WAIT_LONG))
                    .awaitBlocked();

            Error bug = new InternalError("injected: a bug in the engine");
            assertThat(stack.engine(0).submit((engine, now) -> {
                throw bug;
            })).isTrue();

            assertThat(reader.result(PROMPTLY)).isEqualTo(Waiter.READY);
            assertThat(acceptor.result(PROMPTLY)).isEqualTo(Waiter.READY);
            assertFailsWith(c.client(), bug, "failtest-engine-0 failed: " + bug);
            assertFailsWith(c.server(), bug, "failtest-engine-0 failed: " + bug);
            assertThat(stack.failure()).isSameAs(bug);
            assertThat(stack.engine(0).submit((engine, now) -> { })).as("a stopped engine takes no command").isFalse();
        }
    }

    @Test
    void oneFailingEngineStopsItsSiblingsSoNoFlowIsSilentlyLost() throws Exception {
        try (Stack stack = Stack.start(config(2), new LoopbackDevice(1500, 2, 256))) {
            Connection c = connect(stack, PORT);
            TcpSocket second = stack.connect(LO, PORT); // round robin: the other engine
            assertThat(second.awaitConnected(TimeUnit.SECONDS.toNanos(5))).isEqualTo(Waiter.READY);
            Blocked<Integer> reader = Blocked.start("reader", () -> second.awaitReadable(WAIT_LONG)).awaitBlocked();

            RuntimeException bug = new IllegalStateException("injected: engine 0 bug");
            stack.engine(0).submit((engine, now) -> {
                throw bug;
            });

            assertThat(reader.result(PROMPTLY)).isEqualTo(Waiter.READY);
            assertFailsWith(second, bug, "failtest-engine-0 failed: " + bug);
            // engine 0 fails its own sockets in parallel with engine 1: wait for it too
            assertThat(c.client().awaitReadable(PROMPTLY.toNanos())).isEqualTo(Waiter.READY);
            assertFailsWith(c.client(), bug, "failtest-engine-0 failed: " + bug);
            long deadline = System.nanoTime() + PROMPTLY.toNanos();
            while (!stack.engine(1).isStopped() && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertThat(stack.engine(1).isStopped()).as("the sibling stopped too").isTrue();
            assertThat(stack.engine(1).failure()).as("the sibling did not fail itself").isNull();
            assertThat(stack.failure()).isSameAs(bug);
            assertThat(stack.counter(Counter.ENGINE_FAILURES)).isEqualTo(1);
        }
    }

    @Test
    void closingTheStackFailsOpenSocketsInsteadOfLeavingThemHanging() throws Exception {
        Stack stack = Stack.start(config(1), new LoopbackDevice(1500, 1, 256));
        Connection c;
        try {
            c = connect(stack, PORT);
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        Blocked<Integer> reader = Blocked.start("reader", () -> c.server().awaitReadable(WAIT_LONG)).awaitBlocked();
        Blocked<Void> closer = Blocked.start("closer", () -> {
            stack.close();
            return null;
        });
        closer.result(PROMPTLY);
        assertThat(reader.result(PROMPTLY)).isEqualTo(Waiter.READY);
        assertThatThrownBy(() -> c.server().read(ByteBuffer.allocate(4)))
                .isInstanceOf(SocketException.class)
                .hasMessage("jmtcp engine stopped: stack failtest closed");
        assertThat(c.client().failure()).hasMessage("jmtcp engine stopped: stack failtest closed");
        assertThat(stack.failure()).as("a close is not a failure").isNull();
        assertThat(stack.counter(Counter.ENGINE_FAILURES)).isZero();
        assertThatThrownBy(() -> stack.listen(0, PORT + 2, 4)).isInstanceOf(BindException.class)
                .hasMessage("jmtcp engine stopped: stack failtest closed");
        assertThat(stack.connect(LO, PORT).failure()).hasMessage("jmtcp engine stopped: stack failtest closed");
    }

    @Test
    void manualStackReportsTheEscapingErrorToItsDriverAndAbandonsQueuedConnects() throws IOException {
        ManualClock clock = new ManualClock();
        try (Stack stack = Stack.manual(config(1), new LoopbackDevice(1500, 1, 256), clock)) {
            stack.engine(0).doWork();
            RuntimeException bug = new IllegalArgumentException("injected: bad state");
            stack.engine(0).submit((engine, now) -> {
                throw bug;
            });
            TcpSocket queued = stack.connect(LO, PORT); // behind the failing command: never runs

            assertThatThrownBy(() -> stack.engine(0).doWork())
                    .isInstanceOf(AgentTerminationException.class)
                    .cause().isSameAs(bug);
            assertThat(queued.is(TcpSocket.FAILED)).isTrue();
            assertThat(queued.isConnectFinished()).isTrue();
            assertThat(queued.failure()).isInstanceOf(SocketException.class).cause().isSameAs(bug);
            assertThat(stack.engine(0).doWork()).as("a stopped engine does nothing").isZero();
            assertThat(stack.failure()).isSameAs(bug);
        }
    }
}
