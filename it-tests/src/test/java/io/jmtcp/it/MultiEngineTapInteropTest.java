package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.stack.EngineShared;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Address;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two engines on a two-queue TAP with the Linux kernel as peer (DESIGN.md 3.3). The kernel picks
 * the TAP queue itself: by a flow table it learns from what each queue transmits, which forgets a
 * flow after a few idle seconds, and otherwise by its own hash, not jmtcp's Toeplitz. So segments,
 * IP fragments and ICMP errors reach engines that do not own them; each must be handed to its
 * owner, never lost or answered with a RST.
 */
@Tag("interop")
class MultiEngineTapInteropTest {

    private static final String PY = "/usr/bin/python3";
    private static final int KERNEL_IP = Ipv4Address.parse("198.18.0.1");
    private static final int JMTCP_IP = Ipv4Address.parse("198.18.0.2");
    private static final int FLOWS = 32;
    /** Longer than the TAP flow table's expiry (TUN_FLOW_EXPIRE, 3 s) with margin. */
    private static final int IDLE_SECONDS = 6;
    private static final long SECOND = 1_000_000_000L;

    private Netns ns;
    private Stack stack;
    private String ifname;

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireTapAndNetns();
        Prerequisites.requireCommands("ping", "nft", "ss");
        Prerequisites.check(java.nio.file.Files.isExecutable(java.nio.file.Path.of(PY)), PY);
        ifname = "jmtm" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ns = Netns.create();
        stack = Stack.start(JmtcpConfig.of(Map.of(
                "device", "tap:" + ifname + ",queues=2",
                "engines", "2",
                "ip", "198.18.0.2/24",
                "jmx", "false",
                "memory.max", "256m",
                "name", "it-" + ifname)));
        ns.moveIn(ifname);
        ns.configure(ifname, "198.18.0.1/24");
        // the kernel limits ICMP errors per peer (6 back to back, then 1/s): lift it for the test
        ns.exec("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0").orThrow();
    }

    @AfterEach
    void cleanUp() {
        if (stack != null) {
            stack.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    // ------------------------------------------------------------------ kernel-initiated

    private static final String CLIENT = String.join("\n",
            "import os, socket, sys, time",
            "n, idle = int(sys.argv[1]), float(sys.argv[2])",
            "socks = [socket.create_connection(('198.18.0.2', 7000), timeout=20) for _ in range(n)]",
            "def roundtrip(s, data):",
            "    s.sendall(data)",
            "    got = bytearray()",
            "    while len(got) < len(data):",
            "        c = s.recv(65536)",
            "        if not c: raise Exception('early EOF')",
            "        got += c",
            "    if bytes(got) != data: raise Exception('echo differs')",
            "for r in range(2):",
            "    for s in socks: roundtrip(s, os.urandom(20000))",
            "    if r == 0: time.sleep(idle)",
            "for s in socks:",
            "    s.shutdown(socket.SHUT_WR)",
            "    if s.recv(1) != b'': raise Exception('no EOF')",
            "    s.close()",
            "print('ok', n)");

    @Test
    void kernelConnectionsSpreadOverBothEnginesAndSurviveIdleGaps() throws Exception {
        TcpSocket listener = stack.listen(0, 7000, 256);
        AtomicReference<Throwable> serverError = new AtomicReference<>();
        EchoServer echo = new EchoServer(listener, serverError);
        Thread server = new Thread(echo, "echo-server");
        server.setDaemon(true);
        server.start();
        try {
            Shell.Result r = ns.exec(Duration.ofSeconds(60), PY, "-c", CLIENT, Integer.toString(FLOWS),
                    Integer.toString(IDLE_SECONDS));
            assertThat(r.stdout()).as(r.describe()).contains("ok " + FLOWS);
        } finally {
            echo.stop = true;
            server.join(5000);
        }
        assertThat(serverError.get()).isNull();
        assertThat(echo.accepted).isEqualTo(FLOWS);
        for (int e = 0; e < 2; e++) {
            assertThat(stack.engine(e).counters().get(Counter.TCP_PASSIVE_OPENS)).as("engine %d", e).isPositive();
        }
        assertThat(stack.counter(Counter.TCP_PASSIVE_OPENS)).isEqualTo(FLOWS);
        assertThat(stack.counter(Counter.TCP_FORWARDED))
                .as("the kernel's own hash put some SYNs on the other engine's queue").isPositive();
        assertNothingMisroutedWasLostOrReset();
        stack.closeListener(listener);
    }

    /** Echoes every connection of a listener, non-blocking, on one thread. */
    private static final class EchoServer implements Runnable {
        final TcpSocket listener;
        final AtomicReference<Throwable> error;
        volatile boolean stop;
        volatile int accepted;

        EchoServer(TcpSocket listener, AtomicReference<Throwable> error) {
            this.listener = listener;
            this.error = error;
        }

        @Override
        public void run() {
            List<TcpSocket> conns = new ArrayList<>();
            List<ByteBuffer> pending = new ArrayList<>();
            try {
                while (!stop) {
                    boolean progress = false;
                    for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                        conns.add(s);
                        pending.add(ByteBuffer.allocate(64 * 1024).flip());
                        accepted++;
                        progress = true;
                    }
                    for (int i = 0; i < conns.size(); i++) {
                        TcpSocket s = conns.get(i);
                        ByteBuffer p = pending.get(i);
                        if (s == null) {
                            continue;
                        }
                        if (p.hasRemaining()) {
                            progress |= s.write(p) > 0;
                        }
                        if (!p.hasRemaining()) {
                            p.clear();
                            int n = s.read(p);
                            p.flip();
                            if (n > 0) {
                                progress = true;
                                s.write(p);
                            } else if (n < 0) {
                                s.close();
                                conns.set(i, null);
                            }
                        }
                    }
                    if (!progress) {
                        Thread.sleep(1);
                    }
                }
            } catch (Throwable t) {
                error.set(t);
            }
        }
    }

    // ------------------------------------------------------------------ jmtcp-initiated

    private static final String SERVER = String.join("\n",
            "import hashlib, socketserver",
            "class H(socketserver.BaseRequestHandler):",
            "    def handle(self):",
            "        h = hashlib.sha256()",
            "        while True:",
            "            d = self.request.recv(65536)",
            "            if not d: break",
            "            h.update(d)",
            "        self.request.sendall(h.hexdigest().encode())",
            "class S(socketserver.ThreadingTCPServer):",
            "    allow_reuse_address = True",
            "    daemon_threads = True",
            "    request_queue_size = 256",
            "S(('198.18.0.1', 9000), H).serve_forever()");

    @Test
    void jmtcpConnectionsToAKernelListenerPickPortsOfTheirEngineAndSurviveIdleGaps() throws Exception {
        ns.start(PY, "-c", SERVER);
        awaitKernelListener(9000);
        List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            clients.add(stack.connect(KERNEL_IP, 9000));
        }
        EngineShared shared = stack.shared();
        List<byte[]> payloads = new ArrayList<>();
        for (TcpSocket c : clients) {
            assertThat(c.awaitConnected(10 * SECOND)).isEqualTo(Waiter.READY);
            assertThat(c.failure()).isNull();
            int owner = shared.rss().queueFor(shared.toeplitz().hash(KERNEL_IP, JMTCP_IP, 9000, c.localPort()));
            assertThat(c.link()).as("port %d maps back to its engine", c.localPort()).isSameAs(stack.engine(owner).tcp());
            byte[] p = new byte[40_000];
            new Random(c.localPort()).nextBytes(p);
            payloads.add(p);
        }
        for (int e = 0; e < 2; e++) {
            assertThat(stack.engine(e).counters().get(Counter.TCP_ACTIVE_OPENS)).as("engine %d", e).isPositive();
        }
        for (int i = 0; i < FLOWS; i++) {
            writeFully(clients.get(i), ByteBuffer.wrap(payloads.get(i), 0, 20_000));
        }
        Thread.sleep(IDLE_SECONDS * 1000L);
        for (int i = 0; i < FLOWS; i++) {
            writeFully(clients.get(i), ByteBuffer.wrap(payloads.get(i), 20_000, 20_000));
            clients.get(i).shutdownOutput();
        }
        for (int i = 0; i < FLOWS; i++) {
            TcpSocket c = clients.get(i);
            String digest = readToEof(c);
            assertThat(digest).as("the kernel's SHA-256 of connection %d", i)
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payloads.get(i))));
            c.close();
        }
        assertNothingMisroutedWasLostOrReset();
    }

    private void awaitKernelListener(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (System.nanoTime() < deadline) {
            if (ns.exec("ss", "-ltnH").stdout().contains(":" + port)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the kernel listener on port " + port + " did not start");
    }

    private static void writeFully(TcpSocket s, ByteBuffer data) throws IOException {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (data.hasRemaining()) {
            if (s.write(data) == 0) {
                assertThat(System.nanoTime()).as("write progress").isLessThan(deadline);
                s.awaitWritable(100_000_000L);
            }
        }
    }

    private static String readToEof(TcpSocket s) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(256);
        long deadline = System.nanoTime() + 10 * SECOND;
        while (true) {
            int n = s.read(in);
            if (n < 0) {
                break;
            }
            if (n == 0) {
                assertThat(System.nanoTime()).as("read progress").isLessThan(deadline);
                s.awaitReadable(100_000_000L);
            }
        }
        in.flip();
        return StandardCharsets.US_ASCII.decode(in).toString();
    }

    // ------------------------------------------------------------------ fragments

    @Test
    void fragmentedPingsBothWaysAreReassembledWhicheverQueueTheyArriveOn() throws Exception {
        // kernel to jmtcp: 16 sources, so the address pairs hash to both engines
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            String source = "198.18.0." + (10 + i);
            ns.exec("ip", "addr", "add", source + "/24", "dev", ifname).orThrow();
            script.append("ping -c 3 -i 0.05 -s 4000 -W 2 -I ").append(source).append(" 198.18.0.2 > /dev/null & ");
        }
        Shell.Result ping = ns.exec(Duration.ofSeconds(60), "bash", "-c",
                script + "ok=0; for j in $(jobs -p); do wait $j && ok=$((ok+1)); done; echo ok=$ok");
        assertThat(ping.stdout()).as(ping.describe()).contains("ok=16");
        assertThat(stack.counter(Counter.IP_REASSEMBLED)).isGreaterThanOrEqualTo(48);
        for (int e = 0; e < 2; e++) {
            assertThat(stack.engine(e).counters().get(Counter.ICMP_TX_ECHO_REPLIES)).as("engine %d", e).isPositive();
        }

        // jmtcp to kernel: fragmented echo requests from both engines; the replies, fragmented by
        // the kernel, are reassembled by the engine the address pair hashes to
        Set<Integer> replies = ConcurrentHashMap.newKeySet();
        Icmp.Listener listener = new Icmp.Listener() {
            @Override
            public void onEchoReply(int source, int identifier, int sequence, long now) {
                if (source == KERNEL_IP && identifier == 0x6a6d) {
                    replies.add(sequence);
                }
            }
        };
        for (int e = 0; e < 2; e++) {
            stack.engine(e).submit((en, now) -> en.icmp().listener(listener));
        }
        Thread.sleep(50);
        for (int seq = 1; seq <= 10; seq++) {
            ByteBuffer request = ByteBuffer.allocateDirect(Icmpv4Packet.HEADER_LENGTH + 5000);
            writeEchoRequest(request, 0x6a6d, seq, 5000);
            stack.engine(seq % 2).submit((en, now) -> en.ip().sendCopy(JMTCP_IP, KERNEL_IP, Ipv4Packet.PROTOCOL_ICMP,
                    request, 0, request.capacity(), 0));
            Thread.sleep(20);
        }
        long deadline = System.nanoTime() + 5 * SECOND;
        while (replies.size() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(replies).hasSize(10);
        for (int e = 0; e < 2; e++) {
            assertThat(stack.engine(e).counters().get(Counter.RX_DROP_IP_FRAGMENT_BAD)).isZero();
            assertThat(stack.engine(e).counters().get(Counter.RX_DROP_IP_FRAGMENT_NO_BUFFER)).isZero();
            assertThat(stack.engine(e).counters().get(Counter.SIBLING_DROP_FULL)).isZero();
        }
    }

    private static void writeEchoRequest(ByteBuffer b, int identifier, int sequence, int dataLength) {
        Icmpv4Packet m = new Icmpv4Packet().wrap(b, 0, Icmpv4Packet.HEADER_LENGTH + dataLength);
        m.type(Icmpv4Packet.TYPE_ECHO_REQUEST);
        m.code(0);
        m.identifier(identifier);
        m.sequenceNumber(sequence);
        for (int i = 0; i < dataLength; i++) {
            b.put(Icmpv4Packet.HEADER_LENGTH + i, (byte) (sequence + i));
        }
        m.computeChecksum();
    }

    // ------------------------------------------------------------------ ICMP errors

    @Test
    void icmpPortUnreachableForTcpReachesTheOwningEngineAndFailsTheConnect() throws Exception {
        ns.exec("nft", "add table inet jmtcp_it").orThrow();
        ns.exec("nft", "add chain inet jmtcp_it in { type filter hook input priority 0 ; }").orThrow();
        ns.exec("nft", "add rule inet jmtcp_it in tcp dport 9999 reject with icmp type port-unreachable").orThrow();
        List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            clients.add(stack.connect(KERNEL_IP, 9999));
        }
        for (TcpSocket c : clients) {
            assertThat(c.awaitConnected(5 * SECOND)).isEqualTo(Waiter.READY);
            assertThat(c.is(TcpSocket.FAILED)).as("failed by ICMP, port %d", c.localPort()).isTrue();
            assertThat(c.failure()).isInstanceOf(ConnectException.class);
        }
        assertThat(stack.counter(Counter.ICMP_RX_UNREACHABLE)).isGreaterThanOrEqualTo(16);
        assertThat(stack.counter(Counter.IP_HANDED_OVER))
                .as("the kernel hashes ICMP by addresses: some errors reached the other engine").isPositive();
        assertThat(stack.counter(Counter.TCP_ICMP_IGNORED)).isZero();
        assertNothingMisroutedWasLostOrReset();
    }

    private void assertNothingMisroutedWasLostOrReset() {
        for (int e = 0; e < 2; e++) {
            var c = stack.engine(e).counters();
            assertThat(c.get(Counter.TCP_TX_RESETS)).as("engine %d RSTs", e).isZero();
            assertThat(c.get(Counter.RX_DROP_TCP_NO_SOCKET)).as("engine %d segments for no socket", e).isZero();
            assertThat(c.get(Counter.RX_DROP_TCP_FORWARD_FULL)).isZero();
            assertThat(c.get(Counter.SIBLING_DROP_FULL)).isZero();
        }
    }
}
