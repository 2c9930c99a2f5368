package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.ascii;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorTest {

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
        throw new AssertionError("key never became ready for " + op);
    }

    @Test
    void echoesThroughOneSelectorInNonBlockingMode() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener();
                SocketChannel client = PROVIDER.openSocketChannel()) {
            ssc.configureBlocking(false);
            ssc.register(sel, SelectionKey.OP_ACCEPT);
            client.configureBlocking(false);
            SelectionKey ck = client.register(sel, 0); // Netty registers first, with no interest
            if (!client.connect(ssc.getLocalAddress())) {
                ck.interestOps(SelectionKey.OP_CONNECT);
            }
            StringBuilder echoed = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (echoed.length() < 5 && System.nanoTime() < deadline) {
                sel.select(500);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k.isAcceptable()) {
                        SocketChannel s = ssc.accept();
                        s.configureBlocking(false);
                        s.register(sel, SelectionKey.OP_READ, "server");
                    } else if (k.isConnectable()) {
                        assertThat(client.finishConnect()).isTrue();
                        client.write(ascii("hello"));
                        k.interestOps(SelectionKey.OP_READ);
                    } else if (k.isReadable() && "server".equals(k.attachment())) {
                        buf.clear();
                        int n = ((SocketChannel) k.channel()).read(buf);
                        if (n > 0) {
                            buf.flip();
                            ((SocketChannel) k.channel()).write(buf);
                        }
                    } else if (k.isReadable()) {
                        ByteBuffer in = ByteBuffer.allocate(16);
                        client.read(in);
                        echoed.append(ascii(in));
                    }
                }
            }
            assertThat(echoed.toString()).isEqualTo("hello");
        }
    }

    @Test
    void wakeupBeforeSelectMakesTheNextSelectReturnAtOnceAndOnlyOnce() throws Exception {
        try (Selector sel = PROVIDER.openSelector()) {
            sel.wakeup();
            long t0 = System.nanoTime();
            assertThat(sel.select(5000)).isZero();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
            t0 = System.nanoTime();
            assertThat(sel.select(150)).isZero();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));
            sel.wakeup();
            assertThat(sel.selectNow()).isZero(); // selectNow clears the wakeup
            t0 = System.nanoTime();
            sel.select(100);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(90));
        }
    }

    @Test
    void wakeupDuringSelectReturnsIt() throws Exception {
        try (Selector sel = PROVIDER.openSelector()) {
            CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return sel.select();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertThat(f).isNotDone();
            sel.wakeup();
            assertThat(f.get(5, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void interruptedSelectReturnsWithTheInterruptFlagSet() throws Exception {
        try (Selector sel = PROVIDER.openSelector()) {
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
            Thread.sleep(100);
            t.interrupt();
            assertThat(flag.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(sel.isOpen()).isTrue();
        }
    }

    @Test
    void closeWhileAnotherThreadSelectsReleasesIt() throws Exception {
        Selector sel = PROVIDER.openSelector();
        CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
            try {
                return sel.select();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        sel.close();
        assertThat(f.get(5, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(sel::selectNow).isInstanceOf(ClosedSelectorException.class);
        assertThatThrownBy(sel::keys).isInstanceOf(ClosedSelectorException.class);
        assertThatThrownBy(sel::selectedKeys).isInstanceOf(ClosedSelectorException.class);
    }

    @Test
    void dataAlreadyThereIsSeenWhenInterestIsSetOrTheChannelRegistered() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                client.write(ascii("data"));
                Thread.sleep(100); // let the bytes arrive before registering
                server.configureBlocking(false);
                SelectionKey k = server.register(sel, 0);
                assertThat(sel.selectNow()).isZero();
                k.interestOps(SelectionKey.OP_READ);
                assertThat(sel.selectNow()).isEqualTo(1);
                assertThat(k.readyOps()).isEqualTo(SelectionKey.OP_READ);

                // level-triggered: still ready while unread, once removed from the selected set
                sel.selectedKeys().clear();
                assertThat(sel.selectNow()).isEqualTo(1);

                // registered while data is there
                try (Selector other = PROVIDER.openSelector()) {
                    SelectionKey k2 = server.register(other, SelectionKey.OP_READ);
                    assertThat(other.select(2000)).isEqualTo(1);
                    assertThat(other.selectedKeys()).containsExactly(k2);
                }
            }
        }
    }

    @Test
    void interestChangeFromAnotherThreadTakesEffectInABlockedSelect() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                SelectionKey k = server.register(sel, 0);
                CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
                    try {
                        return sel.select(5000);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(50);
                k.interestOps(SelectionKey.OP_READ);
                client.write(ascii("x"));
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }

    @Test
    void cancelledKeyDeregistersAtTheNextSelectAndTheChannelCanRegisterAgain() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            ssc.configureBlocking(false);
            SelectionKey k = ssc.register(sel, SelectionKey.OP_ACCEPT, "first");
            k.cancel();
            assertThat(k.isValid()).isFalse();
            assertThatThrownBy(k::interestOps).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(k::readyOps).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(() -> ssc.register(sel, SelectionKey.OP_ACCEPT)).isInstanceOf(CancelledKeyException.class);
            assertThat(sel.keys()).contains(k);
            sel.selectNow();
            assertThat(sel.keys()).isEmpty();
            SelectionKey again = ssc.register(sel, SelectionKey.OP_ACCEPT, "second");
            assertThat(again).isNotSameAs(k);
            assertThat(again.attachment()).isEqualTo("second");
            try (SocketChannel client = PROVIDER.openSocketChannel()) {
                client.connect(ssc.getLocalAddress());
                assertThat(sel.select(5000)).isEqualTo(1);
                assertThat(again.isAcceptable()).isTrue();
                ssc.accept().close();
            }
        }
    }

    @Test
    void rebuildLikeNettyMovesEveryChannelToANewSelector() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                Selector old = PROVIDER.openSelector();
                server.register(old, SelectionKey.OP_READ, "att");
                Selector fresh = PROVIDER.openSelector();
                for (SelectionKey k : old.keys()) {
                    int ops = k.interestOps();
                    Object att = k.attachment();
                    k.cancel();
                    k.channel().register(fresh, ops, att);
                }
                old.close();
                client.write(ascii("x"));
                assertThat(fresh.select(5000)).isEqualTo(1);
                assertThat(fresh.selectedKeys().iterator().next().attachment()).isEqualTo("att");
                fresh.close();
            }
        }
    }

    @Test
    void oneChannelOnTwoSelectorsIsReportedToBoth() throws Exception {
        try (Selector a = PROVIDER.openSelector(); Selector b = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                server.register(a, SelectionKey.OP_READ);
                server.register(b, SelectionKey.OP_READ);
                CompletableFuture<Integer> fb = CompletableFuture.supplyAsync(() -> {
                    try {
                        return b.select(5000);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(50);
                client.write(ascii("x"));
                assertThat(a.select(5000)).isEqualTo(1);
                assertThat(fb.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }

    @Test
    void writeOnlyInterestIsSelectedWithOpWriteAfterAReset() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                client.configureBlocking(false);
                // fill the send path so OP_WRITE is not ready before the reset
                ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
                while (client.write(big) > 0) {
                    big.clear();
                }
                SelectionKey k = client.register(sel, SelectionKey.OP_WRITE);
                sel.selectNow();
                sel.selectedKeys().clear();
                server.setOption(StandardSocketOptions.SO_LINGER, 0);
                server.close(); // RST
                awaitReady(sel, k, SelectionKey.OP_WRITE);
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 1000; i++) {
                        big.clear();
                        client.write(big);
                    }
                }).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
            }
        }
    }

    @Test
    void failedConnectMakesOpConnectReadyAndFinishConnectThrow() throws Exception {
        int port;
        try (ServerSocketChannel ssc = listener()) {
            port = ssc.socket().getLocalPort();
        }
        try (Selector sel = PROVIDER.openSelector(); SocketChannel ch = PROVIDER.openSocketChannel()) {
            ch.configureBlocking(false);
            ch.connect(new java.net.InetSocketAddress(Loopback.loopback(), port));
            SelectionKey k = ch.register(sel, SelectionKey.OP_CONNECT);
            awaitReady(sel, k, SelectionKey.OP_CONNECT);
            assertThatThrownBy(ch::finishConnect).isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void selectWithActionCallsItForEachReadyKey() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                client.configureBlocking(false);
                SelectionKey k = client.register(sel, SelectionKey.OP_WRITE);
                List<SelectionKey> seen = new ArrayList<>();
                assertThat(sel.select(seen::add, 5000)).isEqualTo(1);
                assertThat(seen).containsExactly(k);
                assertThat(sel.selectedKeys()).isEmpty();
                assertThat(sel.selectNow(seen::add)).isEqualTo(1);
                assertThatThrownBy(() -> sel.select(key -> {
                    try {
                        sel.selectNow();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                })).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void refusesBlockingChannelsAndInvalidOpsButTakesForeignChannels() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); SocketChannel ch = PROVIDER.openSocketChannel();
                SocketChannel jdk = SelectorProvider.provider().openSocketChannel()) {
            assertThatThrownBy(() -> ch.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalBlockingModeException.class);
            ch.configureBlocking(false);
            assertThatThrownBy(() -> ch.register(sel, SelectionKey.OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
            SelectionKey k = ch.register(sel, SelectionKey.OP_READ);
            assertThatThrownBy(() -> ch.configureBlocking(true)).isInstanceOf(IllegalBlockingModeException.class);
            assertThatThrownBy(() -> k.interestOps(SelectionKey.OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.keys().add(k)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> sel.selectedKeys().add(k)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> jdk.register(sel, SelectionKey.OP_READ)).isInstanceOf(IllegalBlockingModeException.class);
            jdk.configureBlocking(false);
            // a channel of another provider (the JDK's here, unless jmtcp is the JVM's provider)
            SelectionKey foreign = jdk.register(sel, SelectionKey.OP_READ);
            assertThat(foreign.selector()).isSameAs(sel);
            assertThat(jdk.keyFor(sel)).isSameAs(foreign);
        }
    }

    @Test
    void closingAChannelCancelsItsKeys() throws Exception {
        try (Selector sel = PROVIDER.openSelector()) {
            SocketChannel ch = PROVIDER.openSocketChannel();
            ch.configureBlocking(false);
            SelectionKey k = ch.register(sel, SelectionKey.OP_READ);
            ch.close();
            assertThat(k.isValid()).isFalse();
            sel.selectNow();
            assertThat(sel.keys()).isEmpty();
        }
    }

    @Test
    void readinessOutsideTheInterestSetDoesNotEndATimedSelectEarly() throws Exception {
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                server.configureBlocking(false);
                server.register(sel, 0);
                CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> {
                    try {
                        long t0 = System.nanoTime();
                        int n = sel.select(300);
                        return n == 0 ? System.nanoTime() - t0 : -1L;
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(50);
                client.write(ascii("not interesting")); // the engine reports the key; interest is 0
                assertThat(f.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
            }
        }
    }
}
