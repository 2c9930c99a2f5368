package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.listener;
import static io.jmtcp.provider.Loopback.pair;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AllocationTest {

    private static final int MESSAGE = 64;

    @Test
    void selectReadAndWriteAllocateNothingPerOperationAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        try (Selector sel = PROVIDER.openSelector(); ServerSocketChannel ssc = listener()) {
            SocketChannel[] p = pair(ssc);
            try (SocketChannel client = p[0]; SocketChannel server = p[1]) {
                client.configureBlocking(false);
                server.configureBlocking(false);
                SelectionKey ck = client.register(sel, SelectionKey.OP_READ);
                SelectionKey sk = server.register(sel, SelectionKey.OP_READ);
                ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
                ByteBuffer echo = ByteBuffer.allocateDirect(MESSAGE);
                ByteBuffer back = ByteBuffer.allocateDirect(MESSAGE);
                ByteBuffer[] gather = {ByteBuffer.allocateDirect(MESSAGE / 2), ByteBuffer.allocateDirect(MESSAGE / 2)};

                roundTrips(2_000, sel, client, sk, ck, out, echo, back, gather); // warm-up, JIT
                long before = threads.getThreadAllocatedBytes(self);
                int n = 5_000;
                roundTrips(n, sel, client, sk, ck, out, echo, back, gather);
                long allocated = threads.getThreadAllocatedBytes(self) - before;
                // each round trip is 2 writes, 2 reads and >= 2 selects: a single allocation per
                // operation would be >= 16 bytes x 6 x n
                assertThat(allocated).as("bytes allocated in %d round trips", n).isLessThan(n);
            }
        }
    }

    private static void roundTrips(int count, Selector sel, SocketChannel client, SelectionKey serverKey,
            SelectionKey clientKey, ByteBuffer out, ByteBuffer echo, ByteBuffer back, ByteBuffer[] gather)
            throws Exception {
        for (int i = 0; i < count; i++) {
            out.clear();
            while (out.hasRemaining()) {
                client.write(out);
            }
            int got = 0;
            while (got < MESSAGE) {
                sel.select(1000);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k == serverKey) {
                        echo.clear();
                        int r = ((SocketChannel) k.channel()).read(echo);
                        echo.flip();
                        while (echo.hasRemaining()) {
                            ((SocketChannel) k.channel()).write(echo);
                        }
                        assertPositive(r);
                    } else if (k == clientKey) {
                        gather[0].clear();
                        gather[1].clear();
                        got += (int) client.read(gather);
                    }
                }
            }
        }
    }

    private static void assertPositive(int r) {
        if (r <= 0) {
            throw new AssertionError("server read " + r);
        }
    }
}
