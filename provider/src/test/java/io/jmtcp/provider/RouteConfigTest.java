package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.ascii;
import static io.jmtcp.provider.Loopback.loopback;
import static io.jmtcp.provider.Loopback.readFully;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The routing keys end to end, on a provider over a stack of the test's own configuration. */
@Timeout(30)
class RouteConfigTest {

    @Test
    void kernelListenOffLeavesTheKernelSideClosedAndRulesOverrideTheDefaults() throws Exception {
        try (ServerSocket kernel = new ServerSocket(0, 50, loopback())) {
            int kernelPort = kernel.getLocalPort();
            JmtcpConfig config = JmtcpConfig.of(Map.of("jmx", "false", "name", "routecfg",
                    "route.kernel-listen", "false",
                    // a connect to the kernel server's port is forced onto jmtcp, where nothing listens
                    "route.rules", "jmtcp connect 127.0.0.1 " + kernelPort));
            try (Stack stack = Stack.start(config)) {
                SelectorProvider provider = new JmtcpSelectorProvider(stack);
                try (ServerSocketChannel ssc = provider.openServerSocketChannel()) {
                    ssc.bind(new InetSocketAddress(loopback(), 0));
                    InetSocketAddress at = (InetSocketAddress) ssc.getLocalAddress();
                    // no kernel side: a kernel client is refused
                    try (Socket viaKernel = new Socket()) {
                        assertThatThrownBy(() -> viaKernel.connect(at, 5000)).isInstanceOf(ConnectException.class);
                    }
                    // a client of this provider reaches it through jmtcp
                    long opens = stack.counter(Counter.TCP_ACTIVE_OPENS);
                    try (SocketChannel client = provider.openSocketChannel()) {
                        client.connect(at);
                        SocketChannel accepted = ssc.accept();
                        client.write(ascii("in-stack"));
                        assertThat(readFully(accepted, 8)).isEqualTo("in-stack");
                        accepted.close();
                    }
                    assertThat(stack.counter(Counter.TCP_ACTIVE_OPENS) - opens).isEqualTo(1);
                }
                // the rule sends this connect to jmtcp although only the kernel listens there
                SocketChannel forced = provider.openSocketChannel();
                assertThatThrownBy(() -> forced.connect(new InetSocketAddress(loopback(), kernelPort)))
                        .isInstanceOf(ConnectException.class).hasMessage("Connection refused");
            }
        }
    }
}
