package io.jmtcp.engine.services;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Blocking reads and writes over a non-blocking {@link TcpSocket}, each bounded by an idle
 * timeout: a call that makes no progress for that long fails with
 * {@link SocketTimeoutException}. Waits park on the socket's waiter, so a blocked connection
 * costs no CPU.
 *
 * <p>Threads: one thread reads and writes at a time (the connection's own); {@link #abort()}
 * may come from any thread and makes a blocked call fail.
 */
public final class Connection implements AutoCloseable {

    private final TcpSocket socket;
    private volatile long idleTimeoutNanos;

    /** Wraps a connected (or connecting) socket. */
    public Connection(TcpSocket socket, long idleTimeoutNanos) {
        this.socket = socket;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /** The socket. */
    public TcpSocket socket() {
        return socket;
    }

    /** How long a read or write may wait without progress. */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Changes the idle timeout for the following calls. */
    public void idleTimeoutNanos(long nanos) {
        this.idleTimeoutNanos = nanos;
    }

    /** Waits until the connection is established (or fails) within {@code timeoutNanos}. */
    public void awaitConnected(long timeoutNanos) throws IOException {
        check(socket.awaitConnected(timeoutNanos), "connect");
        IOException failure = socket.failure();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Reads at least one byte into {@code dst}, waiting for it.
     *
     * @return bytes read, or -1 at the end of the stream
     * @throws SocketTimeoutException when nothing arrived within the idle timeout
     */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        for (;;) {
            int n = socket.read(dst);
            if (n != 0) {
                return n;
            }
            check(socket.awaitReadable(idleTimeoutNanos), "read");
        }
    }

    /**
     * Reads at least one byte, waiting at most until {@code deadlineNanos} (a {@link System#nanoTime()}
     * value) or the idle timeout, whichever comes first.
     */
    public int read(ByteBuffer dst, long deadlineNanos) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        for (;;) {
            int n = socket.read(dst);
            if (n != 0) {
                return n;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("read timed out (deadline)");
            }
            check(socket.awaitReadable(Math.min(left, idleTimeoutNanos)), "read");
        }
    }

    /** Writes all of {@code src}, waiting for room in the send ring as needed. */
    public void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (socket.write(src) == 0) {
                check(socket.awaitWritable(idleTimeoutNanos), "write");
            }
        }
    }

    /** Sends FIN after what was written; reading stays possible. */
    public void shutdownOutput() {
        socket.shutdownOutput();
    }

    /** Closes gracefully (FIN after pending data; RST if unread data is left, RFC 2525 2.17). */
    @Override
    public void close() {
        socket.close();
    }

    /** Aborts with RST; a thread blocked in this connection returns with an exception. Any thread. */
    public void abort() {
        socket.lingerSeconds(0);
        socket.close();
    }

    private void check(int waited, String what) throws IOException {
        switch (waited) {
            case Waiter.READY:
                return;
            case Waiter.TIMED_OUT:
                throw new SocketTimeoutException(what + " timed out after " + idleTimeoutNanos / 1_000_000 + " ms");
            case Waiter.INTERRUPTED:
                throw new InterruptedIOException(what + " interrupted");
            default:
                throw new SocketException("Socket closed");
        }
    }
}
