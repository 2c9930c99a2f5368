package io.jmtcp.distribution;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/** A plain NIO app for agent tests: prints its provider and echoes one message over 127.0.0.1. */
public final class ProviderProbe {

    private ProviderProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("provider=" + SelectorProvider.provider().getClass().getName());
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                    SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap("ping".getBytes("US-ASCII")));
                ByteBuffer in = ByteBuffer.allocate(4);
                while (in.hasRemaining() && accepted.read(in) >= 0) {
                    // blocking read until the 4 bytes are there
                }
                System.out.println("echo=" + new String(in.array(), "US-ASCII"));
            }
        }
    }
}
