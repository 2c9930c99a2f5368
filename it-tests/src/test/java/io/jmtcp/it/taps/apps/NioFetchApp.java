package io.jmtcp.it.taps.apps;

import io.jmtcp.it.frameworks.apps.PatternBytes;
import io.jmtcp.it.frameworks.apps.Probe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * A plain java.nio HTTP/1.0 client: a non-blocking {@link SocketChannel} on a {@link Selector}.
 * Binds its channel at once to the local address given as argument (port 0: any), prints
 * {@code FACT ready <provider> <bound address>}, then at a line {@code fetch HOST PORT PATH} on
 * standard input connects that channel, holds the connection for {@link Probe#hold}, sends
 * {@code GET PATH}, reads to end of stream and prints {@code FACT fetch.status},
 * {@code fetch.bytes} (body length) and {@code fetch.sha} (body SHA-256). Exits 0 at {@code stop}
 * or end of input. Binding before connecting picks the interface to leave from, as a client on a
 * multi-homed host does; it also brings up a network stack that starts on first bind.
 */
public final class NioFetchApp {

    private NioFetchApp() {
    }

    public static void main(String[] args) throws Exception {
        int exit = 1;
        try (Selector selector = Selector.open(); SocketChannel ch = SocketChannel.open()) {
            ch.bind(new InetSocketAddress(args[0], 0));
            Probe.fact("ready", selector.provider().getClass().getName() + " " + ch.getLocalAddress());
            String command = Probe.command();
            if (command != null && command.startsWith("fetch ")) {
                String[] f = command.split(" ");
                fetch(selector, ch, new InetSocketAddress(f[1], Integer.parseInt(f[2])), f[3]);
                command = Probe.command();
            }
            if (command != null && !command.equals("stop")) {
                throw new IllegalArgumentException("unexpected command " + command);
            }
            exit = 0;
        } finally {
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }

    private static void fetch(Selector selector, SocketChannel ch, InetSocketAddress server, String path) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ch.configureBlocking(false);
        SelectionKey key = ch.register(selector, 0);
        if (!ch.connect(server)) {
            key.interestOps(SelectionKey.OP_CONNECT);
            do {
                await(selector, deadline);
            } while (!ch.finishConnect());
        }
        Probe.hold("fetch", (InetSocketAddress) ch.getLocalAddress(), server);

        ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: " + server.getAddress().getHostAddress()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            if (ch.write(request) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                await(selector, deadline);
            }
        }

        ByteArrayOutputStream head = new ByteArrayOutputStream();
        MessageDigest sha = PatternBytes.sha256();
        long body = -1;
        ByteBuffer buf = ByteBuffer.allocate(65536);
        key.interestOps(SelectionKey.OP_READ);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            if (n == 0) {
                await(selector, deadline);
                continue;
            }
            buf.flip();
            if (body < 0) {
                // the header ends at the first CRLFCRLF; what follows it is body
                head.write(buf.array(), 0, buf.limit());
                byte[] h = head.toByteArray();
                int end = indexOfBlankLine(h);
                if (end >= 0) {
                    sha.update(h, end, h.length - end);
                    body = h.length - end;
                    String text = new String(h, 0, end, StandardCharsets.ISO_8859_1);
                    Probe.fact("fetch.status", text.substring(0, text.indexOf('\r')));
                }
            } else {
                sha.update(buf);
                body += n;
            }
        }
        key.cancel();
        Probe.fact("fetch.bytes", body);
        Probe.fact("fetch.sha", Probe.hex(sha.digest()));
    }

    /** Index just past the first CRLFCRLF, or -1. */
    private static int indexOfBlankLine(byte[] b) {
        for (int i = 3; i < b.length; i++) {
            if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    private static void await(Selector selector, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new IOException("timed out");
        }
        selector.select(Math.max(1, left));
        selector.selectedKeys().clear();
    }
}
