package io.jmtcp.provider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/** Shared test helpers: the provider (over the JVM's loopback stack) and connected pairs. */
final class Loopback {

    static final SelectorProvider PROVIDER = new JmtcpSelectorProvider();

    private Loopback() {
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /** A listener on an ephemeral loopback port. */
    static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel ssc = PROVIDER.openServerSocketChannel();
        ssc.bind(new InetSocketAddress(loopback(), 0));
        return ssc;
    }

    /** A connected pair, both blocking: [client, server]. */
    static SocketChannel[] pair(ServerSocketChannel ssc) throws IOException {
        SocketChannel client = PROVIDER.openSocketChannel();
        client.connect(ssc.getLocalAddress());
        SocketChannel server = ssc.accept();
        return new SocketChannel[] {client, server};
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static String ascii(ByteBuffer b) {
        b.flip();
        return java.nio.charset.StandardCharsets.US_ASCII.decode(b).toString();
    }

    /** Reads exactly {@code n} bytes in blocking mode. */
    static String readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                break;
            }
        }
        return ascii(b);
    }
}
