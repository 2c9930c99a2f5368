package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Threading modes (DESIGN.md 3.4): the same request/response exchange works whether engines run
 * on their own threads or in the application threads that wait, with and without busy-poll and
 * with one or two engines; in inline mode the backstop runs an engine nobody waits for.
 */
class InlineThreadingTest {

    private static final int LO = Ipv4Address.parse("127.0.0.1");
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);

    private static Stack start(String threading, String busyPoll, int engines) {
        return Stack.start(JmtcpConfig.of(Map.of("jmx", "false", "name", "threading-" + threading, "threading", threading,
                "busy-poll", busyPoll, "engines", Integer.toString(engines))));
    }

    @ParameterizedTest(name = "{0} busy-poll={1} engines={2}")
    @CsvSource({"dedicated, 0, 1", "dedicated, 50us, 1", "inline, 0, 1", "inline, 50us, 1", "inline, 0, 2"})
    void requestResponseRoundTripsInEveryMode(String threading, String busyPoll, int engines) throws Exception {
        try (Stack stack = start(threading, busyPoll, engines)) {
            TcpSocket listener = stack.listen(0, 7300, 16);
            for (int conn = 0; conn < 2 * engines; conn++) { // round robin: every engine owns one
                TcpSocket client = stack.connect(LO, 7300);
                assertThat(client.awaitConnected(FIVE_SECONDS)).isEqualTo(Waiter.READY);
                assertThat(client.failure()).isNull();
                assertThat(listener.awaitAcceptable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
                TcpSocket server = listener.accept();
                Thread echo = new Thread(() -> echo(server, 200 * 64), "echo");
                echo.start();
                ByteBuffer request = ByteBuffer.allocate(64);
                ByteBuffer response = ByteBuffer.allocate(64);
                for (int i = 0; i < 200; i++) {
                    request.clear();
                    request.put(0, (byte) i);
                    assertThat(client.write(request)).isEqualTo(64);
                    response.clear();
                    while (response.hasRemaining()) {
                        assertThat(client.awaitReadable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
                        assertThat(client.read(response)).isNotNegative();
                    }
                    assertThat(response.get(0)).isEqualTo((byte) i);
                }
                echo.join(5000);
                assertThat(echo.isAlive()).isFalse();
                client.close();
                server.close();
            }
            assertThat(stack.counter(Counter.ENGINE_FAILURES)).isZero();
        }
    }

    private static void echo(TcpSocket s, int bytes) {
        try {
            echoOrThrow(s, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void echoOrThrow(TcpSocket s, int bytes) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        int done = 0;
        while (done < bytes) {
            if (s.awaitReadable(FIVE_SECONDS) != Waiter.READY) {
                return;
            }
            b.clear();
            int n = s.read(b);
            if (n <= 0) {
                return;
            }
            b.flip();
            while (b.hasRemaining()) {
                if (s.write(b) == 0 && s.awaitWritable(FIVE_SECONDS) != Waiter.READY) {
                    return;
                }
            }
            done += n;
        }
    }

    @Test
    void inlineStackHasNoEngineThreadsButABackstop() throws Exception {
        try (Stack stack = start("inline", "0", 1)) {
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(t -> assertThat(t.getName())
                    .isEqualTo("threading-inline-backstop"));
            assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(t -> assertThat(t.getName())
                    .contains("threading-inline-engine"));
            assertThat(stack.counter(Counter.DUTY_CYCLES)).isPositive(); // listen/announce ran somewhere
        }
    }

    @Test
    void backstopFiresTimersAndDrainsQueuesWhileNoThreadWaits() throws Exception {
        try (Stack stack = start("inline", "0", 1)) {
            TcpSocket listener = stack.listen(0, 7301, 16);
            TcpSocket client = stack.connect(LO, 7301);
            assertThat(client.awaitConnected(FIVE_SECONDS)).isEqualTo(Waiter.READY);
            assertThat(listener.awaitAcceptable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
            TcpSocket server = listener.accept();
            client.keepAliveParameters(1, 1, 5);
            client.keepAlive(true);
            long probes = stack.counter(Counter.TCP_KEEPALIVE_PROBES);

            // from here no thread waits on the stack: it only polls, sleeping in between
            client.write(ByteBuffer.wrap(new byte[] {42}));
            long deadline = System.nanoTime() + FIVE_SECONDS;
            while (!server.isReadable() && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertThat(server.isReadable()).as("the request queue was drained and the segment delivered").isTrue();
            // after 1 s idle the keepalive timer sends a probe: a timer fires only if someone runs the engine
            while (stack.counter(Counter.TCP_KEEPALIVE_PROBES) == probes && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertThat(stack.counter(Counter.TCP_KEEPALIVE_PROBES)).isGreaterThan(probes);
        }
    }

    /**
     * Hand-over churn: a holder that leaves an idle loopback engine wakes no contender (nothing
     * can reach that engine except work a thread submits, or a timer the backstop serves); work
     * submitted later still reaches the contender promptly (the submit wakes it to run the engine,
     * the backstop would within a millisecond).
     */
    @Test
    void leavingAnIdleEngineWakesNoContenderAndLaterWorkStillReachesIt() throws Exception {
        try (Stack stack = start("inline", "0", 1)) {
            TcpSocket listener = stack.listen(0, 7302, 16);
            TcpSocket client = stack.connect(LO, 7302);
            assertThat(client.awaitConnected(FIVE_SECONDS)).isEqualTo(Waiter.READY);
            assertThat(listener.awaitAcceptable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
            TcpSocket server = listener.accept();
            DutyToken token = stack.engine(0).inlineToken();

            // A: holds the token, asleep on the device, until released
            java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
            Thread holder = new Thread(() -> {
                long end = System.nanoTime() + FIVE_SECONDS;
                while (!release.get() && System.nanoTime() - end < 0) {
                    EngineAssistant.instance().await(release::get, true, end);
                }
            }, "holder");
            holder.start();
            long deadline = System.nanoTime() + FIVE_SECONDS;
            while (!token.heldBy(holder) && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertThat(token.heldBy(holder)).isTrue();

            // B: a blocked read of data that has not been sent: a contender while A holds the token
            int[] outcome = {-1};
            Thread reader = new Thread(() -> outcome[0] = server.awaitReadable(FIVE_SECONDS), "reader");
            reader.start();
            while (reader.getState() != Thread.State.TIMED_WAITING && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertThat(token.heldBy(holder)).as("the reader contends, the holder keeps the token").isTrue();

            release.set(true);
            stack.engine(0).device().wakeup(0);
            holder.join(5000);
            assertThat(holder.isAlive()).isFalse();
            for (int i = 0; i < 50; i++) { // 100 ms: the reader stays parked, never woken to drive
                assertThat(token.heldBy(reader)).as("reader woken to drive an idle engine").isFalse();
                Thread.sleep(2);
            }
            assertThat(reader.isAlive()).isTrue();

            long t0 = System.nanoTime();
            client.write(ByteBuffer.wrap(new byte[] {7}));
            reader.join(5000);
            assertThat(outcome[0]).isEqualTo(Waiter.READY);
            assertThat(System.nanoTime() - t0).as("the contender got the data promptly").isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(server.isReadable()).isTrue();
        }
    }

    /**
     * A device an unpark does not wake (as a TAP fd in poll): only its wakeup ends a sleep, and
     * (unlike a real device) it ignores the timeout, so a missing ring shows as a hang.
     */
    private static final class FdLikeDevice extends io.jmtcp.engine.dev.ForwardingDevice {
        final java.util.concurrent.atomic.AtomicInteger wakeups = new java.util.concurrent.atomic.AtomicInteger();
        private final Object bell = new Object();

        FdLikeDevice() {
            super(new io.jmtcp.engine.dev.LoopbackDevice(1500, 1, 256), "fd-like");
        }

        @Override
        public void awaitRx(int queue, long timeoutNanos) {
            synchronized (bell) {
                try {
                    bell.wait(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void wakeup(int queue) {
            wakeups.incrementAndGet();
            synchronized (bell) {
                bell.notifyAll();
            }
            super.wakeup(queue);
        }
    }

    /**
     * A thread running the engine inline sleeps on its device, where an unpark may not reach it
     * (a TAP fd in poll): a signal from outside any duty cycle (a close, a selector wakeup, a
     * kernel channel's completion) must ring the device, not only unpark the thread.
     */
    @Test
    void signalToAThreadAsleepOnTheDeviceRingsTheDevice() throws Exception {
        FdLikeDevice device = new FdLikeDevice();
        try (Stack stack = Stack.start(JmtcpConfig.of(Map.of("jmx", "false", "name", "fdlike", "threading", "inline")), device)) {
            DutyToken token = stack.engine(0).inlineToken();
            Waiter waiter = new Waiter();
            int[] outcome = {-1};
            Thread waiting = new Thread(() -> outcome[0] = waiter.await(Waiter.READER, () -> false, FIVE_SECONDS), "waiting");
            waiting.start();
            long deadline = System.nanoTime() + FIVE_SECONDS;
            while (token.deviceSleeper() != waiting && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertThat(token.deviceSleeper()).as("the waiting thread sleeps on the device").isSameAs(waiting);
            while (waiting.getState() != Thread.State.TIMED_WAITING && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            long t0 = System.nanoTime();
            waiter.close(); // from this thread, outside any duty cycle
            waiting.join(3000);
            assertThat(outcome[0]).as("the close reached the thread asleep on the device").isEqualTo(Waiter.CLOSED);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
    }
}
