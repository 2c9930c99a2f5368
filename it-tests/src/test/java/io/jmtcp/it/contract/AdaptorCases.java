package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.SETTLE_MS;
import static io.jmtcp.it.contract.ContractSupport.SHORT_MS;
import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.ascii;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.closedPort;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.readFully;
import static io.jmtcp.it.contract.ContractSupport.sleep;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The {@code java.net.Socket}/{@code ServerSocket} adaptors returned by {@code socket()}: streams,
 * timeouts (which affect only the adaptors, never the channels' own blocking calls), blocking-mode
 * rules, and the state they mirror. Netty, Jetty and XNIO configure and query channels through them.
 */
public final class AdaptorCases {

    private AdaptorCases() {}

    public static void adaptorReadTimesOutAndStaysUsable() throws Exception {
        try (Pair p = pair()) {
            Socket s = p.accepted().socket();
            s.setSoTimeout((int) SHORT_MS);
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            expectThrows(SocketTimeoutException.class, "adaptor read with soTimeout and no data", in::read);
            long ms = (System.nanoTime() - start) / 1_000_000;
            check(ms >= SHORT_MS - 20, "adaptor read timed out after %d ms, soTimeout %d ms", ms, SHORT_MS);
            check(p.accepted().isOpen() && !s.isClosed(), "a read timeout closed the socket");
            writeFully(p.client(), ascii("z"));
            checkEquals((int) 'z', in.read(), "adaptor read after a timeout");
        }
    }

    public static void serverAdaptorAcceptTimesOut() throws Exception {
        try (ServerSocketChannel server = listen()) {
            ServerSocket ss = server.socket();
            ss.setSoTimeout((int) SHORT_MS);
            long start = System.nanoTime();
            expectThrows(SocketTimeoutException.class, "adaptor accept with soTimeout and no client", ss::accept);
            long ms = (System.nanoTime() - start) / 1_000_000;
            check(ms >= SHORT_MS - 20, "adaptor accept timed out after %d ms, soTimeout %d ms", ms, SHORT_MS);
            try (SocketChannel client = SocketChannel.open(addressOf(server)); Socket accepted = ss.accept()) {
                check(accepted.getChannel() != null, "a socket accepted through the adaptor has no channel");
                checkEquals(client.getLocalAddress(), accepted.getRemoteSocketAddress(), "accepted remote address");
            }
        }
    }

    public static void soTimeoutDoesNotAffectChannelRead() throws Exception {
        try (Pair p = pair()) {
            p.accepted().socket().setSoTimeout(50);
            Background<Integer> reader = background("reader", () -> p.accepted().read(ByteBuffer.allocate(8)));
            sleep(SHORT_MS + SETTLE_MS);
            check(!reader.isDone(), "channel read ended although only the adaptor has a timeout");
            writeFully(p.client(), ascii("late"));
            checkEquals(4, reader.await(LONG_MS), "channel read after the soTimeout had passed");
        }
    }

    public static void soTimeoutDoesNotAffectChannelAccept() throws Exception {
        try (ServerSocketChannel server = listen()) {
            server.socket().setSoTimeout(50);
            Background<SocketChannel> acceptor = background("acceptor", server::accept);
            sleep(SHORT_MS + SETTLE_MS);
            check(!acceptor.isDone(), "channel accept ended although only the adaptor has a timeout");
            try (SocketChannel client = SocketChannel.open(addressOf(server)); SocketChannel accepted = acceptor.await(LONG_MS)) {
                check(accepted != null, "channel accept returned null in blocking mode");
            }
        }
    }

    public static void adaptorStreamsInNonBlockingModeThrowIllegalBlockingMode() throws Exception {
        try (Pair p = pair()) {
            p.client().configureBlocking(false);
            Socket s = p.client().socket();
            expectThrows(IllegalBlockingModeException.class, "adaptor input stream read in non-blocking mode",
                    () -> s.getInputStream().read());
            expectThrows(IllegalBlockingModeException.class, "adaptor output stream write in non-blocking mode",
                    () -> s.getOutputStream().write(1));
        }
    }

    public static void serverAdaptorAcceptInNonBlockingModeThrowsIllegalBlockingMode() throws Exception {
        try (ServerSocketChannel server = listen()) {
            server.configureBlocking(false);
            expectThrows(IllegalBlockingModeException.class, "ServerSocket adaptor accept in non-blocking mode",
                    () -> server.socket().accept());
        }
    }

    public static void adaptorConnectWithTimeoutConnectsTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            client.socket().connect(addressOf(server), 2000);
            check(client.isConnected(), "channel not connected after the adaptor's connect");
            try (SocketChannel accepted = server.accept()) {
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted remote address");
            }
        }
    }

    public static void adaptorConnectToClosedPortIsRefused() throws Exception {
        var nowhere = closedPort();
        try (SocketChannel client = SocketChannel.open()) {
            expectThrows(ConnectException.class, "adaptor connect to a closed port", () -> client.socket().connect(nowhere, 2000));
        }
    }

    public static void adaptorStreamsCarryDataAndSeeEof() throws Exception {
        try (Pair p = pair()) {
            OutputStream out = p.client().socket().getOutputStream();
            out.write(new byte[] {1, 2, 3});
            out.flush();
            InputStream in = p.accepted().socket().getInputStream();
            byte[] got = new byte[3];
            int n = 0;
            while (n < 3) {
                int r = in.read(got, n, 3 - n);
                check(r > 0, "adaptor read returned %d", r);
                n += r;
            }
            checkEquals("[1, 2, 3]", java.util.Arrays.toString(got), "bytes through the adaptor streams");
            p.client().close();
            checkEquals(-1, in.read(), "adaptor read after peer close");
        }
    }

    public static void adaptorsReturnTheirChannels() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            check(client.socket().getChannel() == client, "socket().getChannel() is not the channel");
            check(server.socket().getChannel() == server, "ServerSocket adaptor getChannel() is not the channel");
        }
    }

    public static void adaptorMirrorsChannelState() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            Socket s = client.socket();
            check(!s.isBound() && !s.isConnected() && !s.isClosed(), "unconnected adaptor: bound=%s connected=%s closed=%s",
                    s.isBound(), s.isConnected(), s.isClosed());
            client.connect(addressOf(server));
            check(s.isBound() && s.isConnected() && !s.isClosed(), "connected adaptor: bound=%s connected=%s closed=%s",
                    s.isBound(), s.isConnected(), s.isClosed());
            check(!s.isInputShutdown() && !s.isOutputShutdown(), "fresh connection reports shutdown halves");
            client.shutdownInput();
            client.shutdownOutput();
            check(s.isInputShutdown() && s.isOutputShutdown(), "adaptor does not mirror shutdownInput/Output: in=%s out=%s",
                    s.isInputShutdown(), s.isOutputShutdown());
            client.close();
            check(s.isClosed(), "adaptor of a closed channel is not closed");
            check(server.socket().isBound() && !server.socket().isClosed(), "server adaptor not bound/open");
        }
    }

    public static void closingTheAdaptorClosesTheChannel() throws Exception {
        try (Pair p = pair(); ServerSocketChannel other = listen()) {
            p.client().socket().close();
            check(!p.client().isOpen(), "Socket adaptor close() left the channel open");
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(4))).await(LONG_MS), "peer read after adaptor close");
            other.socket().close();
            check(!other.isOpen(), "ServerSocket adaptor close() left the channel open");
        }
    }

    public static void adaptorShutdownOutputSendsFin() throws Exception {
        try (Pair p = pair()) {
            p.client().socket().shutdownOutput();
            check(p.client().socket().isOutputShutdown(), "isOutputShutdown after adaptor shutdownOutput");
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(4))).await(LONG_MS), "peer read after adaptor shutdownOutput");
            writeFully(p.accepted(), ascii("ok"));
            checkEquals("ok", ascii(readFully(p.client(), 2)), "read after own adaptor shutdownOutput");
        }
    }

    public static void soTimeoutValuesRoundTrip() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            checkEquals(0, client.socket().getSoTimeout(), "default Socket soTimeout");
            client.socket().setSoTimeout(1234);
            checkEquals(1234, client.socket().getSoTimeout(), "Socket soTimeout");
            checkEquals(0, server.socket().getSoTimeout(), "default ServerSocket soTimeout");
            server.socket().setSoTimeout(4321);
            checkEquals(4321, server.socket().getSoTimeout(), "ServerSocket soTimeout");
            expectThrows(IllegalArgumentException.class, "negative soTimeout", () -> client.socket().setSoTimeout(-1));
        }
    }

    public static void serverAdaptorBindWithBacklogListens() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            ServerSocket ss = server.socket();
            checkEquals(-1, ss.getLocalPort(), "local port of an unbound ServerSocket adaptor");
            check(!ss.isBound(), "unbound ServerSocket adaptor says bound");
            ss.bind(ContractSupport.anyPort(), 10);
            check(ss.isBound() && ss.getLocalPort() > 0, "after adaptor bind: bound=%s port=%d", ss.isBound(), ss.getLocalPort());
            checkEquals(addressOf(server), ss.getLocalSocketAddress(), "adaptor and channel local address");
            try (SocketChannel client = SocketChannel.open(addressOf(server)); SocketChannel accepted = server.accept()) {
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted remote address");
            }
        }
    }
}
