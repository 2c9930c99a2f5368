package io.jmtcp.provider.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.JmtcpSelectorProvider;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A non-blocking connect whose backend has already completed when {@code connect} returns is
 * still reported as the JDK reports it on Linux: {@code connect} returns false, the key becomes
 * connectable at the next select and {@code finishConnect} completes it. The kernel transport is
 * wrapped so that the connect's completion handler (on the JDK's asynchronous channel group
 * threads) has run before the channel looks at the connection: the ordering that made
 * {@code KernelRouteTest.nonBlockingClientToAKernelServerIsDrivenByTheJmtcpSelector} fail on a
 * loaded machine, here every time.
 */
@Timeout(30)
class NonBlockingConnectTest {

    private static final SelectorProvider PROVIDER = new JmtcpSelectorProvider();
    private static final long SETTLE = TimeUnit.SECONDS.toNanos(5);

    /** The kernel transport, returning each connection only once the kernel has answered it. */
    private static final class CompletedFirst implements Transport {
        private final KernelTransport kernel = new KernelTransport(false);

        @Override
        public StreamConnection connect(LocalBinding local, InetSocketAddress remote, TcpOptions options) throws IOException {
            StreamConnection c = kernel.connect(local, remote, options);
            assertThat(c.awaitConnected(SETTLE)).as("the kernel answered the connect").isEqualTo(Waiter.READY);
            return c;
        }

        @Override
        public ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
            return kernel.listen(local, backlog, options);
        }

        @Override
        public LocalBinding bindLocal(InetSocketAddress local, TcpOptions options) throws IOException {
            return kernel.bindLocal(local, options);
        }

        @Override
        public int defaultReceiveBuffer() {
            return kernel.defaultReceiveBuffer();
        }

        @Override
        public int defaultSendBuffer() {
            return kernel.defaultSendBuffer();
        }
    }

    @Test
    void connectCompletedBeforeTheChannelLooksIsStillReportedByOpConnect() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Selector sel = PROVIDER.openSelector();
                JmtcpSocketChannel ch = new JmtcpSocketChannel(PROVIDER, new CompletedFirst())) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);

            assertThat(ch.connect(server.getLocalSocketAddress())).as("non-blocking connect").isFalse();
            assertThat(ch.isConnectionPending()).isTrue();
            assertThat(sel.select(5000)).isEqualTo(1);
            assertThat(key.isConnectable()).isTrue();
            assertThat(ch.finishConnect()).isTrue();
            assertThat(ch.isConnected()).isTrue();
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getRemoteSocketAddress()).isEqualTo(ch.getLocalAddress());
            }
        }
    }

    @Test
    void refusalKnownBeforeTheChannelLooksIsReportedByOpConnectAndFinishConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Selector sel = PROVIDER.openSelector(); JmtcpSocketChannel ch = new JmtcpSocketChannel(PROVIDER, new CompletedFirst())) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);

            assertThat(ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))).isFalse();
            assertThat(sel.select(5000)).isEqualTo(1);
            assertThat(key.isConnectable()).isTrue();
            assertThatThrownBy(ch::finishConnect).isInstanceOf(ConnectException.class).hasMessage("Connection refused");
            assertThat(ch.isOpen()).isFalse();
        }
    }
}
