package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.ascii;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.loopback;
import static io.jmtcp.provider.Loopback.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The jmtcp selector multiplexes channels of other providers (DESIGN.md 5-6): here the JDK's own
 * {@code sun.nio.ch} channels, which is what a jmtcp selector created after the agent attached to
 * a running JVM is handed. Everything runs on real kernel sockets on 127.0.0.1 beside jmtcp's
 * loopback stack; this JVM runs without the jmtcp property, so {@link SelectorProvider#provider()}
 * is the JDK's and {@link Loopback#PROVIDER} is jmtcp's.
 */
@Timeout(30)
class ForeignChannelSelectorTest {

    private static final SelectorProvider JDK = SelectorProvider.provider();

    @BeforeAll
    static void jdkIsTheDefaultProvider() {
        assumeFalse(JDK instanceof JmtcpSelectorProvider, "the JVM runs with jmtcp as its provider: nothing is foreign");
    }

    /** A connected pair of the JDK's channels over the kernel's loopback: [client, accepted], blocking. */
    private static SocketChannel[] jdkPair(ServerSocketChannel jdkServer) throws IOException {
        SocketChannel client = JDK.openSocketChannel();
        client.connect(jdkServer.getLocalAddress());
        SocketChannel accepted = jdkServer.accept();
        return new SocketChannel[] {client, accepted};
    }

    private static ServerSocketChannel jdkListener() throws IOException {
        ServerSocketChannel s = JDK.openServerSocketChannel();
        s.bind(new InetSocketAddress(loopback(), 0));
        return s;
    }

    /** Selects until {@code key} is selected with {@code op} ready, or fails after 5 s. */
    private static void awaitReady(Selector sel, SelectionKey key, int op) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            sel.select(100);
            if (sel.selectedKeys().contains(key) && (key.readyOps() & op) != 0) {
                return;
            }
            sel.selectedKeys().clear();
        }
        throw new AssertionError("key never became ready for " + op + ": " + key);
    }

    private static CompletableFuture<Integer> selectInBackground(Selector sel) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(sel.select());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "selector");
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Test
    void multiplexesAJdkEchoServerAndAJmtcpEchoServerInOneSelectLoop() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener();
                ServerSocketChannel jmtcpServer = listener();
                SocketChannel kernelClient = JDK.openSocketChannel();
                SocketChannel jmtcpClient = PROVIDER.openSocketChannel()) {
            assertThat(kernelServer.provider()).isSameAs(JDK);
            kernelServer.configureBlocking(false);
            jmtcpServer.configureBlocking(false);
            kernelServer.register(sel, SelectionKey.OP_ACCEPT, "kernel");
            jmtcpServer.register(sel, SelectionKey.OP_ACCEPT, "jmtcp");
            kernelClient.connect(kernelServer.getLocalAddress());
            jmtcpClient.connect(jmtcpServer.getLocalAddress());
            kernelClient.write(ascii("through the kernel"));
            jmtcpClient.write(ascii("through jmtcp"));

            Map<Object, Integer> echoed = new HashMap<>();
            List<SocketChannel> accepted = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(256);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((echoed.getOrDefault("kernel", 0) < 18 || echoed.getOrDefault("jmtcp", 0) < 13)
                    && System.nanoTime() < deadline) {
                sel.select(500);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k.isAcceptable()) {
                        SocketChannel s = ((ServerSocketChannel) k.channel()).accept();
                        if (s != null) {
                            accepted.add(s);
                            s.configureBlocking(false);
                            s.register(sel, SelectionKey.OP_READ, k.attachment());
                        }
                    } else if (k.isReadable()) {
                        buf.clear();
                        int n = ((SocketChannel) k.channel()).read(buf);
                        if (n > 0) {
                            buf.flip();
                            ((SocketChannel) k.channel()).write(buf);
                            echoed.merge(k.attachment(), n, Integer::sum);
                        }
                    }
                }
            }
            assertThat(accepted).hasSize(2);
            assertThat(accepted.stream().filter(s -> s.provider() == JDK)).hasSize(1);
            assertThat(Loopback.readFully(kernelClient, 18)).isEqualTo("through the kernel");
            assertThat(Loopback.readFully(jmtcpClient, 13)).isEqualTo("through jmtcp");
            for (SocketChannel s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void anIdleSelectWithForeignKeysBlocksWithoutSpinning() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener();
                ServerSocketChannel jmtcpServer = listener()) {
            kernelServer.configureBlocking(false);
            jmtcpServer.configureBlocking(false);
            kernelServer.register(sel, SelectionKey.OP_ACCEPT);
            jmtcpServer.register(sel, SelectionKey.OP_ACCEPT);
            sel.select(20); // warm-up: class loading and the shadow's first select
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            int n = sel.select(500);
            long waited = System.nanoTime() - t0;
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            assertThat(n).isZero();
            assertThat(waited).as("select waited its timeout").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(490));
            assertThat(cpu).as("CPU of an idle select(500), ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aBlockedSelectWakesWhenAKernelChannelBecomesReadable() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener();
                ServerSocketChannel jmtcpServer = listener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                jmtcpServer.configureBlocking(false);
                jmtcpServer.register(sel, SelectionKey.OP_ACCEPT);
                server.configureBlocking(false);
                SelectionKey key = server.register(sel, SelectionKey.OP_READ);
                CompletableFuture<Integer> f = selectInBackground(sel);
                Thread.sleep(150);
                assertThat(f).isNotDone();
                client.write(ascii("x"));
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(sel.selectedKeys()).containsExactly(key);
                assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_READ);
            }
        }
    }

    @Test
    void aSelectBlockedInTheShadowWakesWhenAJmtcpChannelBecomesReadable() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener();
                ServerSocketChannel jmtcpServer = listener()) {
            SocketChannel[] p = pair(jmtcpServer);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                kernelServer.configureBlocking(false);
                kernelServer.register(sel, SelectionKey.OP_ACCEPT); // makes the select block in the shadow
                server.configureBlocking(false);
                SelectionKey key = server.register(sel, SelectionKey.OP_READ);
                sel.selectNow();
                CompletableFuture<Integer> f = selectInBackground(sel);
                Thread.sleep(150);
                assertThat(f).isNotDone();
                client.write(ascii("x"));
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(sel.selectedKeys()).containsExactly(key);
            }
        }
    }

    @Test
    void wakeupAndInterruptEndASelectBlockedInTheShadow() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            kernelServer.configureBlocking(false);
            kernelServer.register(sel, SelectionKey.OP_ACCEPT);
            CompletableFuture<Integer> f = selectInBackground(sel);
            Thread.sleep(150);
            assertThat(f).isNotDone();
            sel.wakeup();
            assertThat(f.get(5, TimeUnit.SECONDS)).isZero();

            // a wakeup before the select makes the next one return at once, and only that one
            sel.wakeup();
            assertThat(sel.select(5000)).isZero();
            long t0 = System.nanoTime();
            assertThat(sel.select(150)).isZero();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));

            CompletableFuture<Boolean> flag = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    sel.select();
                    flag.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    flag.completeExceptionally(e);
                }
            });
            t.start();
            Thread.sleep(150);
            assertThat(flag).isNotDone();
            t.interrupt();
            assertThat(flag.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void interestChangesOnAForeignKeyTakeEffectAtTheNextSelect() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                SelectionKey key = server.register(sel, 0, "att");
                client.write(ascii("data"));
                Thread.sleep(50);
                long t0 = System.nanoTime();
                assertThat(sel.select(200)).as("readable, but no interest").isZero();
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));

                key.interestOps(SelectionKey.OP_READ);
                assertThat(sel.select(5000)).isEqualTo(1);
                assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_READ);
                assertThat(key.attachment()).isEqualTo("att");

                // the key stays selected: a new ready op is ORed into its ready set (Selector javadoc)
                assertThat(key.interestOpsOr(SelectionKey.OP_WRITE)).isEqualTo(SelectionKey.OP_READ);
                assertThat(sel.select(5000)).isEqualTo(1);
                assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                assertThat(sel.selectedKeys()).containsExactly(key);

                // level-triggered: still ready after removal from the selected set, only what is asked
                sel.selectedKeys().clear();
                assertThat(key.interestOpsAnd(SelectionKey.OP_WRITE)).isEqualTo(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                assertThat(key.interestOps()).isEqualTo(SelectionKey.OP_WRITE);
                assertThat(sel.select(5000)).isEqualTo(1);
                assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_WRITE);
                assertThatThrownBy(() -> key.interestOps(SelectionKey.OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
                assertThat(key.attach("other")).isEqualTo("att");
                assertThat(server.keyFor(sel)).isSameAs(key);
            }
        }
    }

    @Test
    void aCancelledForeignKeyIsDeregisteredAtTheNextSelectAndTheChannelCanRegisterAgain() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                SelectionKey key = server.register(sel, SelectionKey.OP_READ);
                client.write(ascii("data"));
                awaitReady(sel, key, SelectionKey.OP_READ);
                key.cancel();
                assertThat(key.isValid()).isFalse();
                assertThatThrownBy(key::readyOps).isInstanceOf(CancelledKeyException.class);
                assertThatThrownBy(() -> key.interestOps(0)).isInstanceOf(CancelledKeyException.class);
                // JDK: registering again before the deregistration throws
                assertThatThrownBy(() -> server.register(sel, SelectionKey.OP_READ)).isInstanceOf(CancelledKeyException.class);
                assertThat(sel.selectNow()).isZero();
                assertThat(sel.keys()).isEmpty();
                assertThat(sel.selectedKeys()).isEmpty();
                assertThat(server.isRegistered()).isFalse();
                server.configureBlocking(true); // no key left, in this selector or its shadow
                server.configureBlocking(false);
                SelectionKey again = server.register(sel, SelectionKey.OP_READ);
                assertThat(again).isNotSameAs(key);
                awaitReady(sel, again, SelectionKey.OP_READ);
            }
        }
    }

    @Test
    void closingARegisteredJdkChannelCancelsItsKeyAndReleasesTheSocketAtTheNextSelect() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]) {
                SocketChannel server = p[1];
                server.configureBlocking(false);
                SelectionKey key = server.register(sel, SelectionKey.OP_READ);
                sel.selectNow();
                server.close();
                assertThat(key.isValid()).isFalse();
                assertThat(sel.selectNow()).isZero();
                assertThat(sel.keys()).isEmpty();
                assertThat(server.isRegistered()).isFalse();
                // the JDK defers a registered channel's close until its last key is deregistered:
                // the peer sees the end of stream only if the socket was really closed
                client.socket().setSoTimeout(5000);
                assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void closingTheSelectorDeregistersForeignChannelsAndEndsASelectInProgress() throws Exception {
        ServerSocketChannel kernelServer = jdkListener();
        Selector sel = PROVIDER.openSelector();
        try (kernelServer) {
            kernelServer.configureBlocking(false);
            SelectionKey key = kernelServer.register(sel, SelectionKey.OP_ACCEPT);
            CompletableFuture<Integer> f = selectInBackground(sel);
            Thread.sleep(150);
            sel.close();
            assertThat(f.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(key.isValid()).isFalse();
            assertThat(kernelServer.isOpen()).isTrue();
            assertThat(kernelServer.isRegistered()).isFalse();
            assertThatThrownBy(sel::selectNow).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(() -> kernelServer.register(sel, SelectionKey.OP_ACCEPT)).isInstanceOf(ClosedSelectorException.class);
            // the channel still works with a selector of its own provider
            try (Selector jdkSel = JDK.openSelector(); SocketChannel c = JDK.openSocketChannel()) {
                SelectionKey k = kernelServer.register(jdkSel, SelectionKey.OP_ACCEPT);
                c.connect(kernelServer.getLocalAddress());
                assertThat(jdkSel.select(5000)).isEqualTo(1);
                assertThat(k.isAcceptable()).isTrue();
            }
        }
    }

    @Test
    void closingTheSelectorReleasesAJdkChannelClosedWhileRegistered() throws Exception {
        try (ServerSocketChannel kernelServer = jdkListener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]) {
                Selector sel = PROVIDER.openSelector();
                p[1].configureBlocking(false);
                p[1].register(sel, SelectionKey.OP_READ);
                p[1].close(); // deferred by the JDK while registered
                sel.close();
                client.socket().setSoTimeout(5000);
                assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void blockingModeRulesStayTheChannelsOwn() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            assertThatThrownBy(() -> kernelServer.register(sel, SelectionKey.OP_ACCEPT)).isInstanceOf(IllegalBlockingModeException.class);
            kernelServer.configureBlocking(false);
            assertThatThrownBy(() -> kernelServer.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalArgumentException.class);
            kernelServer.register(sel, SelectionKey.OP_ACCEPT);
            assertThatThrownBy(() -> kernelServer.configureBlocking(true)).isInstanceOf(IllegalBlockingModeException.class);
        }
    }

    @Test
    void aJdkPipeAndAJdkDatagramChannelAreMultiplexed() throws Exception {
        Pipe pipe = JDK.openPipe();
        try (Selector sel = PROVIDER.openSelector(); Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink();
                DatagramChannel receiver = JDK.openDatagramChannel(); DatagramChannel sender = JDK.openDatagramChannel()) {
            source.configureBlocking(false);
            sink.configureBlocking(false);
            SelectionKey sourceKey = source.register(sel, SelectionKey.OP_READ);
            SelectionKey sinkKey = sink.register(sel, SelectionKey.OP_WRITE);
            assertThat(sel.select(5000)).isEqualTo(1);
            assertThat(sel.selectedKeys()).containsExactly(sinkKey);
            sinkKey.interestOps(0);
            sel.selectedKeys().clear();
            sink.write(ascii("p"));
            awaitReady(sel, sourceKey, SelectionKey.OP_READ);
            ByteBuffer b = ByteBuffer.allocate(8);
            assertThat(source.read(b)).isEqualTo(1);

            receiver.bind(new InetSocketAddress(loopback(), 0));
            receiver.configureBlocking(false);
            SelectionKey dk = receiver.register(sel, SelectionKey.OP_READ);
            sel.selectedKeys().clear();
            sender.send(ascii("datagram"), receiver.getLocalAddress());
            awaitReady(sel, dk, SelectionKey.OP_READ);
            ByteBuffer d = ByteBuffer.allocate(64);
            assertThat(receiver.receive(d)).isNotNull();
            assertThat(ascii(d)).isEqualTo("datagram");
        }
    }

    @Test
    void unixDomainChannelsOfTheJdkAreMultiplexed() throws Exception {
        Path dir = Files.createTempDirectory("jmtcp-unix");
        Path socket = dir.resolve("s");
        try (Selector sel = PROVIDER.openSelector();
                ServerSocketChannel server = JDK.openServerSocketChannel(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            SelectionKey acceptKey = server.register(sel, SelectionKey.OP_ACCEPT);
            try (SocketChannel client = JDK.openSocketChannel(StandardProtocolFamily.UNIX)) {
                client.connect(server.getLocalAddress());
                awaitReady(sel, acceptKey, SelectionKey.OP_ACCEPT);
                try (SocketChannel accepted = server.accept()) {
                    accepted.configureBlocking(false);
                    SelectionKey rk = accepted.register(sel, SelectionKey.OP_READ);
                    client.write(ascii("unix"));
                    awaitReady(sel, rk, SelectionKey.OP_READ);
                    ByteBuffer b = ByteBuffer.allocate(8);
                    accepted.read(b);
                    assertThat(ascii(b)).isEqualTo("unix");
                }
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @Test
    void selectNowAndTheConsumerFormsReportForeignAndJmtcpKeysAlike() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener();
                ServerSocketChannel jmtcpServer = listener()) {
            SocketChannel[] k = jdkPair(kernelServer);
            SocketChannel[] j = pair(jmtcpServer);
            try (SocketChannel kc = k[0]; SocketChannel ks = k[1]; SocketChannel jc = j[0]; SocketChannel js = j[1]) {
                ks.configureBlocking(false);
                js.configureBlocking(false);
                SelectionKey kernelKey = ks.register(sel, SelectionKey.OP_READ);
                SelectionKey jmtcpKey = js.register(sel, SelectionKey.OP_READ);
                assertThat(sel.selectNow()).isZero();
                kc.write(ascii("k"));
                jc.write(ascii("j"));
                awaitReady(sel, kernelKey, SelectionKey.OP_READ);
                awaitReady(sel, jmtcpKey, SelectionKey.OP_READ);
                sel.selectedKeys().clear();

                assertThat(sel.selectNow()).isEqualTo(2);
                assertThat(sel.selectedKeys()).containsExactlyInAnyOrder(kernelKey, jmtcpKey);
                assertThat(sel.selectNow()).as("both stay selected with the same ready sets").isZero();

                List<SelectionKey> seen = new ArrayList<>();
                assertThat(sel.selectNow(seen::add)).isEqualTo(2);
                assertThat(seen).containsExactlyInAnyOrder(kernelKey, jmtcpKey);
                assertThat(kernelKey.readyOps()).isEqualTo(SelectionKey.OP_READ);
                seen.clear();
                assertThat(sel.select(seen::add, 5000)).isEqualTo(2);
                assertThat(seen).containsExactlyInAnyOrder(kernelKey, jmtcpKey);
                seen.clear();
                assertThat(sel.select(seen::add)).isEqualTo(2);
                assertThat(seen).containsExactlyInAnyOrder(kernelKey, jmtcpKey);

                // an exception from the action leaves the select
                assertThatThrownBy(() -> sel.selectNow(key -> {
                    throw new IllegalStateException("from the action");
                })).hasMessage("from the action");

                // drained: nothing is reported any more
                ByteBuffer b = ByteBuffer.allocate(8);
                ks.read(b);
                js.read(b);
                sel.selectedKeys().clear();
                seen.clear();
                assertThat(sel.select(seen::add, 150)).isZero();
                assertThat(seen).isEmpty();
            }
        }
    }

    @Test
    void aChannelRegisteredFromAnotherThreadIsPolledFromTheNextSelect() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel kernelServer = jdkListener()) {
            SocketChannel[] p = jdkPair(kernelServer);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                client.write(ascii("x"));
                CompletableFuture<Integer> f = selectInBackground(sel); // parks: no foreign key yet
                Thread.sleep(100);
                SelectableChannel ch = server;
                SelectionKey key = ch.register(sel, SelectionKey.OP_READ);
                sel.wakeup(); // as frameworks do after registering from another thread
                f.get(5, TimeUnit.SECONDS);
                awaitReady(sel, key, SelectionKey.OP_READ);
            }
        }
    }
}
