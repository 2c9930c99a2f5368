package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.function.BooleanSupplier;
import jdk.net.ExtendedSocketOptions;

/**
 * A kernel TCP connection adapted to the non-blocking {@link StreamConnection} contract, over an
 * {@link AsynchronousSocketChannel}: the JDK's asynchronous channels reach the kernel with no
 * JVM flag even under a custom {@code SelectorProvider} (ENVIRONMENT.md), while its
 * {@code sun.nio.ch} channels would need the agent.
 *
 * <p>How it fits a selector without busy-polling: at most one asynchronous read is outstanding,
 * into an internal buffer; its completion (on the JDK's asynchronous channel group threads, which
 * wait in epoll) publishes the bytes, wakes a blocked reader and queues the channel's keys at
 * their selectors ({@link ChannelKeys#readinessChanged()}). A read copies out of the buffer and,
 * once it is drained, starts the next asynchronous read. A write copies into an internal buffer
 * and starts one asynchronous write; while it is pending further writes return 0 (back-pressure,
 * OP_WRITE not ready) and its completion reports the channel writable again. A failure (reset,
 * refused, broken pipe) is kept and thrown by the next operation, as the JDK's exception type.
 *
 * <p>Not carried over from the kernel socket: SO_LINGER and IP_TOS (the asynchronous channel
 * does not support them; the channel keeps the values it was given).
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks); completion handlers on
 * the asynchronous channel group's threads; they take no lock the application holds, except a
 * private monitor that orders a deferred shutdownOutput after the pending write.
 */
final class KernelConnection implements StreamConnection {

    /** Bytes read ahead or written behind per connection, when SO_RCVBUF/SO_SNDBUF say nothing. */
    private static final int DEFAULT_BUFFER = 64 * 1024;

    private final AsynchronousSocketChannel ch;
    private final Waiter waiter = new Waiter();
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final Object outLock = new Object();

    private final BooleanSupplier readReady = this::isReadable;
    private final BooleanSupplier writeReady = this::isWritable;
    private final BooleanSupplier connectReady = this::isConnectFinished;
    private final CompletionHandler<Void, Void> connectHandler = new Connected();
    private final CompletionHandler<Integer, Void> readHandler = new ReadDone();
    private final CompletionHandler<Integer, Void> writeHandler = new WriteDone();

    private volatile ChannelKeys keys;
    private volatile boolean connected;
    private volatile boolean closed;
    /** {@link #in} holds bytes for the application (read mode); the read side is then idle. */
    private volatile boolean buffered;
    private volatile boolean eof;
    private volatile boolean inputShut;
    /** An asynchronous write of {@link #out} is in flight. */
    private volatile boolean writing;
    private volatile Throwable failure;
    // guarded by outLock
    private boolean shutdownRequested;
    private boolean shutdownDone;

    private KernelConnection(AsynchronousSocketChannel ch, TcpOptions options, boolean connected) {
        this.ch = ch;
        this.connected = connected;
        this.in = ByteBuffer.allocateDirect(size(options == null ? 0 : options.receiveBuffer));
        this.out = ByteBuffer.allocateDirect(size(options == null ? 0 : options.sendBuffer));
    }

    private static int size(int requested) {
        return requested <= 0 ? DEFAULT_BUFFER : Math.max(4096, Math.min(requested, 1 << 20));
    }

    /** Starts connecting {@code ch} (options applied, possibly bound) to {@code remote}. */
    static KernelConnection connect(AsynchronousSocketChannel ch, InetSocketAddress remote, TcpOptions options) {
        KernelConnection c = new KernelConnection(ch, options, false);
        try {
            ch.connect(remote, null, c.connectHandler);
        } catch (RuntimeException e) {
            c.fail(e);
        }
        return c;
    }

    /** A connection the kernel accepted; reading ahead starts at once. */
    static KernelConnection accepted(AsynchronousSocketChannel ch) {
        KernelConnection c = new KernelConnection(ch, null, true);
        c.startRead();
        return c;
    }

    /** Applies what the kernel's asynchronous channel supports of {@code o}. */
    static void apply(AsynchronousSocketChannel ch, TcpOptions o) throws IOException {
        set(ch, StandardSocketOptions.TCP_NODELAY, o.noDelay);
        set(ch, StandardSocketOptions.SO_KEEPALIVE, o.keepAlive);
        if (o.reuseAddress) {
            set(ch, StandardSocketOptions.SO_REUSEADDR, true);
        }
        if (o.reusePort) {
            set(ch, StandardSocketOptions.SO_REUSEPORT, true);
        }
        if (o.receiveBuffer > 0) {
            set(ch, StandardSocketOptions.SO_RCVBUF, o.receiveBuffer);
        }
        if (o.sendBuffer > 0) {
            set(ch, StandardSocketOptions.SO_SNDBUF, o.sendBuffer);
        }
        if (o.keepAlive) {
            set(ch, ExtendedSocketOptions.TCP_KEEPIDLE, o.keepIdle);
            set(ch, ExtendedSocketOptions.TCP_KEEPINTERVAL, o.keepInterval);
            set(ch, ExtendedSocketOptions.TCP_KEEPCOUNT, o.keepCount);
        }
        if (o.quickAck) {
            set(ch, ExtendedSocketOptions.TCP_QUICKACK, true);
        }
    }

    private static <T> void set(AsynchronousSocketChannel ch, SocketOption<T> name, T value) throws IOException {
        if (ch.supportedOptions().contains(name)) {
            ch.setOption(name, value);
        }
    }

    // ================================================================ completions

    private final class Connected implements CompletionHandler<Void, Void> {
        @Override
        public void completed(Void result, Void attachment) {
            connected = true;
            startRead();
            changed();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            fail(exc);
        }
    }

