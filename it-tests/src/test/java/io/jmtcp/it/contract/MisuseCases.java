package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.addressOf;
import static io.jmtcp.it.contract.ContractSupport.anyPort;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.listen;
import static io.jmtcp.it.contract.ContractSupport.pair;

import io.jmtcp.it.contract.ContractSupport.Pair;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Every exception the JDK throws when an application misuses a channel, a selector or a key:
 * same type, same situation.
 */
public final class MisuseCases {

    private MisuseCases() {}

    private static ByteBuffer buf() {
        return ByteBuffer.allocate(8);
    }

    // ---------------------------------------------------------------- connection state

    public static void ioOnUnconnectedChannelThrowsNotYetConnected() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            expectThrows(NotYetConnectedException.class, "read", () -> sc.read(buf()));
            expectThrows(NotYetConnectedException.class, "write", () -> sc.write(buf()));
            expectThrows(NotYetConnectedException.class, "scattering read", () -> sc.read(new ByteBuffer[] {buf()}));
            expectThrows(NotYetConnectedException.class, "gathering write", () -> sc.write(new ByteBuffer[] {buf()}));
            sc.configureBlocking(false);
            expectThrows(NotYetConnectedException.class, "non-blocking read", () -> sc.read(buf()));
        }
    }

    public static void shutdownOfUnconnectedChannelThrowsNotYetConnected() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            expectThrows(NotYetConnectedException.class, "shutdownInput", sc::shutdownInput);
            expectThrows(NotYetConnectedException.class, "shutdownOutput", sc::shutdownOutput);
        }
    }

    public static void connectOnConnectedChannelThrowsAlreadyConnected() throws Exception {
        try (Pair p = pair()) {
            expectThrows(AlreadyConnectedException.class, "second connect", () -> p.client().connect(addressOf(p.server())));
            p.client().configureBlocking(false);
            expectThrows(AlreadyConnectedException.class, "second non-blocking connect", () -> p.client().connect(addressOf(p.server())));
        }
    }

    public static void connectWhilePendingThrowsConnectionPending() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel sc = SocketChannel.open()) {
            sc.configureBlocking(false);
            if (sc.connect(addressOf(server))) {
                throw new AssertionError("non-blocking connect completed at once; the connection is never pending on this provider");
            }
            expectThrows(ConnectionPendingException.class, "connect while a connect is pending", () -> sc.connect(addressOf(server)));
            check(sc.isConnectionPending(), "the failed second connect cancelled the pending one");
        }
    }

    public static void finishConnectWithoutConnectThrowsNoConnectionPending() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            expectThrows(NoConnectionPendingException.class, "finishConnect on a fresh channel", sc::finishConnect);
            sc.configureBlocking(false);
            expectThrows(NoConnectionPendingException.class, "non-blocking finishConnect on a fresh channel", sc::finishConnect);
        }
    }

    public static void acceptOnUnboundListenerThrowsNotYetBound() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
            expectThrows(NotYetBoundException.class, "accept before bind", ssc::accept);
            ssc.configureBlocking(false);
            expectThrows(NotYetBoundException.class, "non-blocking accept before bind", ssc::accept);
        }
    }

    // ---------------------------------------------------------------- closed channels

    public static void ioOnClosedSocketChannelThrowsClosedChannel() throws Exception {
        try (Pair p = pair()) {
            SocketChannel sc = p.client();
            sc.close();
            expectThrows(ClosedChannelException.class, "read", () -> sc.read(buf()));
            expectThrows(ClosedChannelException.class, "write", () -> sc.write(buf()));
            expectThrows(ClosedChannelException.class, "shutdownInput", sc::shutdownInput);
            expectThrows(ClosedChannelException.class, "shutdownOutput", sc::shutdownOutput);
            expectThrows(ClosedChannelException.class, "finishConnect", sc::finishConnect);
            expectThrows(ClosedChannelException.class, "connect", () -> sc.connect(addressOf(p.server())));
        }
    }

    public static void bindOnClosedChannelsThrowsClosedChannel() throws Exception {
        SocketChannel sc = SocketChannel.open();
        ServerSocketChannel ssc = ServerSocketChannel.open();
        sc.close();
        ssc.close();
        expectThrows(ClosedChannelException.class, "SocketChannel.bind", () -> sc.bind(anyPort()));
        expectThrows(ClosedChannelException.class, "ServerSocketChannel.bind", () -> ssc.bind(anyPort()));
    }

    public static void addressesAndOptionsOfClosedChannelsThrowClosedChannel() throws Exception {
        try (Pair p = pair()) {
            p.client().close();
            p.server().close();
            expectThrows(ClosedChannelException.class, "getLocalAddress", () -> p.client().getLocalAddress());
            expectThrows(ClosedChannelException.class, "getRemoteAddress", () -> p.client().getRemoteAddress());
            expectThrows(ClosedChannelException.class, "getOption", () -> p.client().getOption(StandardSocketOptions.TCP_NODELAY));
            expectThrows(ClosedChannelException.class, "setOption", () -> p.client().setOption(StandardSocketOptions.TCP_NODELAY, true));
            expectThrows(ClosedChannelException.class, "listener getLocalAddress", () -> p.server().getLocalAddress());
            expectThrows(ClosedChannelException.class, "listener getOption", () -> p.server().getOption(StandardSocketOptions.SO_RCVBUF));
            expectThrows(ClosedChannelException.class, "listener accept", () -> p.server().accept());
        }
    }

    public static void registerAndConfigureBlockingOnClosedChannelThrowClosedChannel() throws Exception {
        try (Selector selector = Selector.open()) {
            SocketChannel sc = SocketChannel.open();
            sc.configureBlocking(false);
            sc.close();
            expectThrows(ClosedChannelException.class, "register", () -> sc.register(selector, SelectionKey.OP_READ));
            expectThrows(ClosedChannelException.class, "configureBlocking", () -> sc.configureBlocking(true));
        }
    }

    public static void closeIsIdempotentEverywhere() throws Exception {
        Pair p = pair();
        p.close();
        p.close();
        Selector s = Selector.open();
        s.close();
        s.close();
        s.wakeup(); // harmless on a closed selector
        check(!p.client().isOpen() && !p.server().isOpen() && !s.isOpen(), "something reopened");
    }

    // ---------------------------------------------------------------- blocking mode and registration

    public static void registerInBlockingModeThrowsIllegalBlockingMode() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            expectThrows(IllegalBlockingModeException.class, "register a blocking SocketChannel",
                    () -> sc.register(selector, SelectionKey.OP_READ));
            expectThrows(IllegalBlockingModeException.class, "register a blocking ServerSocketChannel",
                    () -> ssc.register(selector, SelectionKey.OP_ACCEPT));
        }
    }

    public static void configureBlockingWhileRegisteredThrowsIllegalBlockingMode() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); Selector selector = Selector.open()) {
            sc.configureBlocking(false);
            sc.register(selector, 0);
            expectThrows(IllegalBlockingModeException.class, "configureBlocking(true) while registered", () -> sc.configureBlocking(true));
            sc.configureBlocking(false); // no change is allowed
            check(!sc.isBlocking(), "channel switched to blocking mode");
        }
    }

    public static void registerWithInvalidOpsThrowsIllegalArgument() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); ServerSocketChannel ssc = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            sc.configureBlocking(false);
            ssc.configureBlocking(false);
            expectThrows(IllegalArgumentException.class, "SocketChannel with OP_ACCEPT", () -> sc.register(selector, SelectionKey.OP_ACCEPT));
            expectThrows(IllegalArgumentException.class, "ServerSocketChannel with OP_READ", () -> ssc.register(selector, SelectionKey.OP_READ));
            expectThrows(IllegalArgumentException.class, "SocketChannel with an undefined bit", () -> sc.register(selector, 1 << 30));
        }
    }

    public static void interestOpsWithInvalidBitsThrowsIllegalArgument() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); Selector selector = Selector.open()) {
            sc.configureBlocking(false);
            SelectionKey key = sc.register(selector, SelectionKey.OP_READ);
            expectThrows(IllegalArgumentException.class, "interestOps(OP_ACCEPT)", () -> key.interestOps(SelectionKey.OP_ACCEPT));
            expectThrows(IllegalArgumentException.class, "interestOps(-1)", () -> key.interestOps(-1));
            expectThrows(IllegalArgumentException.class, "interestOpsOr(OP_ACCEPT)", () -> key.interestOpsOr(SelectionKey.OP_ACCEPT));
            check(key.interestOps() == SelectionKey.OP_READ, "a rejected change altered the interest set");
        }
    }

    public static void cancelledKeyOperationsThrowCancelledKey() throws Exception {
        try (SocketChannel sc = SocketChannel.open(); Selector selector = Selector.open()) {
            sc.configureBlocking(false);
            SelectionKey key = sc.register(selector, SelectionKey.OP_READ, "att");
            key.cancel();
            key.cancel(); // idempotent
            expectThrows(CancelledKeyException.class, "interestOps()", key::interestOps);
            expectThrows(CancelledKeyException.class, "interestOps(int)", () -> key.interestOps(SelectionKey.OP_WRITE));
            expectThrows(CancelledKeyException.class, "readyOps()", key::readyOps);
            expectThrows(CancelledKeyException.class, "isReadable()", key::isReadable);
            check("att".equals(key.attachment()), "attachment lost on cancel");
        }
    }

    public static void closedSelectorOperationsThrowClosedSelector() throws Exception {
        try (SocketChannel sc = SocketChannel.open()) {
            Selector selector = Selector.open();
            selector.close();
            expectThrows(ClosedSelectorException.class, "select()", selector::select);
            expectThrows(ClosedSelectorException.class, "select(timeout)", () -> selector.select(10));
            expectThrows(ClosedSelectorException.class, "selectNow()", selector::selectNow);
            expectThrows(ClosedSelectorException.class, "select(Consumer)", () -> selector.select(k -> { }, 10));
            expectThrows(ClosedSelectorException.class, "keys()", selector::keys);
            expectThrows(ClosedSelectorException.class, "selectedKeys()", selector::selectedKeys);
            sc.configureBlocking(false);
            expectThrows(ClosedSelectorException.class, "register with a closed selector", () -> sc.register(selector, SelectionKey.OP_READ));
        }
    }

    public static void negativeSelectTimeoutThrowsIllegalArgument() throws Exception {
        try (Selector selector = Selector.open()) {
            expectThrows(IllegalArgumentException.class, "select(-1)", () -> selector.select(-1));
            expectThrows(IllegalArgumentException.class, "select(Consumer, -1)", () -> selector.select(k -> { }, -1));
        }
    }

    // ---------------------------------------------------------------- buffers

    public static void readIntoReadOnlyBufferThrowsIllegalArgument() throws Exception {
        try (Pair p = pair()) {
            expectThrows(IllegalArgumentException.class, "read into a read-only buffer",
                    () -> p.accepted().read(ByteBuffer.allocate(8).asReadOnlyBuffer()));
        }
    }

    public static void scatterGatherWithBadOffsetsThrowsIndexOutOfBounds() throws Exception {
        try (Pair p = pair()) {
            ByteBuffer[] bufs = {buf(), buf()};
            expectThrows(IndexOutOfBoundsException.class, "read(bufs, 1, 2)", () -> p.accepted().read(bufs, 1, 2));
            expectThrows(IndexOutOfBoundsException.class, "write(bufs, -1, 1)", () -> p.client().write(bufs, -1, 1));
            expectThrows(IndexOutOfBoundsException.class, "write(bufs, 0, 3)", () -> p.client().write(bufs, 0, 3));
        }
    }
}
