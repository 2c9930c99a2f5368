package io.jmtcp.provider.channel;

import java.net.InetSocketAddress;

/**
 * A client channel's local address, bound before connect: its port is assigned and held (on
 * jmtcp, on the kernel, or on both while the route is undecided) until a connect takes it over
 * or the channel closes and {@link #release()}s it.
 *
 * <p>Threads: used under the owning channel's locks.
 */
public interface LocalBinding {

    /** The bound address, port assigned. */
    InetSocketAddress address();

    /** Frees the port (the channel closed without connecting). Idempotent. */
    void release();
}