    private final class ReadDone implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void attachment) {
            if (n < 0) {
                eof = true;
            } else {
                in.flip();
                buffered = true; // publishes the buffer's contents to the reading thread
            }
            changed();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            if (inputShut && !closed) {
                eof = true; // a read cut short by shutdownInput ends the stream
                changed();
                return;
            }
            fail(exc);
        }
    }

    private final class WriteDone implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void attachment) {
            if (out.hasRemaining() && !closed) {
                try {
                    ch.write(out, null, this);
                    return;
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
            }
            synchronized (outLock) {
                writing = false;
                if (shutdownRequested && !shutdownDone) {
                    shutdownDone = true;
                    shutdownNow();
                }
            }
            changed();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            synchronized (outLock) {
                writing = false;
            }
            fail(exc);
        }
    }

    /** Starts the one asynchronous read into {@link #in}, unless the read side is done. */
    private void startRead() {
        if (closed || eof || inputShut || failure != null) {
            return;
        }
        in.clear();
        try {
            ch.read(in, null, readHandler);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable exc) {
        if (!closed && !(exc instanceof AsynchronousCloseException) && failure == null) {
            failure = exc;
        }
        changed();
    }

    /** Wakes blocked threads and queues the channel's keys at their selectors. Any thread. */
    private void changed() {
        waiter.signal(Waiter.READER | Waiter.WRITER);
        ChannelKeys k = keys;
        if (k != null) {
            k.readinessChanged();
        }
    }

    // ================================================================ transfer

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (buffered) {
            int n = copy(in, dst);
            drained();
            return n;
        }
        return nothingToRead();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (buffered) {
            long n = 0;
            for (int i = offset, end = offset + length; i < end && in.hasRemaining(); i++) {
                n += copy(in, dsts[i]);
            }
            drained();
            return n;
        }
        return nothingToRead();
    }

    private void drained() {
        if (!in.hasRemaining()) {
            buffered = false;
            startRead();
        }
    }

    private int nothingToRead() throws IOException {
        if (eof) {
            return -1;
        }
        if (failure != null) {
            throw failure();
        }
        return 0;
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        if (n > 0) {
            int limit = from.limit();
            from.limit(from.position() + n);
            to.put(from);
            from.limit(limit);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (failure != null) {
            throw failure();
        }
        if (writing || !src.hasRemaining()) {
            return 0;
        }
        out.clear();
        int n = copy(src, out);
        return startWrite(n);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure();
        }
        if (writing) {
            return 0;
        }
        out.clear();
        int n = 0;
        for (int i = offset, end = offset + length; i < end && out.hasRemaining(); i++) {
            n += copy(srcs[i], out);
        }
        return n == 0 ? 0 : startWrite(n);
    }

    private int startWrite(int n) {
        out.flip();
        writing = true;
        try {
            ch.write(out, null, writeHandler);
        } catch (RuntimeException e) {
            synchronized (outLock) {
                writing = false;
            }
            fail(e);
        }
        return n;
    }

    // ================================================================ waits and state

    @Override
    public int awaitReadable(long timeoutNanos) {
        return waiter.await(Waiter.READER, readReady, timeoutNanos);
    }

    @Override
    public int awaitWritable(long timeoutNanos) {
        return waiter.await(Waiter.WRITER, writeReady, timeoutNanos);
    }

    @Override
    public int awaitConnected(long timeoutNanos) {
        return waiter.await(Waiter.WRITER, connectReady, timeoutNanos);
    }

    @Override
    public boolean isReadable() {
        return buffered || eof || failure != null;
    }

    @Override
    public boolean isWritable() {
        return (connected && !writing) || failure != null;
    }

    private boolean isConnectFinished() {
        return connected || failure != null;
    }

    @Override
    public boolean isConnected() {
        return connected && failure == null;
    }

    @Override
    public boolean isFailed() {
        return failure != null;
    }

    /** A fresh exception of the JDK's type for the failure (one per throw, as the JDK's). */
    @Override
    public IOException failure() {
        Throwable f = failure;
        if (f == null) {
            return null;
        }
        String m = f.getMessage() == null ? "" : f.getMessage();
        IOException e;
        if (f instanceof ConnectException) {
            e = new ConnectException(m);
        } else if (m.contains("reset")) {
            e = new SocketException("Connection reset"); // the JDK's NIO channels say exactly this
        } else if (m.contains("Broken pipe")) {
            e = new SocketException("Broken pipe");
        } else if (f instanceof ClosedChannelException) {
            e = new ClosedChannelException();
        } else if (f instanceof SocketException) {
            e = new SocketException(m);
        } else {
            e = new IOException(m.isEmpty() ? f.toString() : m);
        }
        e.initCause(f);
        return e;
    }

    @Override
    public int available() {
        return buffered ? in.remaining() : 0;
    }

    @Override
    public void shutdownInput() {
        inputShut = true;
        try {
            ch.shutdownInput();
        } catch (IOException e) {
            // already shut or reset: the channel reports end of stream either way
        }
        changed();
    }

    @Override
    public void shutdownOutput() {
        synchronized (outLock) {
            shutdownRequested = true;
            if (writing || shutdownDone) {
                return; // the pending write's completion sends the FIN after the data
            }
            shutdownDone = true;
        }
        shutdownNow();
    }

    private void shutdownNow() {
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        keys = null;
        try {
            ch.close(); // pending operations fail with AsynchronousCloseException, ignored
        } catch (IOException e) {
            // nothing to report on close
        }
        waiter.close();
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void applyOptions(TcpOptions options) {
        try {
            apply(ch, options);
        } catch (IOException e) {
            // a closed or failed socket: the next operation reports it
        }
    }

    @Override
    public void wire(ChannelKeys keys) {
        this.keys = keys;
        keys.readinessChanged();
    }
}
