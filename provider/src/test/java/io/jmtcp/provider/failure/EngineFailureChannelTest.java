package io.jmtcp.provider.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.ForwardingDevice;
import io.jmtcp.engine.dev.FrameBatch;
import io.jmtcp.engine.dev.LoopbackDevice;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.provider.JmtcpSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, test "Failure": if an engine dies, its channels fail on the next operation with an
 * IOException carrying the cause, selectors wake and report those keys ready so applications
 * see the failure, and nothing hangs — seen through the provider's own channels and selector,
 * with one thread in {@code Selector.select()} and one in a blocking {@code read}.
 */
class EngineFailureChannelTest {

    /** A device whose receive path fails on demand, as a TAP whose fd went bad would. */
    private static final class FailingDevice extends ForwardingDevice {
        private volatile RuntimeException failure;

        FailingDevice(NetDevice inner) {
            super(inner, "failing");
        }

        void failWith(RuntimeException e) {
            failure = e;
            inner.wakeup(0);
        }

        @Override
        public int rxBurst(int queue, FrameBatch batch) {
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            return super.rxBurst(queue, batch);
        }
    }

    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime() - deadline).as("%s never blocked", t.getName()).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void deadEngineWakesSelectAndBlockedReadAndEveryChannelOperationThrowsWithTheCause() throws Exception {
        FailingDevice device = new FailingDevice(new LoopbackDevice(1500, 1, 256));
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "blocked-" + r.hashCode());
            t.setDaemon(true);
            return t;
        });
        try (Stack stack = Stack.start(JmtcpConfig.of(Map.of("jmx", "false", "name", "failprov")), device)) {
            JmtcpSelectorProvider provider = new JmtcpSelectorProvider(stack);
            try (ServerSocketChannel ssc = provider.openServerSocketChannel();
                    Selector selector = provider.openSelector()) {
                ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel client = provider.openSocketChannel();
                client.connect(ssc.getLocalAddress());
                SocketChannel server = ssc.accept();
                client.write(ByteBuffer.wrap(new byte[] {1, 2}));
                ByteBuffer two = ByteBuffer.allocate(2);
                while (two.hasRemaining()) {
                    server.read(two);
                }

                client.configureBlocking(false);
                SelectionKey key = client.register(selector, SelectionKey.OP_READ);
                Thread[] parked = new Thread[2];
                Future<Integer> select = threads.submit(() -> {
                    parked[0] = Thread.currentThread();
                    return selector.select(); // no timeout: only the failure can end it
                });
                Future<Integer> read = threads.submit(() -> {
                    parked[1] = Thread.currentThread();
                    return server.read(ByteBuffer.allocate(8)); // blocking mode
                });
                while (parked[0] == null || parked[1] == null) {
                    Thread.sleep(5);
                }
                awaitParked(parked[0]);
                awaitParked(parked[1]);

                RuntimeException boom = new IllegalStateException("injected: device gone");
                device.failWith(boom);

                assertThat(select.get(5, TimeUnit.SECONDS)).as("select returned with the key").isEqualTo(1);
                assertThat(selector.selectedKeys()).containsExactly(key);
                assertThat(key.readyOps() & SelectionKey.OP_READ).isNotZero();
                assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS))
                        .cause().isInstanceOf(IOException.class)
                        .hasMessageContaining("jmtcp engine stopped")
                        .cause().isSameAs(boom);
                assertThatThrownBy(() -> client.read(ByteBuffer.allocate(8)))
                        .isInstanceOf(IOException.class).hasMessageContaining("jmtcp engine stopped")
                        .cause().isSameAs(boom);
                assertThatThrownBy(() -> client.write(ByteBuffer.wrap(new byte[] {3})))
                        .isInstanceOf(IOException.class).cause().isSameAs(boom);
                assertThat(stack.failure()).isSameAs(boom);

                SocketChannel late = provider.openSocketChannel();
                assertThatThrownBy(() -> late.connect(ssc.getLocalAddress()))
                        .isInstanceOf(IOException.class).hasMessageContaining("jmtcp engine stopped");
                late.close();
                client.close();
                server.close();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
