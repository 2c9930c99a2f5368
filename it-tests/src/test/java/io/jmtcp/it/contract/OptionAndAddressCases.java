package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.LOOPBACK;
import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;

import io.jmtcp.it.contract.ContractSupport.Pair;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;

/**
 * Socket options through {@code getOption}/{@code setOption} and through the adaptors, the
 * standard options each channel kind supports, and the addresses channels and adaptors report.
 */
public final class OptionAndAddressCases {

    private OptionAndAddressCases() {}

    private static final List<SocketOption<?>> SOCKET_STANDARD = List.of(
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_LINGER, StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.IP_TOS);

    // ---------------------------------------------------------------- supported options

    public static void socketChannelSupportsTheStandardTcpOptions() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            Set<SocketOption<?>> supported = sc.supportedOptions();
            for (SocketOption<?> o : SOCKET_STANDARD) {
                check(supported.contains(o), "SocketChannel.supportedOptions() lacks %s: %s", o, supported);
            }
            for (SocketOption<?> o : List.of(StandardSocketOptions.SO_BROADCAST, StandardSocketOptions.IP_MULTICAST_TTL)) {
                check(!supported.contains(o), "SocketChannel.supportedOptions() contains the datagram option %s", o);
            }
            expectThrows(UnsupportedOperationException.class, "add to supportedOptions()",
                    () -> supported.add(StandardSocketOptions.SO_BROADCAST));
        }
    }

    public static void serverSocketChannelSupportsListenerOptionsOnly() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
            Set<SocketOption<?>> supported = ssc.supportedOptions();
            for (SocketOption<?> o : List.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR)) {
                check(supported.contains(o), "ServerSocketChannel.supportedOptions() lacks %s: %s", o, supported);
            }
            for (SocketOption<?> o : List.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_LINGER,
                    StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_SNDBUF)) {
                check(!supported.contains(o), "ServerSocketChannel.supportedOptions() contains %s", o);
            }
        }
    }

    public static void everySupportedOptionCanBeRead() throws Exception {
        try (Pair p = pair()) {
            for (SocketOption<?> o : p.client().supportedOptions()) {
                check(p.client().getOption(o) != null, "getOption(%s) returned null on a connected channel", o);
            }
            for (SocketOption<?> o : p.server().supportedOptions()) {
                check(p.server().getOption(o) != null, "getOption(%s) returned null on a listener", o);
            }
        }
    }

    // ---------------------------------------------------------------- get / set

    public static void tcpNoDelayDefaultsOffAndCanBeSet() throws Exception {
        try (Pair p = pair()) {
            checkEquals(false, p.client().getOption(StandardSocketOptions.TCP_NODELAY), "default TCP_NODELAY");
            checkEquals(false, p.accepted().getOption(StandardSocketOptions.TCP_NODELAY), "default TCP_NODELAY of an accepted channel");
            p.client().setOption(StandardSocketOptions.TCP_NODELAY, true);
            checkEquals(true, p.client().getOption(StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY after set");
        }
    }

    public static void soKeepAliveDefaultsOffAndCanBeSet() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            checkEquals(false, sc.getOption(StandardSocketOptions.SO_KEEPALIVE), "default SO_KEEPALIVE");
            check(sc.setOption(StandardSocketOptions.SO_KEEPALIVE, true) == sc, "setOption does not return the channel");
            checkEquals(true, sc.getOption(StandardSocketOptions.SO_KEEPALIVE), "SO_KEEPALIVE after set");
        }
    }

    public static void soLingerDefaultsNegativeAndCanBeSet() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            checkEquals(-1, sc.getOption(StandardSocketOptions.SO_LINGER), "default SO_LINGER");
            sc.setOption(StandardSocketOptions.SO_LINGER, 5);
            checkEquals(5, sc.getOption(StandardSocketOptions.SO_LINGER), "SO_LINGER after set(5)");
            sc.setOption(StandardSocketOptions.SO_LINGER, -7);
            checkEquals(-1, sc.getOption(StandardSocketOptions.SO_LINGER), "SO_LINGER after a negative set (disabled)");
        }
    }

    public static void bufferSizesArePositiveAndCanBeSet() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            check(sc.getOption(StandardSocketOptions.SO_SNDBUF) > 0, "default SO_SNDBUF not positive");
            check(sc.getOption(StandardSocketOptions.SO_RCVBUF) > 0, "default SO_RCVBUF not positive");
            check(ssc.getOption(StandardSocketOptions.SO_RCVBUF) > 0, "default listener SO_RCVBUF not positive");
            sc.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            sc.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            // the kernel rounds (Linux doubles); what holds everywhere: at least what was asked, minus nothing
            check(sc.getOption(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024, "SO_SNDBUF after set(64K) = %d",
                    sc.getOption(StandardSocketOptions.SO_SNDBUF));
            check(sc.getOption(StandardSocketOptions.SO_RCVBUF) >= 64 * 1024, "SO_RCVBUF after set(64K) = %d",
                    sc.getOption(StandardSocketOptions.SO_RCVBUF));
        }
    }

    public static void negativeBufferSizeIsRejected() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            expectThrows(IllegalArgumentException.class, "SO_SNDBUF -1", () -> sc.setOption(StandardSocketOptions.SO_SNDBUF, -1));
            expectThrows(IllegalArgumentException.class, "SO_RCVBUF -1", () -> sc.setOption(StandardSocketOptions.SO_RCVBUF, -1));
        }
    }

    public static void reuseAddressCanBeSetOnBothKinds() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            sc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            checkEquals(true, sc.getOption(StandardSocketOptions.SO_REUSEADDR), "SocketChannel SO_REUSEADDR");
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            checkEquals(false, ssc.getOption(StandardSocketOptions.SO_REUSEADDR), "ServerSocketChannel SO_REUSEADDR after false");
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            checkEquals(true, ssc.getOption(StandardSocketOptions.SO_REUSEADDR), "ServerSocketChannel SO_REUSEADDR after true");
        }
    }

    public static void ipTosCanBeSet() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            check(sc.getOption(StandardSocketOptions.IP_TOS) != null, "IP_TOS is null");
            sc.setOption(StandardSocketOptions.IP_TOS, 0x10);
            checkEquals(0x10, sc.getOption(StandardSocketOptions.IP_TOS), "IP_TOS after set(0x10)");
            expectThrows(IllegalArgumentException.class, "IP_TOS 256", () -> sc.setOption(StandardSocketOptions.IP_TOS, 256));
        }
    }

    public static void unsupportedOptionIsRejected() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            expectThrows(UnsupportedOperationException.class, "SocketChannel SO_BROADCAST",
                    () -> sc.setOption(StandardSocketOptions.SO_BROADCAST, true));
            expectThrows(UnsupportedOperationException.class, "SocketChannel get IP_MULTICAST_TTL",
                    () -> sc.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            expectThrows(UnsupportedOperationException.class, "ServerSocketChannel TCP_NODELAY",
                    () -> ssc.setOption(StandardSocketOptions.TCP_NODELAY, true));
        }
    }

    public static void nullOptionValueIsRejected() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            expectThrows(IllegalArgumentException.class, "TCP_NODELAY null", () -> sc.setOption(StandardSocketOptions.TCP_NODELAY, null));
            expectThrows(NullPointerException.class, "null option", () -> sc.setOption(null, 1));
        }
    }

    public static void optionsSetBeforeConnectSurviveConnect() throws Exception {
        // Netty and Jetty configure a channel before they connect it
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            client.setOption(StandardSocketOptions.SO_LINGER, 3);
            client.connect(addressOf(server));
            try (SocketChannel accepted = server.accept()) {
                checkEquals(true, client.getOption(StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY after connect");
                checkEquals(true, client.getOption(StandardSocketOptions.SO_KEEPALIVE), "SO_KEEPALIVE after connect");
                checkEquals(3, client.getOption(StandardSocketOptions.SO_LINGER), "SO_LINGER after connect");
            }
        }
    }

    public static void listenerOptionsSetBeforeBindSurviveBind() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.setOption(StandardSocketOptions.SO_RCVBUF, 128 * 1024);
            server.bind(ContractSupport.anyPort(), 16);
            checkEquals(true, server.getOption(StandardSocketOptions.SO_REUSEADDR), "SO_REUSEADDR after bind");
            check(server.getOption(StandardSocketOptions.SO_RCVBUF) >= 128 * 1024, "SO_RCVBUF after bind = %d",
                    server.getOption(StandardSocketOptions.SO_RCVBUF));
        }
    }

    // ---------------------------------------------------------------- through the adaptors

    public static void adaptorTcpNoDelayIsTheChannelOption() throws Exception {
        try (Pair p = pair()) {
            Socket s = p.accepted().socket();
            s.setTcpNoDelay(true);
            checkEquals(true, p.accepted().getOption(StandardSocketOptions.TCP_NODELAY), "channel option after adaptor set");
            p.accepted().setOption(StandardSocketOptions.TCP_NODELAY, false);
            checkEquals(false, s.getTcpNoDelay(), "adaptor getter after channel set");
        }
    }

    public static void adaptorSoLingerIsTheChannelOption() throws Exception {
        try (Pair p = pair()) {
            Socket s = p.client().socket();
            checkEquals(-1, s.getSoLinger(), "default adaptor SoLinger");
            s.setSoLinger(true, 7);
            checkEquals(7, p.client().getOption(StandardSocketOptions.SO_LINGER), "channel SO_LINGER after adaptor set");
            checkEquals(7, s.getSoLinger(), "adaptor SoLinger");
            s.setSoLinger(false, 0);
            checkEquals(-1, s.getSoLinger(), "adaptor SoLinger after disabling");
        }
    }

    public static void adaptorBufferSizesKeepAliveAndTrafficClass() throws Exception {
        try (Pair p = pair()) {
            Socket s = p.client().socket();
            s.setReceiveBufferSize(100_000);
            s.setSendBufferSize(100_000);
            check(s.getReceiveBufferSize() >= 100_000, "adaptor receive buffer %d", s.getReceiveBufferSize());
            check(s.getSendBufferSize() >= 100_000, "adaptor send buffer %d", s.getSendBufferSize());
            checkEquals(s.getReceiveBufferSize(), p.client().getOption(StandardSocketOptions.SO_RCVBUF), "SO_RCVBUF via channel");
            s.setKeepAlive(true);
            checkEquals(true, p.client().getOption(StandardSocketOptions.SO_KEEPALIVE), "SO_KEEPALIVE via channel");
            s.setTrafficClass(0x08);
            checkEquals(0x08, s.getTrafficClass(), "adaptor traffic class");
            s.setReuseAddress(true);
            checkEquals(true, s.getReuseAddress(), "adaptor reuse address");
        }
    }

    public static void adaptorOobInlineCanBeSet() throws Exception {
        // XNIO sets SO_OOBINLINE through the adaptor
        try (Pair p = pair()) {
            Socket s = p.client().socket();
            checkEquals(false, s.getOOBInline(), "default OOBInline");
            s.setOOBInline(true);
            checkEquals(true, s.getOOBInline(), "OOBInline after set");
        }
    }

    public static void serverAdaptorOptionsAreTheChannelOptions() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.socket().setReuseAddress(true);
            checkEquals(true, server.getOption(StandardSocketOptions.SO_REUSEADDR), "SO_REUSEADDR via ServerSocket adaptor");
            server.socket().setReceiveBufferSize(100_000);
            checkEquals(server.socket().getReceiveBufferSize(), server.getOption(StandardSocketOptions.SO_RCVBUF),
                    "SO_RCVBUF via ServerSocket adaptor");
        }
    }

    // ---------------------------------------------------------------- addresses

    public static void connectedPairAddressesMatch() throws Exception {
        try (Pair p = pair()) {
            InetSocketAddress server = addressOf(p.server());
            checkEquals(server, p.client().getRemoteAddress(), "client remote = server local");
            checkEquals(server, p.accepted().getLocalAddress(), "accepted local = listener address");
            checkEquals(p.client().getLocalAddress(), p.accepted().getRemoteAddress(), "accepted remote = client local");
            InetSocketAddress clientLocal = (InetSocketAddress) p.client().getLocalAddress();
            checkEquals(LOOPBACK, clientLocal.getAddress(), "client local address");
            check(clientLocal.getPort() > 0 && clientLocal.getPort() != server.getPort(), "client local port %d", clientLocal.getPort());
        }
    }

    public static void unconnectedChannelsReportNullAddresses() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            checkEquals(null, sc.getLocalAddress(), "unbound SocketChannel local address");
            checkEquals(null, sc.getRemoteAddress(), "unconnected SocketChannel remote address");
            checkEquals(null, ssc.getLocalAddress(), "unbound ServerSocketChannel local address");
            sc.bind(ContractSupport.anyPort());
            check(sc.getLocalAddress() != null, "bound SocketChannel has no local address");
            checkEquals(null, sc.getRemoteAddress(), "bound, unconnected SocketChannel remote address");
        }
    }

    public static void adaptorAddressesMatchTheChannel() throws Exception {
        try (Pair p = pair()) {
            Socket s = p.client().socket();
            InetSocketAddress remote = (InetSocketAddress) p.client().getRemoteAddress();
            InetSocketAddress local = (InetSocketAddress) p.client().getLocalAddress();
            checkEquals(remote.getPort(), s.getPort(), "adaptor getPort");
            checkEquals(remote.getAddress(), s.getInetAddress(), "adaptor getInetAddress");
            checkEquals(local.getPort(), s.getLocalPort(), "adaptor getLocalPort");
            checkEquals(local.getAddress(), s.getLocalAddress(), "adaptor getLocalAddress");
            checkEquals(remote, s.getRemoteSocketAddress(), "adaptor getRemoteSocketAddress");
            checkEquals(local, s.getLocalSocketAddress(), "adaptor getLocalSocketAddress");
            checkEquals(addressOf(p.server()).getPort(), p.server().socket().getLocalPort(), "ServerSocket adaptor getLocalPort");
            checkEquals(LOOPBACK, p.server().socket().getInetAddress(), "ServerSocket adaptor getInetAddress");
        }
    }

    public static void unconnectedAdaptorReportsNoPeer() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            Socket s = sc.socket();
            checkEquals(0, s.getPort(), "unconnected adaptor getPort");
            checkEquals(-1, s.getLocalPort(), "unbound adaptor getLocalPort");
            checkEquals(null, s.getInetAddress(), "unconnected adaptor getInetAddress");
            checkEquals(null, s.getRemoteSocketAddress(), "unconnected adaptor getRemoteSocketAddress");
        }
    }

    public static void remoteAddressKeptAfterPeerCloses() throws Exception {
        try (Pair p = pair()) {
            var remote = p.client().getRemoteAddress();
            p.accepted().close();
            checkEquals(-1, background("reader", () -> p.client().read(ByteBuffer.allocate(4))).await(LONG_MS), "read after peer close");
            checkEquals(remote, p.client().getRemoteAddress(), "remote address after the peer closed");
            check(p.client().isConnected(), "channel no longer connected after the peer closed");
        }
    }
}
