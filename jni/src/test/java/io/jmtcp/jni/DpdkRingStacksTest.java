package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.testing.Prerequisites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two jmtcp stacks in this JVM (forked for this class: one EAL per process), each on one of two
 * {@code net_ring} ports joined back to back, with engine threads: TCP echo and a 256 MiB
 * transfer whose SHA-256 must match on both sides.
 */
class DpdkRingStacksTest {

    private static final int A_IP = Cidr.parseAddress("198.18.0.1");
    private static final int B_IP = Cidr.parseAddress("198.18.0.2");
    private static final long SECOND = 1_000_000_000L;

    private static Stack a;
    private static Stack b;

    @BeforeAll
    static void start() {
        Prerequisites.check(Dpdk.available(), "libjmtcp-dpdk (pkg-config libdpdk at build time)");
        NetDevice da = NetDevices.open("dpdk:rings:s0:a", 1, 1500, Map.of());
        NetDevice db = NetDevices.open("dpdk:rings:s0:b", 1, 1500, Map.of());
        a = Stack.start(JmtcpConfig.of(Map.of("ip", "198.18.0.1/24", "jmx", "false", "name", "ringA")), da);
        b = Stack.start(JmtcpConfig.of(Map.of("ip", "198.18.0.2/24", "jmx", "false", "name", "ringB")), db);
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static TcpSocket connected(int port) throws Exception {
        TcpSocket client = a.connect(B_IP, port);
        assertThat(client.awaitConnected(10 * SECOND)).isEqualTo(Waiter.READY);
        assertThat(client.failure()).isNull();
        return client;
    }

    private static void writeFully(TcpSocket s, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (s.write(src) == 0) {
                assertThat(s.awaitWritable(10 * SECOND)).isEqualTo(Waiter.READY);
            }
        }
    }

    @Test
    void echoesOverCrossedRingPorts() throws Exception {
        TcpSocket listener = b.listen(0, 7007, 16);
        TcpSocket client = connected(7007);
        assertThat(listener.awaitAcceptable(10 * SECOND)).isEqualTo(Waiter.READY);
        TcpSocket server = listener.accept();
        ByteBuffer in = ByteBuffer.allocate(4096);
        for (int round = 0; round < 100; round++) {
            byte[] msg = ("hello over net_ring #" + round).getBytes();
            writeFully(client, ByteBuffer.wrap(msg));
            in.clear();
            while (in.position() < msg.length) {
                if (server.read(in) == 0) {
                    server.awaitReadable(10 * SECOND);
                }
            }
            in.flip();
            writeFully(server, in);
            ByteBuffer back = ByteBuffer.allocate(msg.length);
            while (back.hasRemaining()) {
                if (client.read(back) == 0) {
                    client.awaitReadable(10 * SECOND);
                }
            }
            assertThat(back.array()).isEqualTo(msg);
        }
        client.close();
        server.close();
        b.closeListener(listener);
    }

    @Test
    void transfers256MibWithMatchingSha256() throws Exception {
        long total = 256L << 20;
        TcpSocket listener = b.listen(0, 7008, 16);
        TcpSocket client = connected(7008);
        assertThat(listener.awaitAcceptable(10 * SECOND)).isEqualTo(Waiter.READY);
        TcpSocket server = listener.accept();

        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                long got = 0;
                while (true) {
                    buf.clear();
                    int n = server.read(buf);
                    if (n < 0) {
                        break;
                    }
                    if (n == 0) {
                        server.awaitReadable(10 * SECOND);
                        continue;
                    }
                    sha.update(buf.array(), 0, n);
                    got += n;
                }
                return got + " " + HexFormat.of().formatHex(sha.digest());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 16];
        Random random = new Random(4);
        long start = System.nanoTime();
        for (long sent = 0; sent < total; sent += chunk.length) {
            random.nextBytes(chunk);
            sha.update(chunk);
            writeFully(client, ByteBuffer.wrap(chunk));
        }
        client.shutdownOutput();
        String result = received.get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("256 MiB over net_ring in %.2f s: %.2f Gbit/s%n", seconds, total * 8 / seconds / 1e9);
        assertThat(result).isEqualTo(total + " " + HexFormat.of().formatHex(sha.digest()));
        client.close();
        server.close();
        b.closeListener(listener);
    }
}
