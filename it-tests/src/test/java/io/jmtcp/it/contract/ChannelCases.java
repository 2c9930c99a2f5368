package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.SETTLE_MS;
import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.anyPort;
import static io.jmtcp.it.contract.ContractSupport.ascii;
import static io.jmtcp.it.contract.ContractSupport.awaitSelected;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.checkMessageContains;
import static io.jmtcp.it.contract.ContractSupport.checkSameBytes;
import static io.jmtcp.it.contract.ContractSupport.closedPort;
import static io.jmtcp.it.contract.ContractSupport.drain;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.fillUntilUnwritable;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.pattern;
import static io.jmtcp.it.contract.ContractSupport.readFully;
import static io.jmtcp.it.contract.ContractSupport.sleep;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.HashSet;
import java.util.Set;

/**
 * SocketChannel and ServerSocketChannel: opening, connect/accept, reads and writes in both
 * modes, back-pressure, EOF and half-close, resets, refused connects and bind conflicts.
 */
public final class ChannelCases {

    private ChannelCases() {}

    // ---------------------------------------------------------------- opening

    public static void providerOpensEveryChannelKind() throws Exception {
        SelectorProvider p = SelectorProvider.provider();
        try (Selector s = p.openSelector();
                SocketChannel sc = p.openSocketChannel();
                ServerSocketChannel ssc = p.openServerSocketChannel()) {
            Pipe pipe = p.openPipe();
            try {
                check(s.provider() == p, "selector.provider() is not the provider that opened it");
                check(sc.provider() == p, "socketChannel.provider() is not the provider that opened it");
                check(ssc.provider() == p, "serverSocketChannel.provider() is not the provider that opened it");
                check(pipe.source().provider() == p && pipe.sink().provider() == p, "pipe ends report another provider");
            } finally {
                ContractSupport.closeAll(pipe.source(), pipe.sink());
            }
        }
    }

    public static void staticFactoriesUseTheSystemWideProvider() throws Exception {
        SelectorProvider p = SelectorProvider.provider();
        try (Selector s = Selector.open(); SocketChannel sc = SocketChannel.open();
                ServerSocketChannel ssc = ServerSocketChannel.open()) {
            Pipe pipe = Pipe.open();
            try {
                check(s.provider() == p, "Selector.open() did not go through SelectorProvider.provider()");
                check(sc.provider() == p, "SocketChannel.open() did not go through SelectorProvider.provider()");
                check(ssc.provider() == p, "ServerSocketChannel.open() did not go through SelectorProvider.provider()");
                check(pipe.sink().provider() == p, "Pipe.open() did not go through SelectorProvider.provider()");
            } finally {
                ContractSupport.closeAll(pipe.source(), pipe.sink());
            }
        }
    }

    public static void protocolFamilyFactoriesOpenWorkingInetChannels() throws Exception {
        // Netty calls these overloads (Java 15+) reflectively through the provider
        try (ServerSocketChannel server = SelectorProvider.provider().openServerSocketChannel(StandardProtocolFamily.INET);
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
            server.bind(anyPort());
            check(client.connect(addressOf(server)), "blocking connect of an INET channel returned false");
            try (SocketChannel accepted = server.accept()) {
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted remote address");
            }
        }
    }

