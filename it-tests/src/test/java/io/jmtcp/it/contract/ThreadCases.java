package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.SETTLE_MS;
import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.ascii;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.blockingCall;
import static io.jmtcp.it.contract.ContractSupport.checkClosedByInterrupt;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.sleep;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Outcome;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.zip.CRC32;

/**
 * Threads: interrupts of blocking operations ({@code ClosedByInterruptException}, channel closed,
 * interrupt status kept), closes from other threads ({@code AsynchronousCloseException}), and
 * several threads using one channel at once.
 */
public final class ThreadCases {

    private ThreadCases() {}

    // ---------------------------------------------------------------- interrupts

    public static void interruptedBlockingReadThrowsClosedByInterruptAndClosesTheChannel() throws Exception {
        try (Pair p = pair()) {
            Background<Outcome> reader = blockingCall("reader", () -> p.accepted().read(ByteBuffer.allocate(8)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "read returned without data");
            reader.thread.interrupt();
            checkClosedByInterrupt(reader.await(LONG_MS), "interrupted read");
            check(!p.accepted().isOpen(), "channel still open after ClosedByInterruptException");
            checkEquals(-1, background("peer", () -> p.client().read(ByteBuffer.allocate(8))).await(LONG_MS), "peer read after the interrupt closed the channel");
        }
    }

    public static void interruptedBlockingWriteThrowsClosedByInterrupt() throws Exception {
        try (Pair p = pair()) {
            Background<Outcome> writer = blockingCall("writer", () -> p.client().write(ByteBuffer.allocateDirect(32 * 1024 * 1024)));
            sleep(SETTLE_MS);
            check(!writer.isDone(), "32 MiB write to a non-reading peer returned");
            writer.thread.interrupt();
            checkClosedByInterrupt(writer.await(LONG_MS), "interrupted write");
            check(!p.client().isOpen(), "channel still open after ClosedByInterruptException");
        }
    }

    public static void interruptedBlockingAcceptThrowsClosedByInterrupt() throws Exception {
        try (ServerSocketChannel server = listen()) {
            Background<Outcome> acceptor = blockingCall("acceptor", server::accept);
            sleep(SETTLE_MS);
            check(!acceptor.isDone(), "accept returned without a client");
            acceptor.thread.interrupt();
            checkClosedByInterrupt(acceptor.await(LONG_MS), "interrupted accept");
            check(!server.isOpen(), "listener still open after ClosedByInterruptException");
        }
    }

    public static void blockingConnectWithInterruptStatusSetThrowsClosedByInterrupt() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            Thread.currentThread().interrupt();
            Throwable t = null;
            try {
                client.connect(addressOf(server));
            } catch (Throwable e) {
                t = e;
            }
            checkClosedByInterrupt(new Outcome(t, Thread.interrupted()), "connect with interrupt status set");
            check(!client.isOpen(), "channel still open");
        }
    }

    public static void blockingReadWithInterruptStatusSetThrowsClosedByInterrupt() throws Exception {
        try (Pair p = pair()) {
            writeFully(p.client(), ascii("data"));
            Thread.currentThread().interrupt();
            Throwable t = null;
            try {
                p.accepted().read(ByteBuffer.allocate(8));
            } catch (Throwable e) {
                t = e;
            }
            checkClosedByInterrupt(new Outcome(t, Thread.interrupted()), "read with interrupt status set");
        }
    }

    public static void nonBlockingIoIgnoresTheInterruptStatus() throws Exception {
        try (Pair p = pair()) {
            p.client().configureBlocking(false);
            Thread.currentThread().interrupt();
            try {
                checkEquals(0, p.client().read(ByteBuffer.allocate(8)), "non-blocking read with interrupt status set");
                check(p.client().write(ascii("ok")) == 2, "non-blocking write with interrupt status set");
            } finally {
                check(Thread.interrupted(), "non-blocking I/O cleared the interrupt status");
            }
            check(p.client().isOpen(), "non-blocking I/O with interrupt status set closed the channel");
        }
    }

    // ---------------------------------------------------------------- closes from other threads

    public static void closeFromAnotherThreadEndsABlockedReadWithAsynchronousClose() throws Exception {
        try (Pair p = pair()) {
            Background<Integer> reader = background("reader", () -> p.accepted().read(ByteBuffer.allocate(8)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "read returned without data");
            p.accepted().close();
            reader.awaitFailure(AsynchronousCloseException.class, LONG_MS, "read blocked while another thread closed the channel");
        }
    }

    public static void closeFromAnotherThreadEndsABlockedAcceptWithAsynchronousClose() throws Exception {
        try (ServerSocketChannel server = listen()) {
            Background<SocketChannel> acceptor = background("acceptor", server::accept);
            sleep(SETTLE_MS);
            check(!acceptor.isDone(), "accept returned without a client");
            server.close();
            acceptor.awaitFailure(AsynchronousCloseException.class, LONG_MS, "accept blocked while another thread closed the listener");
        }
    }

    public static void closeFromAnotherThreadEndsABlockedWrite() throws Exception {
        int size = 32 * 1024 * 1024;
        try (Pair p = pair()) {
            Background<Outcome> writer = blockingCall("writer", () -> {
                // the JDK's outcome depends on timing: a write that had transferred bytes may complete with
                // that count (AbstractInterruptibleChannel.end(true)); otherwise it ends with a
                // ClosedChannelException (AsynchronousCloseException, or plain on JDK 17's retry path)
                int n = p.client().write(ByteBuffer.allocateDirect(size));
                check(n > 0 && n < size, "blocked write ended by close returned %d of %d", n, size);
            });
            sleep(SETTLE_MS);
            check(!writer.isDone(), "32 MiB write to a non-reading peer returned");
            p.client().close();
            Throwable t = writer.await(LONG_MS).thrown();
            check(t == null || t instanceof java.nio.channels.ClosedChannelException,
                    "write blocked while another thread closed the channel ended with %s", t);
            check(!p.client().isOpen(), "channel open after close");
        }
    }

    public static void closeFromAnotherThreadEndsABlockedAdaptorRead() throws Exception {
        try (Pair p = pair()) {
            Background<Integer> reader = background("reader", () -> p.accepted().socket().getInputStream().read());
            sleep(SETTLE_MS);
            check(!reader.isDone(), "adaptor read returned without data");
            p.accepted().close();
            reader.awaitFailure(IOException.class, LONG_MS, "adaptor read blocked while another thread closed the channel");
        }
    }

    // ---------------------------------------------------------------- several threads on one channel

    public static void concurrentReaderAndWriterThreadsOnOneChannel() throws Exception {
        int size = 8 * 1024 * 1024;
        try (Pair p = pair()) {
            Background<Void> echo = background("echo", () -> {
                ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
                while (p.accepted().read(b) != -1) {
                    b.flip();
                    writeFully(p.accepted(), b);
                    b.clear();
                }
                p.accepted().shutdownOutput();
                return null;
            });
            // full duplex: without a reader running while the writer writes, both buffers fill and it stalls
            Background<Long> writer = background("writer", () -> {
                CRC32 crc = new CRC32();
                ByteBuffer chunk = ContractSupport.pattern(64 * 1024, 11);
                for (int sent = 0; sent < size; sent += chunk.capacity()) {
                    chunk.clear();
                    crc.update(chunk.duplicate());
                    writeFully(p.client(), chunk);
                }
                p.client().shutdownOutput();
                return crc.getValue();
            });
            Background<Long> reader = background("reader", () -> {
                CRC32 crc = new CRC32();
                ByteBuffer b = ByteBuffer.allocate(50_000);
                long total = 0;
                int n;
                while ((n = p.client().read(b)) != -1) {
                    b.flip();
                    crc.update(b);
                    b.clear();
                    total += n;
                }
                check(total == size, "echoed %d of %d bytes", total, size);
                return crc.getValue();
            });
            long sent = writer.await(20_000);
            long received = reader.await(20_000);
            echo.await(LONG_MS);
            checkEquals(sent, received, "CRC32 of the echoed stream");
        }
    }

    public static void concurrentBlockingWritesDoNotInterleave() throws Exception {
        int chunk = 32 * 1024;
        int perThread = 64;
        try (Pair p = pair()) {
            Background<?>[] writers = new Background<?>[2];
            for (int w = 0; w < writers.length; w++) {
                byte id = (byte) (w + 1);
                writers[w] = background("writer-" + w, () -> {
                    ByteBuffer b = ByteBuffer.allocate(chunk);
                    for (int i = 0; i < perThread; i++) {
                        b.clear();
                        while (b.hasRemaining()) {
                            b.put(id);
                        }
                        b.flip();
                        int n = p.client().write(b);
                        check(n == chunk, "a blocking write wrote %d of %d bytes", n, chunk);
                    }
                    return null;
                });
            }
            ByteBuffer in = ByteBuffer.allocate(chunk);
            int[] counts = new int[3];
            for (int c = 0; c < writers.length * perThread; c++) {
                in.clear();
                while (in.hasRemaining()) {
                    check(p.accepted().read(in) > 0, "stream ended early");
                }
                byte first = in.get(0);
                for (int i = 1; i < chunk; i++) {
                    if (in.get(i) != first) {
                        throw new AssertionError("bytes of two concurrent writes interleaved within chunk " + c);
                    }
                }
                counts[first]++;
            }
            for (Background<?> w : writers) {
                w.await(LONG_MS);
            }
            check(counts[1] == perThread && counts[2] == perThread, "chunks per writer: %d and %d", counts[1], counts[2]);
        }
    }

    public static void concurrentReadersShareTheStreamWithoutLossOrDuplication() throws Exception {
        int size = 4 * 1024 * 1024;
        try (Pair p = pair()) {
            Background<?>[] readers = new Background<?>[2];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = background("reader-" + r, () -> {
                    long sum = 0;
                    long count = 0;
                    ByteBuffer b = ByteBuffer.allocate(10_000);
                    int n;
                    while ((n = p.accepted().read(b)) != -1) {
                        for (int i = 0; i < n; i++) {
                            sum += b.get(i) & 0xff;
                        }
                        count += n;
                        b.clear();
                    }
                    return new long[] {sum, count};
                });
            }
            ByteBuffer data = ContractSupport.pattern(size, 12);
            long expected = 0;
            for (int i = 0; i < size; i++) {
                expected += data.get(i) & 0xff;
            }
            writeFully(p.client(), data);
            p.client().shutdownOutput();
            long got = 0;
            long count = 0;
            for (Background<?> r : readers) {
                long[] result = (long[]) r.await(20_000);
                got += result[0];
                count += result[1];
            }
            checkEquals((long) size, count, "bytes both readers received");
            checkEquals(expected, got, "sum of the bytes both readers received");
        }
    }

    public static void closeWhileAnotherThreadWritesLeavesNoHang() throws Exception {
        try (Pair p = pair()) {
            Background<Long> drainer = background("drainer", () -> ContractSupport.drainToEof(p.accepted()));
            Background<Void> writer = background("writer", () -> {
                ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
                try {
                    while (true) {
                        b.clear();
                        p.client().write(b);
                    }
                } catch (IOException expectedOnClose) {
                    check(expectedOnClose instanceof java.nio.channels.ClosedChannelException,
                            "writer ended with %s instead of a ClosedChannelException", expectedOnClose);
                }
                return null;
            });
            sleep(SETTLE_MS);
            p.client().close();
            writer.await(LONG_MS);
            drainer.await(LONG_MS);
            expectThrows(java.nio.channels.ClosedChannelException.class, "write after close", () -> p.client().write(ascii("x")));
        }
    }
}
