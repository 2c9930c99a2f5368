package io.jmtcp.provider.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where channels get their connections and listeners: {@link JmtcpTransport} (a jmtcp stack),
 * {@link KernelTransport} (the kernel through the JDK's asynchronous channels) and
 * {@link RoutingTransport}, which picks one of them per bind and connect address (issue 5 item
 * 5). Channels never reach an engine or a kernel socket except through this interface and the
 * backends it returns.
 *
 * <p>Threads: any.
 */
public interface Transport {

    /**
     * Starts connecting (non-blocking) to {@code remote} from {@code local} (null: any address,
     * ephemeral port), with the channel's options already applied. Consumes {@code local}.
     */
    StreamConnection connect(LocalBinding local, InetSocketAddress remote, TcpOptions options) throws IOException;

    /**
     * Listens on {@code local} (port 0: ephemeral).
     *
     * @throws java.net.BindException "Address already in use", or "Cannot assign requested address"
     */
    ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException;

    /**
     * Binds a client channel before it connects: the local port is assigned now (port 0 picks
     * one) and held until the connect consumes the binding or the channel closes.
     *
     * @throws java.net.BindException if the address is not ours or the port is taken
     */
    LocalBinding bindLocal(InetSocketAddress local, TcpOptions options) throws IOException;

    /** SO_RCVBUF reported while the channel has not set one. */
    int defaultReceiveBuffer();

    /** SO_SNDBUF reported while the channel has not set one. */
    int defaultSendBuffer();

    /** The wildcard address {@code bind(null)} binds. */
    default InetAddress anyLocal() {
        return Addresses.toInetAddress(0);
    }
}
