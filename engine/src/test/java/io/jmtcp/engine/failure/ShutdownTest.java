package io.jmtcp.engine.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Stack#shutdown}, the JVM-exit path of the process-wide stack: stack A (the exiting
 * application) and stack B (its peer) run on real threads over a pair wire; B must see what a
 * peer of an exiting kernel process sees — a FIN for a connection the application (or the exit
 * itself) closed, a RST where data was never read — and never a connection that just goes dark.
 */
class ShutdownTest {

    private static final int B_IP = Cidr.parseAddress("198.18.0.2");
    private static final int PORT = 7200;
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);

    private final PairDevice.Wire wire = PairDevice.create(1500, 1, 256);
    private final Stack a = Stack.start(JmtcpConfig.of(Map.of("ip", "198.18.0.1/24", "jmx", "false", "name", "exiting")),
            wire.a());
    private final Stack b = Stack.start(JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "jmx", "false", "name", "peer")),
            wire.b());

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    /** A connection from A (the exiting side, which connects) to a listener on B. */
    private TcpSocket[] connect() throws Exception {
        TcpSocket listener = b.listen(0, PORT, 8);
        TcpSocket mine = a.connect(B_IP, PORT);
        assertThat(mine.awaitConnected(FIVE_SECONDS)).isEqualTo(Waiter.READY);
        assertThat(mine.failure()).isNull();
        assertThat(listener.awaitAcceptable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
        TcpSocket peer = listener.accept();
        assertThat(peer).isNotNull();
        return new TcpSocket[] {mine, peer};
    }

    private static int readToEnd(TcpSocket s, ByteBuffer into) throws Exception {
        long deadline = System.nanoTime() + FIVE_SECONDS;
        while (System.nanoTime() - deadline < 0) {
            int n = s.read(into);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                s.awaitReadable(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        throw new AssertionError("no end of stream within 5 s on " + s);
    }

    @Test
    void waitsForTheApplicationToCloseItsConnectionThenThePeerSeesFin() throws Exception {
        TcpSocket[] c = connect();
        Blocked<Void> exit = Blocked.start("shutdown-hook", () -> {
            a.shutdown(TimeUnit.SECONDS.toNanos(20));
            return null;
        });
        Thread.sleep(300);
        assertThat(a.engine(0).isStopped()).as("still waiting for the application").isFalse();

        // the application's own shutdown hook: a last response, then close
        c[0].write(ByteBuffer.wrap("bye".getBytes()));
        c[0].close();
        exit.result(Duration.ofSeconds(5));

        ByteBuffer got = ByteBuffer.allocate(16);
        assertThat(readToEnd(c[1], got)).as("end of stream: a FIN, not a reset").isEqualTo(-1);
        assertThat(new String(got.array(), 0, got.position())).isEqualTo("bye");
        assertThat(c[1].failure()).isNull();
        assertThat(a.counter(Counter.TCP_RESETS_UNREAD_DATA)).isZero();
    }

    @Test
    void connectionsStillOpenAfterTheGraceAreClosedWithFin() throws Exception {
        TcpSocket[] c = connect();
        c[0].write(ByteBuffer.wrap("last words".getBytes()));
        long start = System.nanoTime();
        a.shutdown(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(System.nanoTime() - start).as("bounded by the grace plus the flush")
                .isLessThan(TimeUnit.SECONDS.toNanos(3));

        ByteBuffer got = ByteBuffer.allocate(32);
        assertThat(readToEnd(c[1], got)).isEqualTo(-1);
        assertThat(new String(got.array(), 0, got.position())).isEqualTo("last words");
        assertThat(c[1].failure()).isNull();
    }

    @Test
    void aConnectionWithUnreadDataIsResetAtExitAsTheKernelDoes() throws Exception {
        TcpSocket[] c = connect();
        c[1].write(ByteBuffer.wrap("never read".getBytes()));
        long deadline = System.nanoTime() + FIVE_SECONDS;
        while (c[0].readableBytes() == 0 && System.nanoTime() - deadline < 0) {
            c[0].awaitReadable(TimeUnit.MILLISECONDS.toNanos(100));
        }
        a.shutdown(TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(c[1].awaitReadable(FIVE_SECONDS)).isEqualTo(Waiter.READY);
        assertThatThrownBy(() -> readToEnd(c[1], ByteBuffer.allocate(16)))
                .isInstanceOf(SocketException.class).hasMessage("Connection reset");
    }

    @Test
    void shutdownWithNothingOpenReturnsAtOnce() {
        long start = System.nanoTime();
        a.shutdown(TimeUnit.SECONDS.toNanos(30));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(a.engine(0).isStopped()).isTrue();
    }
}
