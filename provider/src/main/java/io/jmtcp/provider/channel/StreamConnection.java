package io.jmtcp.provider.channel;

import io.jmtcp.provider.select.ChannelKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What a {@link JmtcpSocketChannel} runs over once it connects or is accepted: non-blocking
 * byte transfer, readiness predicates, waits that park the calling thread, and the readiness
 * wiring to selectors. Implemented over a jmtcp {@link io.jmtcp.engine.api.TcpSocket}
 * ({@link JmtcpTransport}) and over a kernel socket ({@link KernelConnection}), so the channel's
 * NIO semantics stay in one place whichever way a connection was routed.
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks); the predicates from any
 * thread, allocation-free; {@link #close()} from any thread wakes every waiter.
 */
public interface StreamConnection {

    /** Non-blocking read: bytes read, 0 if none, -1 at end of stream; throws the connection's failure. */
    int read(ByteBuffer dst) throws IOException;

    long read(ByteBuffer[] dsts, int offset, int length) throws IOException;

    /** Non-blocking write: bytes taken, 0 if no room; throws the connection's failure. */
    int write(ByteBuffer src) throws IOException;

    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Waits (parking) until readable; returns an {@link io.jmtcp.engine.api.Waiter} result. Negative: no limit. */
    int awaitReadable(long timeoutNanos);

    int awaitWritable(long timeoutNanos);

    int awaitConnected(long timeoutNanos);

    /** Data, end of stream or a failure to report. */
    boolean isReadable();

    /** Room to write, or a failure to report. */
    boolean isWritable();

    /** The connection is established. */
    boolean isConnected();

    /** The connection failed (reset, refused, timed out...). */
    boolean isFailed();

    /** The failure as the JDK's exception, or null. */
    IOException failure();

    /** Bytes that can be read without waiting. */
    int available();

    void shutdownInput();

    void shutdownOutput();

    /** Releases the connection (FIN, or RST with SO_LINGER 0 or unread data) and wakes waiters. */
    void close();

    /** The local address, or null if not yet known. */
    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** Pushes the channel's options. */
    void applyOptions(TcpOptions options);

    /** Reports readiness changes to the selectors of {@code keys}' keys from now on. */
    void wire(ChannelKeys keys);
}
