package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.ascii;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.loopback;
import static io.jmtcp.provider.Loopback.readFully;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.stats.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.BindException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channels the user-level stack does not carry: connects routed to the kernel, the kernel side of
 * jmtcp listeners, datagram channels and IPv6, all multiplexed in the jmtcp selector.
 */
@Timeout(30)
class KernelRouteTest {

    /** A kernel echo server (java.net, so never the provider) that answers one connection. */
    private static CompletableFuture<Void> echoOnce(ServerSocket server) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0;) {
                    out.write(b, 0, n);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static long activeOpens() {
        return ProcessStack.get().counter(Counter.TCP_ACTIVE_OPENS);
    }

    private static long passiveOpens() {
        return ProcessStack.get().counter(Counter.TCP_PASSIVE_OPENS);
    }

    @Test
    void blockingClientReachesAKernelServerOnLoopbackWhereNoJmtcpListenerListens() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback())) {
            CompletableFuture<Void> echo = echoOnce(kernel);
            long before = activeOpens();
            try (SocketChannel ch = PROVIDER.openSocketChannel()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // recorded before the route is known
                ch.connect(kernel.getLocalSocketAddress());
                assertThat(ch.getRemoteAddress()).isEqualTo(kernel.getLocalSocketAddress());
                assertThat(ch.write(ascii("to the kernel"))).isEqualTo(13);
                assertThat(readFully(ch, 13)).isEqualTo("to the kernel");
                ch.shutdownOutput();
                assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1); // the echo server saw EOF and closed
            }
            echo.get(5, TimeUnit.SECONDS);
            assertThat(activeOpens()).isEqualTo(before); // jmtcp opened nothing
        }
    }

    @Test
    void nonBlockingClientToAKernelServerIsDrivenByTheJmtcpSelector() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback()); Selector sel = PROVIDER.openSelector();
                SocketChannel ch = PROVIDER.openSocketChannel()) {
            CompletableFuture<Void> echo = echoOnce(kernel);
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT); // registered before the route is known
            // the kernel's asynchronous connect may complete on a JDK thread before connect()
            // returns: then connect() says true and OP_CONNECT never fires (as NIO specifies)
            if (!ch.connect(kernel.getLocalSocketAddress())) {
                assertThat(sel.select(5000)).isEqualTo(1);
                assertThat(key.isConnectable()).isTrue();
                assertThat(ch.finishConnect()).isTrue();
                sel.selectedKeys().clear();
            }

            // a large write under back-pressure: write returns 0 while the kernel write is pending
            byte[] payload = new byte[1 << 20];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 31);
            }
            ByteBuffer out = ByteBuffer.wrap(payload);
            ByteBuffer in = ByteBuffer.allocate(payload.length);
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            while (in.hasRemaining()) {
                assertThat(sel.select(5000)).as("select made progress").isPositive();
                if (key.isWritable()) {
                    ch.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (key.isReadable()) {
                    assertThat(ch.read(in)).isNotNegative();
                }
                sel.selectedKeys().clear();
            }
            assertThat(in.array()).isEqualTo(payload);
            ch.close();
            echo.get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A non-blocking connect to a kernel server completes on a JDK thread, which can win the race
     * with connect() itself. Either outcome must be consistent: connect() true with the channel
     * connected and OP_CONNECT never selected, or connect() false with OP_CONNECT selected by the
     * jmtcp selector (woken by the JDK thread, not by an engine cycle) and finishConnect true.
     * Many connects in a row so both outcomes occur on a warm JDK thread pool.
     */
    @Test
    void nonBlockingKernelConnectIsEitherDoneAtOnceOrSelectedForConnect() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 200, loopback()); Selector sel = PROVIDER.openSelector()) {
            CompletableFuture<Void> acceptor = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        kernel.accept().close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 100; i++) {
                try (SocketChannel ch = PROVIDER.openSocketChannel()) {
                    ch.configureBlocking(false);
                    SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);
                    if (ch.connect(kernel.getLocalSocketAddress())) {
                        assertThat(ch.isConnected()).isTrue();
                        assertThat(ch.isConnectionPending()).isFalse();
                        assertThat(sel.selectNow()).as("OP_CONNECT after an immediate connect").isZero();
                    } else {
                        assertThat(sel.select(5000)).as("connect %d selected", i).isEqualTo(1);
                        assertThat(key.isConnectable()).isTrue();
                        assertThat(ch.finishConnect()).isTrue();
                    }
                    sel.selectedKeys().clear();
                }
                sel.selectNow(); // flushes the cancelled key before the next round
            }
            acceptor.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusedKernelConnectFailsAtFinishConnectAsTheJdks() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
            port = s.getLocalPort();
        }
        SocketChannel blocking = PROVIDER.openSocketChannel();
        assertThatThrownBy(() -> blocking.connect(new InetSocketAddress(loopback(), port)))
                .isInstanceOf(ConnectException.class).hasMessage("Connection refused");
        assertThat(blocking.isOpen()).isFalse();
        try (Selector sel = PROVIDER.openSelector(); SocketChannel nb = PROVIDER.openSocketChannel()) {
            nb.configureBlocking(false);
            nb.register(sel, SelectionKey.OP_CONNECT);
            assertThat(nb.connect(new InetSocketAddress(loopback(), port))).isFalse();
            assertThat(sel.select(5000)).isEqualTo(1);
            assertThatThrownBy(nb::finishConnect).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void clientBoundBeforeConnectKeepsItsPortOnTheKernelPath() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback()); SocketChannel ch = PROVIDER.openSocketChannel()) {
            ch.bind(new InetSocketAddress(loopback(), 0));
            InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
            assertThat(bound.getPort()).isPositive();
            ch.connect(kernel.getLocalSocketAddress());
            try (Socket accepted = kernel.accept()) {
                assertThat(accepted.getRemoteSocketAddress()).isEqualTo(bound);
                assertThat(ch.getLocalAddress()).isEqualTo(bound);
            }
        }
    }

    @Test
    void clientBindToAPortAJmtcpListenerHoldsFails() throws Exception {
        try (ServerSocketChannel ssc = listener(); SocketChannel ch = PROVIDER.openSocketChannel()) {
            assertThatThrownBy(() -> ch.bind(ssc.getLocalAddress())).isInstanceOf(BindException.class);
        }
    }

    @Test
    void kernelClientReachesAJmtcpListenerThroughItsKernelSideWhileJmtcpClientsUseJmtcp() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            InetSocketAddress at = (InetSocketAddress) ssc.getLocalAddress();
            long active = activeOpens();
            long passive = passiveOpens();
            try (SocketChannel viaJmtcp = PROVIDER.openSocketChannel(); Socket viaKernel = new Socket()) {
                viaJmtcp.connect(at);
                viaKernel.connect(at, 5000);
                SocketChannel a = ssc.accept();
                SocketChannel b = ssc.accept();
                try (a; b) {
                    SocketChannel kernelSide = b.getRemoteAddress().equals(viaKernel.getLocalSocketAddress()) ? b : a;
                    SocketChannel jmtcpSide = kernelSide == a ? b : a;
                    assertThat(kernelSide.getRemoteAddress()).isEqualTo(viaKernel.getLocalSocketAddress());
                    assertThat(jmtcpSide.getRemoteAddress()).isEqualTo(viaJmtcp.getLocalAddress());
                    assertThat(kernelSide.getLocalAddress()).isEqualTo(at);

                    viaKernel.getOutputStream().write("kernel".getBytes(StandardCharsets.US_ASCII));
                    assertThat(readFully(kernelSide, 6)).isEqualTo("kernel");
                    kernelSide.write(ascii("back"));
                    assertThat(new String(viaKernel.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("back");

                    viaJmtcp.write(ascii("jmtcp"));
                    assertThat(readFully(jmtcpSide, 5)).isEqualTo("jmtcp");
                }
            }
            // exactly one connection on each side went through jmtcp: the jmtcp client's
            assertThat(activeOpens() - active).isEqualTo(1);
            assertThat(passiveOpens() - passive).isEqualTo(1);
        }
    }

    @Test
    void kernelSideConnectionsWakeASelectorWaitingForAccept() throws Exception {
        try (ServerSocketChannel ssc = listener(); Selector sel = PROVIDER.openSelector()) {
            ssc.configureBlocking(false);
            ssc.register(sel, SelectionKey.OP_ACCEPT);
            assertThat(sel.selectNow()).isZero();
            CompletableFuture<Integer> selected = CompletableFuture.supplyAsync(() -> {
                try {
                    return sel.select(10_000);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            try (Socket viaKernel = new Socket(loopback(), ((InetSocketAddress) ssc.getLocalAddress()).getPort())) {
                assertThat(selected.get(5, TimeUnit.SECONDS)).isEqualTo(1);
                try (SocketChannel accepted = ssc.accept()) {
                    assertThat(accepted).isNotNull();
                    assertThat(accepted.getRemoteAddress()).isEqualTo(viaKernel.getLocalSocketAddress());
                    assertThat(ssc.accept()).isNull();
                }
            }
        }
    }

    @Test
    void bindFailsNamingThePortWhenTheKernelSideIsTaken() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback()); ServerSocketChannel ssc = PROVIDER.openServerSocketChannel()) {
            int port = kernel.getLocalPort();
            assertThatThrownBy(() -> ssc.bind(new InetSocketAddress(loopback(), port)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("Address already in use")
                    .hasMessageContaining(String.valueOf(port))
                    .hasMessageContaining("jmtcp.route.kernel-listen");
            ssc.bind(new InetSocketAddress(loopback(), 0)); // the failed bind left nothing behind
        }
    }

    @Test
    void datagramEchoThroughTheJmtcpSelector() throws Exception {
        try (DatagramChannel dc = PROVIDER.openDatagramChannel(); Selector sel = PROVIDER.openSelector();
                DatagramSocket peer = new DatagramSocket(0, loopback())) {
            dc.configureBlocking(false);
            dc.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 16);
            dc.bind(new InetSocketAddress(loopback(), 0));
            SelectionKey key = dc.register(sel, SelectionKey.OP_READ);
            assertThat(dc.receive(ByteBuffer.allocate(16))).isNull();
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(ping, ping.length, dc.getLocalAddress()));

            assertThat(sel.select(5000)).isEqualTo(1);
            assertThat(key.isReadable()).isTrue();
            ByteBuffer b = ByteBuffer.allocate(64);
            assertThat(dc.receive(b)).isEqualTo(peer.getLocalSocketAddress());
            assertThat(ascii(b)).isEqualTo("ping");
            sel.selectedKeys().clear();
            assertThat(sel.selectNow()).isZero(); // level-triggered: nothing left to read

            dc.send(ascii("pong"), peer.getLocalSocketAddress());
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            peer.setSoTimeout(5000);
            peer.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("pong");

            // connected: read/write with the peer, datagrams from others are filtered
            dc.connect(peer.getLocalSocketAddress());
            try (DatagramSocket stranger = new DatagramSocket(0, loopback())) {
                stranger.send(new DatagramPacket(ping, ping.length, dc.getLocalAddress()));
            }
            peer.send(new DatagramPacket(ping, 2, dc.getLocalAddress()));
            assertThat(sel.select(5000)).isEqualTo(1);
            ByteBuffer r = ByteBuffer.allocate(64);
            assertThat(dc.read(r)).isEqualTo(2);
            assertThat(ascii(r)).isEqualTo("pi");
            assertThat(dc.write(ascii("ok"))).isEqualTo(2);
            peer.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
    }

    @Test
    void blockingDatagramReceiveWaitsForADatagram() throws Exception {
        try (DatagramChannel dc = PROVIDER.openDatagramChannel(StandardProtocolFamily.INET);
                DatagramSocket peer = new DatagramSocket(0, loopback())) {
            dc.bind(new InetSocketAddress(loopback(), 0));
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    dc.receive(b);
                    return ascii(b);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertThat(got).isNotDone();
            peer.send(new DatagramPacket(new byte[] {'h', 'i'}, 2, dc.getLocalAddress()));
            assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("hi");
        }
    }

    @Test
    void ipv6ChannelsGoToTheKernel() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket kernel = new ServerSocket(0, 50, v6)) {
            CompletableFuture<Void> echo = echoOnce(kernel);
            try (SocketChannel ch = PROVIDER.openSocketChannel(StandardProtocolFamily.INET6)) {
                ch.connect(kernel.getLocalSocketAddress());
                ch.write(ascii("six"));
                assertThat(readFully(ch, 3)).isEqualTo("six");
            }
            echo.get(5, TimeUnit.SECONDS);
        }
        try (ServerSocketChannel ssc = PROVIDER.openServerSocketChannel(); Socket client = new Socket()) {
            ssc.bind(new InetSocketAddress(v6, 0)); // an IPv6 address on a default-family channel: the kernel
            client.connect(ssc.getLocalAddress(), 5000);
            try (SocketChannel accepted = ssc.accept()) {
                client.getOutputStream().write(7);
                ByteBuffer b = ByteBuffer.allocate(1);
                assertThat(accepted.read(b)).isEqualTo(1);
                assertThat(b.get(0)).isEqualTo((byte) 7);
            }
        }
    }

    @Test
    void idleSelectorWithKernelChannelsRegisteredDoesNotSpin() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback()); ServerSocketChannel ssc = listener();
                SocketChannel ch = PROVIDER.openSocketChannel(); DatagramChannel dc = PROVIDER.openDatagramChannel();
                Selector sel = PROVIDER.openSelector()) {
            ch.connect(kernel.getLocalSocketAddress());
            try (Socket accepted = kernel.accept()) {
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ);
                ssc.configureBlocking(false);
                ssc.register(sel, SelectionKey.OP_ACCEPT); // its kernel side waits for connections too
                dc.configureBlocking(false);
                dc.bind(new InetSocketAddress(loopback(), 0));
                dc.register(sel, SelectionKey.OP_READ);

                long cpu0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                int n = sel.select(1000);
                long waited = System.nanoTime() - t0;
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                assertThat(n).isZero();
                assertThat(waited).as("select waited its timeout").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(990));
                assertThat(cpu).as("CPU of an idle select(1000), ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));
                // and the selector still wakes for the kernel connection
                accepted.getOutputStream().write(1);
                assertThat(sel.select(5000)).isEqualTo(1);
            }
        }
    }
}
