package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.loopback;
import static io.jmtcp.provider.Loopback.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class AdaptorTest {

    @Test
    void socketAdaptorConfiguresTheChannelAndReportsItsState() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                Socket s = client.socket();
                assertThat(client.socket()).isSameAs(s);
                assertThat(s.getChannel()).isSameAs(client);
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                s.setSoLinger(true, 7);
                s.setSendBufferSize(32768);
                s.setReceiveBufferSize(65536);
                s.setTrafficClass(0x10);
                s.setOOBInline(true);
                assertThat(s.getTcpNoDelay()).isTrue();
                assertThat(s.getKeepAlive()).isTrue();
                assertThat(s.getSoLinger()).isEqualTo(7);
                assertThat(s.getSendBufferSize()).isEqualTo(32768);
                assertThat(s.getReceiveBufferSize()).isEqualTo(65536);
                assertThat(s.getTrafficClass()).isEqualTo(0x10);
                assertThat(s.getOOBInline()).isTrue();
                s.setSoLinger(false, 0);
                assertThat(s.getSoLinger()).isEqualTo(-1);
                assertThatThrownBy(() -> s.setSendBufferSize(0)).isInstanceOf(IllegalArgumentException.class);

                int port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
                assertThat(s.getPort()).isEqualTo(port);
                assertThat(s.getInetAddress()).isEqualTo(loopback());
                assertThat(s.getLocalPort()).isEqualTo(server.socket().getPort());
                assertThat(s.isConnected()).isTrue();
                assertThat(s.isBound()).isTrue();
                assertThat(s.isClosed()).isFalse();
                assertThat(s.toString()).startsWith("Socket[addr=");

                s.shutdownOutput();
                assertThat(s.isOutputShutdown()).isTrue();
                assertThat(s.isInputShutdown()).isFalse();
                assertThatThrownBy(s::getOutputStream).isInstanceOf(SocketException.class).hasMessage("Socket output is shutdown");
                s.close();
                assertThat(s.isClosed()).isTrue();
                assertThatThrownBy(() -> s.setTcpNoDelay(false)).isInstanceOf(SocketException.class).hasMessage("Socket is closed");
                assertThatThrownBy(s::getInputStream).isInstanceOf(SocketException.class).hasMessage("Socket is closed");
            }
        }
    }

    @Test
    void unconnectedAdaptorReportsTheJdkDefaults() throws Exception {
        try (SocketChannel ch = PROVIDER.openSocketChannel()) {
            Socket s = ch.socket();
            assertThat(s.getLocalPort()).isEqualTo(-1);
            assertThat(s.getPort()).isZero();
            assertThat(s.getInetAddress()).isNull();
            assertThat(s.isConnected()).isFalse();
            assertThat(s.isBound()).isFalse();
            assertThat(s.toString()).isEqualTo("Socket[unconnected]");
            assertThatThrownBy(s::getInputStream).isInstanceOf(SocketException.class).hasMessage("Socket is not connected");
        }
    }

    @Test
    void streamsReadAndWriteAndSoTimeoutAffectsOnlyTheAdaptorsReads() throws Exception {
        try (ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                OutputStream out = client.socket().getOutputStream();
                out.write("ping".getBytes(StandardCharsets.US_ASCII));
                InputStream in = server.socket().getInputStream();
                byte[] b = new byte[4];
                int n = 0;
                while (n < 4) {
                    n += in.read(b, n, 4 - n);
                }
                assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("ping");

                server.socket().setSoTimeout(100);
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> in.read(b)).isInstanceOf(SocketTimeoutException.class).hasMessage("Read timed out");
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(90_000_000L);
                assertThat(server.isOpen()).isTrue(); // a timed-out read leaves the socket usable
                // the next read must not race the 100 ms deadline: on a loaded machine the engine
                // may deliver the byte later than that
                server.socket().setSoTimeout(10_000);
                out.write(1);
                assertThat(in.read()).isEqualTo(1);

                server.configureBlocking(false);
                assertThatThrownBy(() -> in.read(b)).isInstanceOf(IllegalBlockingModeException.class);
                assertThatThrownBy(() -> server.socket().getOutputStream().write(1))
                        .isInstanceOf(IllegalBlockingModeException.class);

                client.close();
                server.configureBlocking(true);
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void serverSocketAdaptorAcceptsWithTimeoutAndReportsItsAddress() throws Exception {
        try (ServerSocketChannel ssc = PROVIDER.openServerSocketChannel()) {
            ServerSocket ss = ssc.socket();
            assertThat(ss.isBound()).isFalse();
            assertThat(ss.getLocalPort()).isEqualTo(-1);
            assertThat(ss.toString()).isEqualTo("ServerSocket[unbound]");
            assertThat(ss.getReuseAddress()).isTrue();
            ss.setReceiveBufferSize(65536);
            assertThat(ss.getReceiveBufferSize()).isEqualTo(65536);
            ss.bind(new InetSocketAddress(loopback(), 0), 10);
            assertThat(ss.isBound()).isTrue();
            assertThat(ss.getLocalPort()).isPositive();
            assertThat(ss.getInetAddress()).isEqualTo(loopback());

            ss.setSoTimeout(100);
            assertThatThrownBy(ss::accept).isInstanceOf(SocketTimeoutException.class).hasMessage("Accept timed out");

            Socket client = PROVIDER.openSocketChannel().socket();
            client.connect(new InetSocketAddress(loopback(), ss.getLocalPort()), 2000);
            try (Socket accepted = ss.accept()) {
                assertThat(accepted.getPort()).isEqualTo(client.getLocalPort());
                assertThat(accepted.getChannel()).isInstanceOf(SocketChannel.class);
            }
            client.close();

            ssc.configureBlocking(false);
            ss.setSoTimeout(0);
            assertThatThrownBy(ss::accept).isInstanceOf(IllegalBlockingModeException.class);
            ss.close();
            assertThat(ss.isClosed()).isTrue();
        }
    }
}
