package io.jmtcp.provider.channel;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.provider.route.RouteRule;
import io.jmtcp.provider.route.Router;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The provider's {@link Transport}: each bind and connect goes to jmtcp or to the kernel as the
 * {@link Router} decides (issue 5 items 4-6). Channels record options, blocking mode and
 * registrations themselves, so the late decision costs nothing: the chosen backend is handed
 * the options and wired to the channel's keys when it appears.
 * <ul>
 * <li>A listener routed to jmtcp on an address the kernel also has listens on both sides at
 *     the same port ({@link DualListener}); with port 0 the kernel picks the port first and jmtcp
 *     takes the same one. If the kernel port is taken the bind fails with a
 *     {@link BindException} naming the port.</li>
 * <li>A client bound before connect to the wildcard or loopback holds the port on both sides
 *     until the destination decides; then the other side's hold is released.</li>
 * </ul>
 *
 * <p>Threads: any.
 */
public final class RoutingTransport implements Transport {

    /** Attempts at a port free on both sides when a dual listener binds port 0. */
    private static final int DUAL_PORT_ATTEMPTS = 16;

    private final JmtcpTransport jmtcp;
    private final KernelTransport kernel = new KernelTransport(false);
    private final Supplier<JmtcpConfig> config;
    private volatile Router router;

    /** @param jmtcp the jmtcp side; @param config the configuration with the routing keys (loaded on first use) */
    public RoutingTransport(JmtcpTransport jmtcp, Supplier<JmtcpConfig> config) {
        this.jmtcp = jmtcp;
        this.config = config;
    }

    /** The router, built from the configuration on first use (a bad rule fails here, naming it). */
    public Router router() {
        Router r = router;
        if (r == null) {
            synchronized (this) {
                r = router;
                if (r == null) {
                    r = new Router(config.get(), jmtcp::listens);
                    router = r;
                }
            }
        }
        return r;
    }

    @Override
    public StreamConnection connect(LocalBinding local, InetSocketAddress remote, TcpOptions options) throws IOException {
        if (local instanceof JmtcpTransport.Binding) {
            return jmtcp.connect(local, remote, options);
        }
        if (local instanceof KernelTransport.Binding) {
            return kernel.connect(local, remote, options);
        }
        boolean toJmtcp = router().connect(remote) == Router.Decision.JMTCP;
        if (local instanceof EitherBinding) {
            EitherBinding e = (EitherBinding) local;
            if (toJmtcp) {
                e.kernelSide.release();
                return jmtcp.connect(e.jmtcpSide, remote, options);
            }
            e.jmtcpSide.release();
            return kernel.connect(e.kernelSide, remote, options);
        }
        return toJmtcp ? jmtcp.connect(null, remote, options) : kernel.connect(null, remote, options);
    }

    @Override
    public ListenerBackend listen(InetSocketAddress local, int backlog, TcpOptions options) throws IOException {
        Router.Listen how = router().listen(local);
        if (how.target() == RouteRule.Target.KERNEL) {
            return kernel.listen(local, backlog, options);
        }
        if (!how.kernelSide()) {
            return jmtcp.listen(local, backlog, options);
        }
        if (local.getPort() != 0) {
            JmtcpTransport.Listener j = (JmtcpTransport.Listener) jmtcp.listen(local, backlog, options);
            try {
                return new DualListener(j, KernelListener.open(local, backlog, options));
            } catch (IOException | RuntimeException e) {
                j.close();
                throw kernelPortTaken(local.getPort(), e);
            }
        }
        // port 0: the kernel picks a port that is free on its side, jmtcp takes the same one
        for (int attempt = 0;; attempt++) {
            KernelListener k = KernelListener.open(local, backlog, options);
            try {
                InetSocketAddress same = new InetSocketAddress(local.getAddress(), k.localAddress().getPort());
                return new DualListener((JmtcpTransport.Listener) jmtcp.listen(same, backlog, options), k);
            } catch (BindException e) {
                k.close();
                if (attempt == DUAL_PORT_ATTEMPTS) {
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                k.close();
                throw e;
            }
        }
    }

    private static BindException kernelPortTaken(int port, Exception cause) {
        BindException b = new BindException("Address already in use: port " + port + " is taken on the kernel side"
                + " (the kernel-side listener of a jmtcp listener; " + JmtcpConfig.ROUTE_KERNEL_LISTEN.name()
                + "=false listens on jmtcp only)");
        b.initCause(cause);
        return b;
    }

    @Override
    public LocalBinding bindLocal(InetSocketAddress local, TcpOptions options) throws IOException {
        switch (router().bind(local)) {
            case JMTCP:
                return jmtcp.bindLocal(local, options);
            case KERNEL:
                return kernel.bindLocal(local, options);
            default:
                // undecided until connect: the kernel picks (or checks) the port, jmtcp holds the same
                LocalBinding k = kernel.bindLocal(local, options);
                try {
                    return new EitherBinding(k, jmtcp.reserve(k.address()));
                } catch (IOException | RuntimeException e) {
                    k.release();
                    throw e;
                }
        }
    }

    @Override
    public int defaultReceiveBuffer() {
        return jmtcp.defaultReceiveBuffer();
    }

    @Override
    public int defaultSendBuffer() {
        return jmtcp.defaultSendBuffer();
    }

    /** A client port held on both sides until the connect's destination picks one. */
    static final class EitherBinding implements LocalBinding {
        final LocalBinding kernelSide;
        final LocalBinding jmtcpSide;

        EitherBinding(LocalBinding kernelSide, LocalBinding jmtcpSide) {
            this.kernelSide = kernelSide;
            this.jmtcpSide = jmtcpSide;
        }

        @Override
        public InetSocketAddress address() {
            return kernelSide.address();
        }

        @Override
        public void release() {
            kernelSide.release();
            jmtcpSide.release();
        }
    }
}
