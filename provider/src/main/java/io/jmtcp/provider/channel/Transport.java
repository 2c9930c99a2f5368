package io.jmtcp.provider.channel;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where channels get their connections and listeners: the seam at which routing (issue 5 item 5)
 * will choose between jmtcp and the kernel per bind and connect address. Channels never reach
 * an engine except through this interface and the backends it returns.
 *
 * <p>Threads: any.
 */
public interface Transport {

    /**
     * Starts connecting (non-blocking) from {@code local} (null: any address, ephemeral port) to
     * {@code remote}, with the channel's options already applied.
     */
    StreamConnection connect(InetSocketAddress local, InetSocketAddress remote, TcpOptions options) throws IOException;

    /**
     * Listens on {@code local} (port 0: ephemeral).
     *
     * @throws java.net.BindException "Address already in use", or "Cannot assign requested address"
     */
    ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException;

    /**
     * Checks that a connecting channel may bind {@code local}; returns the address as bound.
     *
     * @throws java.net.BindException if the address is not one of ours
     */
    InetSocketAddress bindLocal(InetSocketAddress local) throws IOException;

    /** SO_RCVBUF reported while the channel has not set one. */
    int defaultReceiveBuffer();

    /** SO_SNDBUF reported while the channel has not set one. */
    int defaultSendBuffer();
}
