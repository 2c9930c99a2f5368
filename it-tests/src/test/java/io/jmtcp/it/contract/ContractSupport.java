package io.jmtcp.it.contract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the contract cases share: loopback addresses, connected pairs, assertions that throw
 * {@link AssertionError} with a sentence, and background threads with bounded waits. Plain NIO
 * only, through the system-wide provider, so the same code exercises whichever provider the JVM
 * was started with. Every wait is bounded: a case that would hang fails instead.
 */
final class ContractSupport {

    /** How long a case waits for something that must happen (data, a selected key). */
    static final long LONG_MS = 5_000;
    /** A timeout that a case expects to expire (soTimeout, select(timeout)). */
    static final long SHORT_MS = 200;
    /** How long a case lets another thread run into a blocking call before acting on it. */
    static final long SETTLE_MS = 150;

    static final InetAddress LOOPBACK = loopback();

    private ContractSupport() {}

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 127.0.0.1, any port. */
    static InetSocketAddress anyPort() {
        return new InetSocketAddress(LOOPBACK, 0);
    }

    /** A blocking server channel listening on 127.0.0.1 with an ephemeral port. */
    static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(anyPort(), 64);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    static InetSocketAddress addressOf(ServerSocketChannel server) throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** A port on 127.0.0.1 where nothing listens (it did a moment ago, so nobody else took it). */
    static InetSocketAddress closedPort() throws IOException {
        try (ServerSocketChannel server = listen()) {
            return addressOf(server);
        }
    }

