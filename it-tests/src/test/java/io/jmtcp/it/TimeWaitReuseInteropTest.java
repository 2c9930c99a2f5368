package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jmtcp client with only 100 ephemeral ports makes 2,000 short connections to a Linux server
 * (connect, 64-byte request, 64-byte response, the client closes first). Every 4-tuple the client
 * closes stays in TIME-WAIT for 60 s, so after the first hundred each connect takes a 4-tuple over
 * from TIME-WAIT ({@code jmtcp.tcp.tw-reuse=1}, RFC 7323 Appendix B) — and Linux, which has the
 * 4-tuple closed (it closed second), must accept the new incarnation's SYN, sequence numbers and
 * timestamps. The client starts a connection at most every 15 ms: with 100 ports that keeps each
 * port's last timestamp more than a second old when it comes round again, so every connect must
 * succeed. Topology: a TAP whose kernel side is 198.18.0.1/24 in a fresh namespace, jmtcp
 * 198.18.0.2/24.
 */
@Tag("interop")
class TimeWaitReuseInteropTest {

    private static final int CONNECTIONS = 2_000;
    private static final int PORT = 9000;
    private static final long INTERVAL_NANOS = 15_000_000L;
    private static final long WAIT_NANOS = 5_000_000_000L;

    private Netns ns;
    private Stack stack;
    private String ifname;

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("ss");
        Prerequisites.check(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3");
        ifname = "jmtw" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ns = Netns.create();
    }

    @AfterEach
    void cleanUp() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void twoThousandShortConnectionsFromHundredPortsToLinuxAllSucceed(@TempDir Path dir) throws Exception {
        stack = Stack.start(JmtcpConfig.of(Map.of(
                "device", "tap:" + ifname,
                "ip", "198.18.0.2/24",
                "name", "it-" + ifname,
                "jmx", "false",
                "tcp.ports", "40000-40099",
                "tcp.tw-reuse", "1")));
        ns.moveIn(ifname);
        ns.configure(ifname, "198.18.0.1/24");
        Path script = dir.resolve("server.py");
        // the kernel's server: read the 64-byte request, answer 64 bytes, wait for the client's
        // FIN, close; count what was served
        Files.writeString(script, String.join("\n",
                "import socket, sys",
                "total = int(sys.argv[1])",
                "srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
                "srv.bind(('198.18.0.1', " + PORT + ")); srv.listen(128)",
                "served = 0; bad = 0",
                "while served + bad < total:",
                "    c, _ = srv.accept()",
                "    c.settimeout(10)",
                "    try:",
                "        req = b''",
                "        while len(req) < 64:",
                "            d = c.recv(64 - len(req))",
                "            if not d: break",
                "            req += d",
                "        c.sendall(bytes(reversed(req)))",
                "        ok = len(req) == 64 and c.recv(1) == b''",
                "    except Exception as e:",
                "        ok = False; print('error', repr(e))",
                "    c.close()",
                "    if ok: served += 1",
                "    else: bad += 1",
                "print('served', served); print('bad', bad)",
                ""));
        Shell.Background server = ns.start("/usr/bin/python3", script.toString(), Integer.toString(CONNECTIONS));
        awaitListening();

        int serverIp = Ipv4Address.parse("198.18.0.1");
        ByteBuffer request = ByteBuffer.allocate(64);
        ByteBuffer response = ByteBuffer.allocate(64);
        long began = System.nanoTime();
        long nextStart = began;
        for (int i = 0; i < CONNECTIONS; i++) {
            long wait = nextStart - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
            nextStart = System.nanoTime() + INTERVAL_NANOS;
            TcpSocket c = stack.connect(serverIp, PORT);
            if (c.awaitConnected(WAIT_NANOS) != Waiter.READY || c.failure() != null) {
                fail("connection " + i + " did not connect: " + c.failure() + "; counters " + stack.counters());
            }
            request.clear();
            for (int k = 0; k < 64; k++) {
                request.put(k, (byte) (i + k));
            }
            assertThat(c.write(request)).isEqualTo(64);
            response.clear();
            while (response.hasRemaining()) {
                if (c.awaitReadable(WAIT_NANOS) != Waiter.READY) {
                    fail("connection " + i + ": no response; " + c.failure());
                }
                if (c.read(response) < 0) {
                    fail("connection " + i + ": end of stream after " + response.position() + " bytes");
                }
            }
            for (int k = 0; k < 64; k++) {
                assertThat(response.get(k)).as("connection %d byte %d", i, k).isEqualTo((byte) (i + 63 - k));
            }
            c.close(); // the client closes first: its 4-tuple goes to TIME-WAIT
        }
        double seconds = (System.nanoTime() - began) / 1e9;

        Shell.Result served = server.await(Duration.ofSeconds(30));
        assertThat(served.stdout()).as(served.describe()).contains("served " + CONNECTIONS + "\n").contains("bad 0\n");
        assertThat(stack.counter(Counter.TCP_ACTIVE_OPENS)).isEqualTo(CONNECTIONS);
        assertThat(stack.counter(Counter.TCP_TIME_WAIT_REUSED)).as("4-tuples taken over from TIME-WAIT")
                .isGreaterThanOrEqualTo(CONNECTIONS - 100);
        assertThat(stack.counter(Counter.TCP_RX_RESETS)).as("resets from Linux").isZero();
        System.out.printf("[TimeWaitReuseInteropTest] %d connections from 100 ports in %.1f s, %d TIME-WAIT takeovers%n",
                CONNECTIONS, seconds, stack.counter(Counter.TCP_TIME_WAIT_REUSED));
    }

    private void awaitListening() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Shell.Result ss = ns.exec("ss", "-Hltn", "sport = :" + PORT);
            if (ss.ok() && ss.stdout().contains(":" + PORT)) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the kernel's server did not start listening on " + PORT);
    }
}
