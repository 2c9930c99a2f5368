package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Bulk data the way applications move it: a 16 MiB echo through one non-blocking selector loop
 * that handles both ends (partial writes, interest switching), a 16 MiB blocking transfer between
 * threads, and many connections accepted and served by one selector.
 */
public final class TransferCases {

    private TransferCases() {}

    private static final int SIZE = 16 * 1024 * 1024;
    private static final long DEADLINE_MS = 25_000;

    private static byte dataAt(long i) {
        return (byte) (i ^ (i >>> 9) ^ (i >>> 17));
    }

    public static void largeEchoThroughOneSelectorLoopKeepsEveryByte() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            SocketChannel client = p.client();
            SocketChannel server = p.accepted();
            client.configureBlocking(false);
            server.configureBlocking(false);
            SelectionKey ck = client.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            SelectionKey sk = server.register(selector, SelectionKey.OP_READ);
            ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024).limit(0);
            ByteBuffer echo = ByteBuffer.allocateDirect(48 * 1024);
            ByteBuffer in = ByteBuffer.allocateDirect(80 * 1024);
            CRC32 sentCrc = new CRC32();
            CRC32 receivedCrc = new CRC32();
            long generated = 0;
            long received = 0;
            long deadline = System.nanoTime() + DEADLINE_MS * 1_000_000;
            while (received < SIZE) {
                check(System.nanoTime() < deadline, "echo loop: %d of %d bytes back after %d ms", received, SIZE, DEADLINE_MS);
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key == ck) {
                        if (key.isValid() && key.isWritable()) {
                            while (true) {
                                if (!out.hasRemaining()) {
                                    if (generated == SIZE) {
                                        ck.interestOps(SelectionKey.OP_READ);
                                        break;
                                    }
                                    int n = (int) Math.min(out.capacity(), SIZE - generated);
                                    out.clear().limit(n);
                                    for (int i = 0; i < n; i++) {
                                        out.put(i, dataAt(generated + i));
                                    }
                                    sentCrc.update(out.duplicate());
                                    generated += n;
                                }
                                if (client.write(out) == 0) {
                                    break;
                                }
                            }
                        }
                        if (key.isValid() && key.isReadable()) {
                            int n;
                            while ((n = client.read(in)) > 0) {
                                in.flip();
                                receivedCrc.update(in);
                                in.clear();
                                received += n;
                            }
                            check(n != -1, "client saw EOF after %d bytes", received);
                        }
                    } else if (key == sk) {
                        int r = server.read(echo);
                        check(r != -1, "server saw EOF");
                        echo.flip();
                        server.write(echo);
                        echo.compact();
                        sk.interestOps((echo.position() > 0 ? SelectionKey.OP_WRITE : 0)
                                | (echo.hasRemaining() ? SelectionKey.OP_READ : 0));
                    }
                }
                selector.selectedKeys().clear();
            }
            checkEquals((long) SIZE, received, "bytes echoed");
            checkEquals(sentCrc.getValue(), receivedCrc.getValue(), "CRC32 of the echoed data");
        }
    }

    public static void largeBlockingTransferBetweenThreadsKeepsEveryByte() throws Exception {
        try (Pair p = pair()) {
            Background<Long> writer = background("writer", () -> {
                CRC32 crc = new CRC32();
                ByteBuffer b = ByteBuffer.allocate(100_000);
                long sent = 0;
                while (sent < SIZE) {
                    int n = (int) Math.min(b.capacity(), SIZE - sent);
                    b.clear().limit(n);
                    for (int i = 0; i < n; i++) {
                        b.put(i, dataAt(sent + i));
                    }
                    crc.update(b.duplicate());
                    writeFully(p.client(), b);
                    sent += n;
                }
                p.client().close();
                return crc.getValue();
            });
            CRC32 crc = new CRC32();
            ByteBuffer b = ByteBuffer.allocateDirect(37_000);
            long total = 0;
            int n;
            while ((n = p.accepted().read(b)) != -1) {
                b.flip();
                crc.update(b);
                b.clear();
                total += n;
            }
            checkEquals((long) SIZE, total, "bytes received before EOF");
            checkEquals(writer.await(DEADLINE_MS), crc.getValue(), "CRC32 of the transfer");
        }
    }

    /** A client of the many-connections case: what it sends and what came back. */
    private static final class Client {
        final ByteBuffer out;
        final ByteBuffer in;

        Client(int seed) {
            out = ContractSupport.pattern(1024, seed);
            in = ByteBuffer.allocate(1024);
        }
    }

    public static void manyConnectionsAcceptedAndServedByOneSelector() throws Exception {
        int count = 50;
        List<SocketChannel> channels = new ArrayList<>();
        try (ServerSocketChannel server = listen(); Selector selector = Selector.open()) {
            server.configureBlocking(false);
            SelectionKey acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
            for (int i = 0; i < count; i++) {
                SocketChannel c = SocketChannel.open();
                channels.add(c);
                c.configureBlocking(false);
                boolean connected = c.connect(addressOf(server));
                c.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, new Client(i));
            }
            int done = 0;
            int accepted = 0;
            long deadline = System.nanoTime() + DEADLINE_MS * 1_000_000;
            while (done < count) {
                check(System.nanoTime() < deadline, "%d of %d clients got their echo (%d accepted)", done, count, accepted);
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key == acceptKey) {
                        SocketChannel a;
                        while ((a = server.accept()) != null) {
                            channels.add(a);
                            accepted++;
                            a.configureBlocking(false);
                            a.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(4096));
                        }
                    } else if (key.attachment() instanceof Client c) {
                        SocketChannel ch = (SocketChannel) key.channel();
                        if (key.isConnectable()) {
                            check(ch.finishConnect(), "finishConnect after OP_CONNECT returned false");
                            key.interestOps(SelectionKey.OP_WRITE);
                        } else if (key.isWritable()) {
                            ch.write(c.out);
                            if (!c.out.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        } else if (key.isReadable()) {
                            check(ch.read(c.in) >= 0, "client saw EOF");
                            if (!c.in.hasRemaining()) {
                                ContractSupport.checkSameBytes(c.out, c.in, "echo");
                                key.interestOps(0);
                                done++;
                            }
                        }
                    } else if (key.attachment() instanceof ByteBuffer echo) {
                        SocketChannel ch = (SocketChannel) key.channel();
                        check(ch.read(echo) >= 0, "server side saw EOF");
                        echo.flip();
                        ch.write(echo);
                        echo.compact();
                        key.interestOps((echo.position() > 0 ? SelectionKey.OP_WRITE : 0)
                                | (echo.hasRemaining() ? SelectionKey.OP_READ : 0));
                    }
                }
                selector.selectedKeys().clear();
            }
            checkEquals(count, accepted, "connections accepted");
        } finally {
            ContractSupport.closeAll(channels.toArray(AutoCloseable[]::new));
        }
    }
}