    /** A listening server and a connected client/accepted pair, all blocking. */
    record Pair(ServerSocketChannel server, SocketChannel client, SocketChannel accepted) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            closeAll(client, accepted, server);
        }
    }

    static Pair pair() throws IOException {
        ServerSocketChannel server = listen();
        SocketChannel client = null;
        try {
            client = SocketChannel.open(addressOf(server));
            SocketChannel accepted = server.accept();
            check(accepted != null, "blocking accept returned null");
            return new Pair(server, client, accepted);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(client, server);
            throw e;
        }
    }

    static void closeAll(AutoCloseable... closeables) throws IOException {
        IOException first = null;
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            } catch (Exception e) {
                first = first == null ? new IOException(e) : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---------------------------------------------------------------- assertions

    static void check(boolean condition, String message, Object... args) {
        if (!condition) {
            throw new AssertionError(args.length == 0 ? message : String.format(message, args));
        }
    }

    static void checkEquals(Object expected, Object actual, String what) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }

    /** An action that may throw anything. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} and returns what it threw, which must be a {@code type}. */
    static <T extends Throwable> T expectThrows(Class<T> type, String what, Action action) {
        try {
            action.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            AssertionError e = new AssertionError(what + ": expected " + type.getName() + " but got " + t);
            e.initCause(t);
            throw e;
        }
        throw new AssertionError(what + ": expected " + type.getName() + " but nothing was thrown");
    }

    static void checkMessageContains(Throwable t, String fragment, String what) {
        check(t.getMessage() != null && t.getMessage().contains(fragment),
                "%s: expected a message containing \"%s\" but got %s", what, fragment, t);
    }

    // ---------------------------------------------------------------- data

    /** {@code n} bytes of a pattern that differs per seed, so misplaced bytes show. */
    static ByteBuffer pattern(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, (byte) (seed * 31 + i * 7 + (i >>> 8)));
        }
        return b;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static String ascii(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        d.flip();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static void checkSameBytes(ByteBuffer expected, ByteBuffer actual, String what) {
        ByteBuffer e = expected.duplicate().clear();
        ByteBuffer a = actual.duplicate();
        a.flip();
        if (!e.equals(a)) {
            throw new AssertionError(what + ": received bytes differ from sent (sent " + e.remaining()
                    + ", received " + a.remaining() + ")");
        }
    }

    /** Writes all of {@code b} on a blocking channel (which must write it all in one call). */
    static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.write(b);
            check(n > 0 || b.remaining() == 0, "blocking write returned %d with %d bytes remaining", n, b.remaining());
        }
    }

    /** Reads exactly {@code n} bytes from a blocking channel; fails at a premature EOF. */
    static ByteBuffer readFully(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = ch.read(b);
            check(r != -1, "EOF after %d of %d bytes", b.position(), n);
            check(r > 0, "blocking read returned %d", r);
        }
        return b;
    }

    /** Reads a blocking channel until EOF, counting bytes. */
    static long drainToEof(ReadableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        int r;
        while ((r = ch.read(b)) != -1) {
            total += r;
            b.clear();
        }
        return total;
    }

    /** Reads exactly {@code n} bytes from a blocking channel and discards them. */
    static void drain(ReadableByteChannel ch, long n) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        long left = n;
        while (left > 0) {
            b.clear().limit((int) Math.min(b.capacity(), left));
            int r = ch.read(b);
            check(r > 0, "read returned %d with %d of %d bytes still expected", r, left, n);
            left -= r;
        }
    }

    /**
     * Writes to a non-blocking channel until a write returns 0 (the peer's receive window and our
     * send buffer are full), and returns how much was written.
     */
    static long fill(WritableByteChannel nonBlocking) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        long limit = 512L * 1024 * 1024;
        while (total < limit) {
            chunk.clear();
            int n = nonBlocking.write(chunk);
            check(n >= 0, "non-blocking write returned %d", n);
            if (n == 0) {
                return total;
            }
            total += n;
        }
        throw new AssertionError("a non-blocking write never returned 0 after " + total + " bytes to a peer that does not read");
    }

    /**
     * Fills a non-blocking channel whose peer reads nothing until it stays unwritable: writes until
     * a write returns 0, then checks that OP_WRITE is not selected for {@link #SHORT_MS}. A stack
     * that moves queued data into the peer's window after the write returned (any stack but the
     * kernel's synchronous loopback) becomes writable again and is filled again; every OP_WRITE it
     * reports must let a write make progress (a spurious OP_WRITE would make event loops spin).
     * The peer's window is finite, so this ends. Returns the bytes written.
     */
    static long fillUntilUnwritable(SocketChannel nonBlocking) throws IOException {
        long total = 0;
        try (Selector probe = Selector.open()) {
            SelectionKey key = nonBlocking.register(probe, SelectionKey.OP_WRITE);
            for (int round = 0; round < 100; round++) {
                total += fill(nonBlocking);
                probe.selectedKeys().clear();
                if (probe.select(SHORT_MS) == 0) {
                    return total;
                }
                check(key.isWritable(), "probe selected without OP_WRITE: %s", ops(key.readyOps()));
                int n = nonBlocking.write(ByteBuffer.allocate(1));
                check(n == 1, "OP_WRITE was selected but a write then accepted %d bytes (spurious readiness), after %d bytes", n, total);
                total += n;
            }
        }
        throw new AssertionError("OP_WRITE kept being selected after " + total + " bytes to a peer that reads nothing");
    }

    // ---------------------------------------------------------------- selection

    /** Selects (bounded) until {@code key} is in the selected set with all of {@code ops} ready. */
    static void awaitSelected(Selector selector, SelectionKey key, int ops) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONG_MS);
        while (true) {
            if (selector.selectedKeys().contains(key) && (key.readyOps() & ops) == ops) {
                return;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            check(left > 0, "key was not selected with ops %s within %d ms (interest %s, ready %s)",
                    ops(ops), LONG_MS, key.isValid() ? ops(key.interestOps()) : "cancelled",
                    key.isValid() ? ops(key.readyOps()) : "cancelled");
            selector.select(Math.max(1, left));
        }
    }

    static String ops(int ops) {
        StringBuilder s = new StringBuilder();
        if ((ops & SelectionKey.OP_READ) != 0) s.append("READ|");
        if ((ops & SelectionKey.OP_WRITE) != 0) s.append("WRITE|");
        if ((ops & SelectionKey.OP_CONNECT) != 0) s.append("CONNECT|");
        if ((ops & SelectionKey.OP_ACCEPT) != 0) s.append("ACCEPT|");
        return s.length() == 0 ? "0" : s.substring(0, s.length() - 1);
    }

    /**
     * Makes sure bytes written by the peer have arrived, leaving {@code pending} of them unread:
     * reads the first byte in blocking mode (so the data is known to be there before, say, a key
     * is registered), then switches the channel to non-blocking mode.
     */
    static void receiveLeavingPending(SocketChannel peerWriter, SocketChannel reader, int pending) throws IOException {
        writeFully(peerWriter, pattern(pending + 1, 9));
        check(reader.isBlocking(), "reader must start in blocking mode");
        ByteBuffer one = ByteBuffer.allocate(1);
        check(reader.read(one) == 1, "first byte did not arrive");
        reader.configureBlocking(false);
    }

    // ---------------------------------------------------------------- threads

    /** What a background blocking call threw, and whether its thread was still interrupted after. */
    record Outcome(Throwable thrown, boolean interrupted) {}

    static Background<Outcome> blockingCall(String name, ContractSupport.Action call) {
        return background(name, () -> {
            try {
                call.run();
                return new Outcome(null, Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                return new Outcome(t, Thread.currentThread().isInterrupted());
            }
        });
    }

    static void checkClosedByInterrupt(Outcome o, String what) {
        check(o.thrown() instanceof java.nio.channels.ClosedByInterruptException, "%s: expected ClosedByInterruptException but got %s", what, o.thrown());
        check(o.interrupted(), "%s: interrupt status cleared", what);
    }

    static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    static <T> Background<T> background(String name, Callable<T> task) {
        return new Background<>(name, task);
    }

    /** A task on its own daemon thread, awaited with a bound. */
    static final class Background<T> {
        final Thread thread;
        private final FutureTask<T> future;

        Background(String name, Callable<T> task) {
            future = new FutureTask<>(task);
            thread = new Thread(future, "contract-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean isDone() {
            return future.isDone();
        }

        /** The task's result; rethrows what it threw; fails if it does not finish in time. */
        T await(long ms) throws Exception {
            try {
                return future.get(ms, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            } catch (TimeoutException e) {
                throw new AssertionError("thread " + thread.getName() + " still running after " + ms
                        + " ms, at " + Arrays.toString(Arrays.copyOf(thread.getStackTrace(), 6)));
            }
        }

        /** What the task threw, which must be a {@code type}, within {@code ms}. */
        <X extends Throwable> X awaitFailure(Class<X> type, long ms, String what) {
            return expectThrows(type, what, () -> await(ms));
        }
    }
}
