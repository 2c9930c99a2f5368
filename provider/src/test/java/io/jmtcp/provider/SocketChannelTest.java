package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.ascii;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.loopback;
import static io.jmtcp.provider.Loopback.pair;
import static io.jmtcp.provider.Loopback.readFully;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SocketChannelTest {

    @Test
    void blockingConnectAcceptReadWriteAndHalfClose() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                assertThat(client.isConnected()).isTrue();
                assertThat(server.isBlocking()).isTrue();
                assertThat(client.getRemoteAddress()).isEqualTo(ssc.getLocalAddress());
                assertThat(server.getRemoteAddress()).isEqualTo(client.getLocalAddress());
                assertThat(client.write(ascii("hello"))).isEqualTo(5);
                assertThat(readFully(server, 5)).isEqualTo("hello");

                client.shutdownOutput();
                assertThat(server.read(ByteBuffer.allocate(8))).isEqualTo(-1);
                assertThatThrownBy(() -> client.write(ascii("x"))).isInstanceOf(ClosedChannelException.class);
                server.write(ascii("back"));
                assertThat(readFully(client, 4)).isEqualTo("back");
            }
        }
    }

    @Test
    void gatheringWriteAndScatteringRead() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                long n = client.write(new ByteBuffer[] {ascii("ab"), ascii("cde"), ascii("f")}, 0, 3);
                assertThat(n).isEqualTo(6);
                ByteBuffer a = ByteBuffer.allocate(2);
                ByteBuffer b = ByteBuffer.allocate(4);
                long got = 0;
                while (got < 6) {
                    got += server.read(new ByteBuffer[] {a, b});
                }
                assertThat(ascii(a) + ascii(b)).isEqualTo("abcdef");
            }
        }
    }

    @Test
    void shutdownInputMakesReadsReturnEndOfStreamAndWakesABlockedReader() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.read(ByteBuffer.allocate(4));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100);
                server.shutdownInput();
                assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
                assertThat(server.read(ByteBuffer.allocate(4))).isEqualTo(-1);
                assertThat(server.socket().isInputShutdown()).isTrue();
            }
        }
    }

    @Test
    void nonBlockingConnectFinishesWithFinishConnect() throws Exception {
        try (ServerSocketChannel ssc = listener(); SocketChannel client = PROVIDER.openSocketChannel()) {
            client.configureBlocking(false);
            boolean now = client.connect(ssc.getLocalAddress());
            if (!now) {
                assertThat(client.isConnectionPending()).isTrue();
                assertThatThrownBy(() -> client.connect(ssc.getLocalAddress()))
                        .isInstanceOf(java.nio.channels.ConnectionPendingException.class);
                assertThatThrownBy(() -> client.read(ByteBuffer.allocate(1))).isInstanceOf(NotYetConnectedException.class);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!client.finishConnect()) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(1);
                }
            }
            assertThat(client.isConnected()).isTrue();
            assertThat(client.finishConnect()).isTrue();
            assertThat(((InetSocketAddress) client.getLocalAddress()).getPort()).isPositive();
            assertThatThrownBy(() -> client.connect(ssc.getLocalAddress())).isInstanceOf(AlreadyConnectedException.class);
            try (SocketChannel server = ssc.accept()) {
                assertThat(server).isNotNull();
            }
        }
    }

    @Test
    void refusedConnectThrowsConnectExceptionAndClosesTheChannel() throws Exception {
        int port;
        try (ServerSocketChannel ssc = listener()) {
            port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
        }
        SocketChannel client = PROVIDER.openSocketChannel();
        assertThatThrownBy(() -> client.connect(new InetSocketAddress(loopback(), port)))
                .isInstanceOf(ConnectException.class).hasMessage("Connection refused");
        assertThat(client.isOpen()).isFalse();

        SocketChannel nb = PROVIDER.openSocketChannel();
        nb.configureBlocking(false);
        nb.connect(new InetSocketAddress(loopback(), port));
        assertThatThrownBy(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!nb.finishConnect() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }).isInstanceOf(ConnectException.class);
        assertThat(nb.isOpen()).isFalse();
    }

    @Test
    void throwsTheJdkExceptionsForMisuse() throws Exception {
        try (SocketChannel ch = PROVIDER.openSocketChannel()) {
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(() -> ch.write(ascii("x"))).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(ch::finishConnect).isInstanceOf(NoConnectionPendingException.class);
            assertThatThrownBy(ch::shutdownInput).isInstanceOf(NotYetConnectedException.class);
            assertThat(ch.getLocalAddress()).isNull();
            assertThat(ch.getRemoteAddress()).isNull();
            assertThatThrownBy(() -> ch.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 80)))
                    .isInstanceOf(UnresolvedAddressException.class).hasMessageContaining("nowhere.invalid");
        }
        try (SocketChannel ch = PROVIDER.openSocketChannel()) {
            assertThatThrownBy(() -> ch.connect(new java.net.SocketAddress() { }))
                    .isInstanceOf(UnsupportedAddressTypeException.class);
        }
        SocketChannel closed = PROVIDER.openSocketChannel();
        closed.close();
        assertThatThrownBy(() -> closed.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> closed.getOption(StandardSocketOptions.TCP_NODELAY)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> closed.connect(new InetSocketAddress(loopback(), 1))).isInstanceOf(ClosedChannelException.class);
        try (ServerSocketChannel unbound = PROVIDER.openServerSocketChannel()) {
            assertThatThrownBy(unbound::accept).isInstanceOf(NotYetBoundException.class);
        }
    }

    @Test
    void bindingATakenPortFailsWithAddressAlreadyInUse() throws Exception {
        try (ServerSocketChannel a = listener(); ServerSocketChannel b = PROVIDER.openServerSocketChannel()) {
            assertThatThrownBy(() -> b.bind(a.getLocalAddress()))
                    .isInstanceOf(BindException.class).hasMessage("Address already in use");
            assertThatThrownBy(() -> a.bind(null)).isInstanceOf(AlreadyBoundException.class);
        }
    }

    @Test
    void optionsRoundTripWithTheJdkNormalisation() throws Exception {
        try (SocketChannel ch = PROVIDER.openSocketChannel()) {
            assertThat(ch.supportedOptions()).contains(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_LINGER,
                    StandardSocketOptions.SO_REUSEPORT, ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_QUICKACK);
            assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
            assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(-1);
            assertThat(ch.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_LINGER, 100_000);
            ch.setOption(StandardSocketOptions.IP_TOS, 0x2b);
            ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 30);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
            assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
            assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(65535);
            assertThat(ch.getOption(StandardSocketOptions.IP_TOS)).isEqualTo(0x28);
            assertThat(ch.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(30);
            assertThat(ch.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(65536);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.SO_RCVBUF, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.IP_TOS, 256)).isInstanceOf(IllegalArgumentException.class);
            @SuppressWarnings({"unchecked", "rawtypes"})
            SocketOption<Object> raw = (SocketOption) StandardSocketOptions.TCP_NODELAY;
            assertThatThrownBy(() -> ch.setOption(raw, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
        try (ServerSocketChannel ssc = PROVIDER.openServerSocketChannel()) {
            assertThat(ssc.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
            assertThatThrownBy(() -> ssc.setOption(StandardSocketOptions.TCP_NODELAY, true))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void interruptingABlockedReadClosesTheChannelWithClosedByInterrupt() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        server.read(ByteBuffer.allocate(4));
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                });
                t.start();
                Thread.sleep(100);
                t.interrupt();
                t.join(5000);
                assertThat(thrown.get()).isInstanceOf(ClosedByInterruptException.class);
                assertThat(server.isOpen()).isFalse();
            }
        }
    }

    @Test
    void closingFromAnotherThreadFailsABlockedReadWithAsynchronousClose() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        server.read(ByteBuffer.allocate(4));
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                });
                Thread.sleep(100);
                server.close();
                Throwable e = reader.get(5, TimeUnit.SECONDS);
                assertThat(e).isInstanceOf(AsynchronousCloseException.class).isNotInstanceOf(ClosedByInterruptException.class);
            }
        }
    }

    @Test
    void interruptingABlockedAcceptClosesTheServerChannel() throws Exception {
        ServerSocketChannel ssc = listener();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ssc.accept();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        Thread.sleep(100);
        t.interrupt();
        t.join(5000);
        assertThat(thrown.get()).isInstanceOf(ClosedByInterruptException.class);
        assertThat(ssc.isOpen()).isFalse();
    }

    @Test
    void blockingOperationsWorkOnAVirtualThreadIfAvailable() throws Exception {
        java.lang.reflect.Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            org.junit.jupiter.api.Assumptions.abort("virtual threads need JDK 21+");
            return;
        }
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                CompletableFuture<String> got = new CompletableFuture<>();
                Object builder = ofVirtual.invoke(null);
                java.lang.reflect.Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
                start.invoke(builder, (Runnable) () -> {
                    try {
                        got.complete(readFully(server, 3));
                    } catch (Throwable e) {
                        got.completeExceptionally(e);
                    }
                });
                Thread.sleep(50);
                client.write(ascii("vth"));
                assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("vth");
            }
        }
    }

    @Test
    void openingOtherFamiliesFailsNamingWhatIsMissing() {
        java.net.ProtocolFamily unix = java.net.StandardProtocolFamily.valueOf("UNIX"); // JDK 16+
        assertThatThrownBy(() -> PROVIDER.openSocketChannel(unix))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Unix-domain")
                .hasMessageContaining("agent");
    }

    @Test
    void interruptingAWriteBlockedOnAFullWindowClosesTheChannel() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        client.write(ByteBuffer.allocateDirect(64 << 20)); // far more than both buffers hold
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                });
                t.start();
                Thread.sleep(300);
                t.interrupt();
                t.join(5000);
                assertThat(thrown.get()).isInstanceOf(ClosedByInterruptException.class);
                assertThat(client.isOpen()).isFalse();
            }
        }
    }
}
