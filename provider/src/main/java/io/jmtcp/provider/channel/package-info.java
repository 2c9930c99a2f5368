/**
 * The channels of the jmtcp provider: {@link io.jmtcp.provider.channel.JmtcpSocketChannel},
 * {@link io.jmtcp.provider.channel.JmtcpServerSocketChannel}, {@link io.jmtcp.provider.channel.JmtcpPipe},
 * the kernel-backed {@link io.jmtcp.provider.channel.KernelDatagramChannel} and the
 * {@code java.net.Socket}/{@code ServerSocket} adaptors.
 *
 * <p>Contract: the JDK's channel semantics (blocking and non-blocking mode, the JDK's exceptions
 * in the JDK's order, interrupts closing the channel, asynchronous close, half-close, options)
 * over a backend reached through {@link io.jmtcp.provider.channel.Transport}: a channel records
 * its options and registrations itself and gets a {@link io.jmtcp.provider.channel.StreamConnection}
 * or {@link io.jmtcp.provider.channel.ListenerBackend} at connect, accept or bind.
 * {@link io.jmtcp.provider.channel.RoutingTransport} picks per address between
 * {@link io.jmtcp.provider.channel.JmtcpTransport} (a jmtcp stack, IPv4) and
 * {@link io.jmtcp.provider.channel.KernelTransport} (the kernel through the JDK's asynchronous
 * channels, whose completions mark keys ready and wake selectors: nothing polls).
 *
 * <p>Threads: as the JDK's channels, one reader and one writer (or one acceptor) at a time per
 * channel, guarded by the channel's locks; blocked threads park in the backend's waiter (virtual
 * threads unmount); engines touch only the sockets' shared state and report readiness through
 * {@link io.jmtcp.provider.select.ChannelKeys} or straight to a selector; the asynchronous channel
 * group's threads (kernel-backed TCP) and one daemon thread per datagram channel only publish
 * state and queue keys.
 */
package io.jmtcp.provider.channel;
