package io.jmtcp.provider.channel;

import io.jmtcp.provider.select.ChannelKeys;
import java.net.InetSocketAddress;

/**
 * What a {@link JmtcpServerSocketChannel} listens with once bound: an accept queue, a readiness
 * predicate, a parking wait and the readiness wiring. Implemented over a jmtcp listening socket,
 * a kernel one ({@link KernelListener}) and both at once ({@link DualListener}).
 *
 * <p>Threads: {@link #accept()} and {@link #awaitAcceptable} by one thread at a time (the
 * channel's accept lock); the rest from any thread.
 */
public interface ListenerBackend {

    /** An established connection, or null if none is waiting. */
    StreamConnection accept();

    /** Waits (parking) until a connection can be accepted; a {@link io.jmtcp.engine.api.Waiter} result. */
    int awaitAcceptable(long timeoutNanos);

    boolean isAcceptable();

    InetSocketAddress localAddress();

    /** Stops listening, resets connections not yet accepted, wakes a blocked acceptor. */
    void close();

    void wire(ChannelKeys keys);

    /** Pushes options that accepted connections inherit. */
    void applyOptions(TcpOptions options);
}