    public static void validOpsOfEachChannelKind() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            checkEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT, sc.validOps(), "SocketChannel.validOps");
            checkEquals(SelectionKey.OP_ACCEPT, ssc.validOps(), "ServerSocketChannel.validOps");
            Pipe pipe = Pipe.open();
            try {
                checkEquals(SelectionKey.OP_READ, pipe.source().validOps(), "Pipe.SourceChannel.validOps");
                checkEquals(SelectionKey.OP_WRITE, pipe.sink().validOps(), "Pipe.SinkChannel.validOps");
            } finally {
                ContractSupport.closeAll(pipe.source(), pipe.sink());
            }
        }
    }

    public static void newChannelIsOpenBlockingUnregisteredAndUnconnected() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open()) {
            check(sc.isOpen() && sc.isBlocking() && !sc.isRegistered(), "new SocketChannel: open=%s blocking=%s registered=%s",
                    sc.isOpen(), sc.isBlocking(), sc.isRegistered());
            check(!sc.isConnected() && !sc.isConnectionPending(), "new SocketChannel is connected or pending");
            check(ssc.isOpen() && ssc.isBlocking() && !ssc.isRegistered(), "new ServerSocketChannel not open/blocking/unregistered");
        }
    }

    // ---------------------------------------------------------------- connect / accept

    public static void blockingConnectAndAccept() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            check(client.connect(addressOf(server)), "blocking connect returned false");
            check(client.isConnected() && !client.isConnectionPending(), "after blocking connect: connected=%s pending=%s",
                    client.isConnected(), client.isConnectionPending());
            try (SocketChannel accepted = server.accept()) {
                check(accepted != null, "blocking accept returned null");
                check(accepted.isConnected(), "accepted channel is not connected");
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted.getRemoteAddress");
            }
        }
    }

    public static void openWithRemoteAddressConnects() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(addressOf(server));
                SocketChannel accepted = server.accept()) {
            check(client.isConnected() && client.isBlocking(), "SocketChannel.open(address) gave connected=%s blocking=%s",
                    client.isConnected(), client.isBlocking());
            checkEquals(addressOf(server), client.getRemoteAddress(), "client.getRemoteAddress");
        }
    }

    public static void blockingRoundTrip() throws Exception {
        try (Pair p = pair()) {
            writeFully(p.client(), ascii("ping"));
            checkEquals("ping", ascii(readFully(p.accepted(), 4)), "server received");
            writeFully(p.accepted(), ascii("pong!"));
            checkEquals("pong!", ascii(readFully(p.client(), 5)), "client received");
        }
    }

    public static void acceptedChannelIsBlockingEvenFromNonBlockingServer() throws Exception {
        try (ServerSocketChannel server = listen(); Selector selector = Selector.open();
                SocketChannel client = SocketChannel.open(addressOf(server))) {
            server.configureBlocking(false);
            SelectionKey key = server.register(selector, SelectionKey.OP_ACCEPT);
            awaitSelected(selector, key, SelectionKey.OP_ACCEPT);
            try (SocketChannel accepted = server.accept()) {
                check(accepted != null, "accept after OP_ACCEPT returned null");
                check(accepted.isBlocking(), "an accepted channel must start in blocking mode");
                check(!accepted.isRegistered(), "an accepted channel must not be registered");
            }
        }
    }

    public static void nonBlockingAcceptReturnsNullWhenNothingPending() throws Exception {
        try (ServerSocketChannel server = listen()) {
            server.configureBlocking(false);
            checkEquals(null, server.accept(), "non-blocking accept with no connection");
        }
    }

    public static void nonBlockingConnectCompletesThroughOpConnectAndFinishConnect() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(); Selector selector = Selector.open()) {
            client.configureBlocking(false);
            boolean immediate = client.connect(addressOf(server));
            if (!immediate) {
                check(client.isConnectionPending(), "connect returned false but no connection is pending");
                check(!client.isConnected(), "connect returned false but the channel says connected");
                SelectionKey key = client.register(selector, SelectionKey.OP_CONNECT);
                awaitSelected(selector, key, SelectionKey.OP_CONNECT);
                check(client.finishConnect(), "finishConnect after OP_CONNECT returned false");
            }
            check(client.isConnected() && !client.isConnectionPending(), "connected=%s pending=%s",
                    client.isConnected(), client.isConnectionPending());
            try (SocketChannel accepted = server.accept()) {
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted.getRemoteAddress");
            }
        }
    }

    public static void finishConnectReturnsTrueOnceConnected() throws Exception {
        try (Pair p = pair()) {
            check(p.client().finishConnect(), "finishConnect on a connected channel returned false");
            p.client().configureBlocking(false);
            check(p.client().finishConnect(), "finishConnect on a connected non-blocking channel returned false");
        }
    }

    public static void backlogQueuesConnectionsUntilAccepted() throws Exception {
        try (ServerSocketChannel server = listen()) {
            Set<SocketAddress> clientAddresses = new HashSet<>();
            SocketChannel[] clients = new SocketChannel[3];
            try {
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = SocketChannel.open(addressOf(server));
                    clientAddresses.add(clients[i].getLocalAddress());
                }
                Set<SocketAddress> acceptedRemotes = new HashSet<>();
                for (int i = 0; i < clients.length; i++) {
                    try (SocketChannel a = server.accept()) {
                        acceptedRemotes.add(a.getRemoteAddress());
                    }
                }
                checkEquals(clientAddresses, acceptedRemotes, "remote addresses of the queued connections");
            } finally {
                ContractSupport.closeAll(clients);
            }
        }
    }

    // ---------------------------------------------------------------- read / write

    public static void nonBlockingReadReturnsZeroWhenNoData() throws Exception {
        try (Pair p = pair()) {
            p.accepted().configureBlocking(false);
            checkEquals(0, p.accepted().read(ByteBuffer.allocate(16)), "non-blocking read without data");
        }
    }

    public static void blockingReadWaitsForData() throws Exception {
        try (Pair p = pair()) {
            Background<Integer> reader = background("reader", () -> p.accepted().read(ByteBuffer.allocate(16)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "blocking read returned before any data was sent");
            writeFully(p.client(), ascii("abc"));
            checkEquals(3, reader.await(LONG_MS), "bytes returned by the blocked read");
        }
    }

    public static void blockingReadReturnsWhatIsAvailableWithoutFillingTheBuffer() throws Exception {
        try (Pair p = pair()) {
            writeFully(p.client(), pattern(10, 1));
            int n = background("reader", () -> p.accepted().read(ByteBuffer.allocate(1000))).await(LONG_MS);
            check(n >= 1 && n <= 10, "blocking read returned %d for 10 available bytes", n);
        }
    }

    public static void scatteringReadFillsBuffersInOrder() throws Exception {
        try (Pair p = pair()) {
            ByteBuffer sent = pattern(10, 2);
            writeFully(p.client(), sent.duplicate());
            ByteBuffer a = ByteBuffer.allocate(3);
            ByteBuffer b = ByteBuffer.allocateDirect(7);
            ByteBuffer[] bufs = {a, b};
            long total = 0;
            while (total < 10) {
                long n = p.accepted().read(bufs);
                check(n > 0, "scattering read returned %d", n);
                total += n;
            }
            ByteBuffer joined = ByteBuffer.allocate(10);
            joined.put(a.flip()).put(b.flip());
            checkSameBytes(sent, joined, "scattering read");
        }
    }

    public static void gatheringWriteHonoursOffsetAndLength() throws Exception {
        try (Pair p = pair()) {
            ByteBuffer a = pattern(3, 3);
            ByteBuffer b = pattern(4, 4);
            ByteBuffer c = pattern(5, 5);
            long n = p.client().write(new ByteBuffer[] {a, b, c}, 1, 1);
            checkEquals(4L, n, "bytes written by write(bufs, 1, 1)");
            check(a.position() == 0 && c.position() == 0, "buffers outside offset/length were consumed");
            checkSameBytes(pattern(4, 4), readFully(p.accepted(), 4), "gathering write");
        }
    }

    public static void gatheringWriteSendsAllBuffersInOrder() throws Exception {
        try (Pair p = pair()) {
            ByteBuffer[] bufs = {pattern(1000, 1), ByteBuffer.allocateDirect(0), pattern(70_000, 2).asReadOnlyBuffer()};
            ByteBuffer expected = ByteBuffer.allocate(71_000).put(bufs[0].duplicate()).put(bufs[2].duplicate());
            Background<ByteBuffer> reader = background("reader", () -> readFully(p.accepted(), 71_000));
            long written = 0;
            while (written < 71_000) {
                written += p.client().write(bufs);
            }
            checkEquals(71_000L, written, "bytes written by the gathering writes");
            checkSameBytes(expected, reader.await(LONG_MS), "gathering write of three buffers");
        }
    }

    public static void emptyBuffersReadAndWriteZeroWithoutBlocking() throws Exception {
        try (Pair p = pair()) {
            int[] r = background("empty-io", () -> new int[] {
                p.accepted().read(ByteBuffer.allocate(0)), p.client().write(ByteBuffer.allocate(0))}).await(LONG_MS);
            checkEquals(0, r[0], "blocking read into a full buffer");
            checkEquals(0, r[1], "write of an empty buffer");
        }
    }

    public static void heapAndDirectBuffersCarryTheSameBytes() throws Exception {
        try (Pair p = pair()) {
            ByteBuffer sent = pattern(5000, 6);
            ByteBuffer direct = ByteBuffer.allocateDirect(5000).put(sent.duplicate()).flip();
            writeFully(p.client(), direct);
            ByteBuffer heap = readFully(p.accepted(), 5000);
            checkSameBytes(sent, heap, "direct to heap");
            writeFully(p.accepted(), sent.duplicate());
            ByteBuffer into = ByteBuffer.allocateDirect(5000);
            while (into.hasRemaining()) {
                check(p.client().read(into) > 0, "read returned no data");
            }
            checkSameBytes(sent, into, "heap to direct");
        }
    }

    // ---------------------------------------------------------------- back-pressure

    public static void nonBlockingWriteReturnsZeroWhenPeerDoesNotRead() throws Exception {
        try (Pair p = pair()) {
            p.client().configureBlocking(false);
            // fill() itself fails unless a write returns 0 within 512 MiB
            long total = fillUntilUnwritable(p.client());
            check(total > 0, "nothing could be written before the first 0");
            drain(p.accepted(), total);
            p.client().configureBlocking(true);
            writeFully(p.client(), ascii("after"));
            checkEquals("after", ascii(readFully(p.accepted(), 5)), "data after the drained backlog");
        }
    }

    public static void nonBlockingWriteOfLargeBufferIsPartial() throws Exception {
        try (Pair p = pair()) {
            p.client().configureBlocking(false);
            ByteBuffer big = ByteBuffer.allocateDirect(32 * 1024 * 1024);
            int n = p.client().write(big);
            check(n > 0 && n < big.capacity(), "non-blocking write of 32 MiB to a non-reading peer returned %d", n);
            checkEquals(n, big.position(), "buffer position after a partial write");
        }
    }

    public static void opWriteStopsFiringOnceAPeerThatReadsNothingIsFull() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            fillUntilUnwritable(p.client());
            p.client().register(selector, SelectionKey.OP_WRITE);
            checkEquals(0, selector.select(ContractSupport.SHORT_MS), "keys selected for OP_WRITE while full");
        }
    }

    public static void opWriteFiresWhenPeerDrains() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            long total = fillUntilUnwritable(p.client());
            SelectionKey key = p.client().register(selector, SelectionKey.OP_WRITE);
            checkEquals(0, selector.selectNow(), "selectNow once full");
            drain(p.accepted(), total);
            awaitSelected(selector, key, SelectionKey.OP_WRITE);
            check(p.client().write(ByteBuffer.allocate(100)) > 0, "write after OP_WRITE wrote nothing");
        }
    }

    public static void blockingWriteWaitsForPeerAndWritesEverything() throws Exception {
        try (Pair p = pair()) {
            int size = 32 * 1024 * 1024;
            Background<Integer> writer = background("writer", () -> p.client().write(ByteBuffer.allocateDirect(size)));
            sleep(SETTLE_MS);
            check(!writer.isDone(), "a blocking write of 32 MiB finished while the peer read nothing");
            drain(p.accepted(), size);
            checkEquals(size, writer.await(LONG_MS), "bytes written by one blocking write");
        }
    }

    // ---------------------------------------------------------------- EOF and half-close

    public static void readReturnsMinusOneAfterPeerShutdownOutput() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownOutput();
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(8))).await(LONG_MS), "read after peer FIN");
        }
    }

    public static void readReturnsMinusOneAfterPeerClose() throws Exception {
        try (Pair p = pair()) {
            p.client().close();
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(8))).await(LONG_MS), "read after peer close");
        }
    }

    public static void readKeepsReturningMinusOneAfterEof() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownOutput();
            for (int i = 0; i < 3; i++) {
                checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(8))).await(LONG_MS), "read #" + i + " after EOF");
            }
            p.accepted().configureBlocking(false);
            checkEquals(-1, p.accepted().read(ByteBuffer.allocate(8)), "non-blocking read after EOF");
        }
    }

    public static void dataSentBeforeCloseArrivesBeforeEof() throws Exception {
        try (Pair p = pair()) {
            writeFully(p.client(), pattern(100_000, 7));
            p.client().close();
            long got = background("reader", () -> ContractSupport.drainToEof(p.accepted())).await(LONG_MS);
            checkEquals(100_000L, got, "bytes read before EOF");
        }
    }

    public static void opReadSelectedAtEof() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.accepted().configureBlocking(false);
            SelectionKey key = p.accepted().register(selector, SelectionKey.OP_READ);
            checkEquals(0, selector.selectNow(), "selectNow before anything arrived");
            p.client().shutdownOutput();
            awaitSelected(selector, key, SelectionKey.OP_READ);
            checkEquals(-1, p.accepted().read(ByteBuffer.allocate(8)), "read after OP_READ at EOF");
        }
    }

    public static void halfCloseFromClientLetsServerKeepWriting() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownOutput();
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(8))).await(LONG_MS), "server read after client FIN");
            writeFully(p.accepted(), ascii("still here"));
            checkEquals("still here", ascii(readFully(p.client(), 10)), "client received after its own shutdownOutput");
            p.accepted().close();
            checkEquals(-1, p.client().read(ByteBuffer.allocate(8)), "client read after server close");
        }
    }

    public static void halfCloseFromServerLetsClientKeepWriting() throws Exception {
        try (Pair p = pair()) {
            p.accepted().shutdownOutput();
            checkEquals(-1, background("reader", () -> p.client().read(ByteBuffer.allocate(8))).await(LONG_MS), "client read after server FIN");
            writeFully(p.client(), ascii("request"));
            checkEquals("request", ascii(readFully(p.accepted(), 7)), "server received after its own shutdownOutput");
        }
    }

    public static void writeAfterShutdownOutputThrowsClosedChannel() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownOutput();
            expectThrows(java.nio.channels.ClosedChannelException.class, "write after shutdownOutput",
                    () -> p.client().write(ascii("x")));
            check(p.client().isOpen(), "shutdownOutput closed the channel");
        }
    }

    public static void readAfterOwnShutdownInputReturnsMinusOne() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownInput();
            writeFully(p.accepted(), ascii("ignored"));
            checkEquals(-1, background("reader", () -> p.client().read(ByteBuffer.allocate(8))).await(LONG_MS), "read after own shutdownInput");
            writeFully(p.client(), ascii("out"));
            checkEquals("out", ascii(readFully(p.accepted(), 3)), "write still works after shutdownInput");
        }
    }

    public static void shutdownIsIdempotentAndPeerSeesEof() throws Exception {
        try (Pair p = pair()) {
            p.client().shutdownOutput();
            p.client().shutdownOutput();
            p.client().shutdownInput();
            p.client().shutdownInput();
            check(p.client().isConnected() && p.client().isOpen(), "shutdowns closed or disconnected the channel");
            checkEquals(-1, background("reader", () -> p.accepted().read(ByteBuffer.allocate(8))).await(LONG_MS), "peer read after both shutdowns");
        }
    }

    // ---------------------------------------------------------------- resets

    private static void abort(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        ch.close();
    }

    public static void abortiveClosePeerGivesConnectionReset() throws Exception {
        try (Pair p = pair()) {
            abort(p.accepted());
            IOException e = background("reader", () -> p.client().read(ByteBuffer.allocate(8)))
                    .awaitFailure(IOException.class, LONG_MS, "read after the peer's SO_LINGER=0 close");
            checkMessageContains(e, "Connection reset", "read after RST");
        }
    }

    public static void opReadKeySelectedAfterPeerResetAndReadThrows() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_READ);
            abort(p.accepted());
            awaitSelected(selector, key, SelectionKey.OP_READ);
            IOException e = expectThrows(IOException.class, "non-blocking read after RST", () -> p.client().read(ByteBuffer.allocate(8)));
            checkMessageContains(e, "Connection reset", "read after RST");
        }
    }

    public static void opWriteOnlyKeySelectedAfterPeerReset() throws Exception {
        // Jetty notices a reset connection it is only writing to through OP_WRITE
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            fillUntilUnwritable(p.client());
            SelectionKey key = p.client().register(selector, SelectionKey.OP_WRITE);
            checkEquals(0, selector.selectNow(), "selectNow while the send buffer is full");
            abort(p.accepted());
            awaitSelected(selector, key, SelectionKey.OP_WRITE);
            expectThrows(IOException.class, "write after OP_WRITE reported the reset", () -> p.client().write(ByteBuffer.allocate(100)));
        }
    }

    public static void writeAfterPeerResetThrows() throws Exception {
        try (Pair p = pair(); Selector selector = Selector.open()) {
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_READ);
            abort(p.accepted());
            awaitSelected(selector, key, SelectionKey.OP_READ);
            expectThrows(IOException.class, "write to a reset connection", () -> {
                for (int i = 0; i < 3; i++) {
                    p.client().write(ByteBuffer.allocate(100));
                }
            });
        }
    }

    public static void closeWithUnreadDataResetsPeer() throws Exception {
        // RFC 1122 4.2.2.13: closing with unread received data sends RST, not FIN
        try (Pair p = pair(); Selector selector = Selector.open()) {
            writeFully(p.client(), pattern(1000, 8));
            readFully(p.accepted(), 1); // the data has arrived; 999 bytes stay unread
            p.accepted().close();
            p.client().configureBlocking(false);
            SelectionKey key = p.client().register(selector, SelectionKey.OP_READ);
            awaitSelected(selector, key, SelectionKey.OP_READ);
            IOException e = expectThrows(IOException.class, "read after the peer closed with unread data",
                    () -> p.client().read(ByteBuffer.allocate(8)));
            checkMessageContains(e, "Connection reset", "read after close-with-unread-data");
        }
    }

    // ---------------------------------------------------------------- refused, unresolved

    public static void blockingConnectToClosedPortIsRefusedAndClosesTheChannel() throws Exception {
        InetSocketAddress nowhere = closedPort();
        try (SocketChannel client = SocketChannel.open()) {
            ConnectException e = expectThrows(ConnectException.class, "connect to a closed port", () -> client.connect(nowhere));
            checkMessageContains(e, "Connection refused", "refused connect");
            check(!client.isOpen(), "a failed blocking connect leaves the channel open");
        }
    }

    public static void nonBlockingConnectRefusedAtFinishConnect() throws Exception {
        InetSocketAddress nowhere = closedPort();
        try (SocketChannel client = SocketChannel.open(); Selector selector = Selector.open()) {
            client.configureBlocking(false);
            if (client.connect(nowhere)) {
                throw new AssertionError("non-blocking connect to a closed port reported success");
            }
            SelectionKey key = client.register(selector, SelectionKey.OP_CONNECT);
            awaitSelected(selector, key, SelectionKey.OP_CONNECT);
            ConnectException e = expectThrows(ConnectException.class, "finishConnect of a refused connect", client::finishConnect);
            checkMessageContains(e, "Connection refused", "refused finishConnect");
            check(!client.isOpen(), "a failed finishConnect leaves the channel open");
            check(!key.isValid(), "the key of a channel closed by finishConnect is still valid");
        }
    }

    public static void blockingModeFinishConnectAfterRefusalThrows() throws Exception {
        InetSocketAddress nowhere = closedPort();
        try (SocketChannel client = SocketChannel.open()) {
            client.configureBlocking(false);
            check(!client.connect(nowhere), "non-blocking connect to a closed port reported success");
            client.configureBlocking(true);
            // in blocking mode finishConnect waits for the outcome
            expectThrows(ConnectException.class, "blocking finishConnect of a refused connect",
                    () -> background("finish", client::finishConnect).await(LONG_MS));
        }
    }

    public static void connectToUnresolvedAddressThrows() throws Exception {
        try (SocketChannel client = SocketChannel.open()) {
            expectThrows(UnresolvedAddressException.class, "connect to an unresolved address",
                    () -> client.connect(InetSocketAddress.createUnresolved("unresolved.invalid", 80)));
        }
    }

    public static void connectToUnsupportedAddressTypeThrows() throws Exception {
        try (SocketChannel client = SocketChannel.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            SocketAddress odd = new SocketAddress() {};
            expectThrows(UnsupportedAddressTypeException.class, "connect to a foreign SocketAddress", () -> client.connect(odd));
            expectThrows(UnsupportedAddressTypeException.class, "bind to a foreign SocketAddress", () -> server.bind(odd));
        }
    }

    // ---------------------------------------------------------------- bind

    public static void bindToPortInUseThrowsBindException() throws Exception {
        try (ServerSocketChannel first = listen(); ServerSocketChannel second = ServerSocketChannel.open()) {
            BindException e = expectThrows(BindException.class, "second listener on the same address",
                    () -> second.bind(addressOf(first)));
            checkMessageContains(e, "in use", "bind conflict");
        }
    }

    public static void clientBindToListeningPortThrowsBindException() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            expectThrows(BindException.class, "client bind to a listener's address", () -> client.bind(addressOf(server)));
        }
    }

    public static void bindTwiceThrowsAlreadyBound() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            expectThrows(AlreadyBoundException.class, "second bind of a server channel", () -> server.bind(anyPort()));
            client.bind(anyPort());
            expectThrows(AlreadyBoundException.class, "second bind of a socket channel", () -> client.bind(anyPort()));
        }
    }

    public static void bindToPortZeroPicksAnEphemeralPort() throws Exception {
        try (ServerSocketChannel server = listen()) {
            InetSocketAddress local = addressOf(server);
            check(local.getPort() > 0, "bound port is %d", local.getPort());
            checkEquals(ContractSupport.LOOPBACK, local.getAddress(), "bound address");
        }
    }

    public static void bindToNullBindsTheWildcardAddress() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(null);
            InetSocketAddress local = addressOf(server);
            check(local.getAddress().isAnyLocalAddress() && local.getPort() > 0, "bind(null) gave %s", local);
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress(ContractSupport.LOOPBACK, local.getPort()));
                    SocketChannel accepted = server.accept()) {
                checkEquals(client.getLocalAddress(), accepted.getRemoteAddress(), "accepted remote address");
                checkEquals(new InetSocketAddress(ContractSupport.LOOPBACK, local.getPort()), accepted.getLocalAddress(),
                        "local address of a connection accepted on the wildcard");
            }
        }
    }

    public static void clientBindBeforeConnectKeepsItsAddress() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            client.bind(anyPort());
            SocketAddress bound = client.getLocalAddress();
            check(((InetSocketAddress) bound).getPort() > 0, "client bound to %s", bound);
            client.connect(addressOf(server));
            checkEquals(bound, client.getLocalAddress(), "local address after connect");
            try (SocketChannel accepted = server.accept()) {
                checkEquals(bound, accepted.getRemoteAddress(), "accepted remote address");
            }
        }
    }
}
