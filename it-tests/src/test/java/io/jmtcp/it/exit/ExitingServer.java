package io.jmtcp.it.exit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The forked application: plain NIO code (the provider comes from the system property). It
 * accepts one connection and, like a framework's graceful shutdown, closes it from its own
 * shutdown hook — after a pause, so the hook outlives the start of jmtcp's — with a last line
 * written first. Progress goes to a marker file the test polls.
 *
 * <p>Arguments: marker file, local address, port.
 */
public final class ExitingServer {

    private ExitingServer() {
    }

    public static void main(String[] args) throws Exception {
        Path marker = Path.of(args[0]);
        InetSocketAddress local = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        mark(marker, "PROVIDER " + SelectorProvider.provider().getClass().getName());
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(local);
        mark(marker, "LISTENING");
        SocketChannel connection = listener.accept();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(500); // a framework draining its work
                connection.write(ByteBuffer.wrap("bye\n".getBytes(StandardCharsets.US_ASCII)));
                connection.close();
                listener.close();
                mark(marker, "CLOSED");
            } catch (IOException | InterruptedException e) {
                mark(marker, "HOOK FAILED " + e);
            }
        }, "app-graceful-shutdown"));
        mark(marker, "ACCEPTED");
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void mark(Path marker, String line) {
        try {
            Files.writeString(marker, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
