package io.jmtcp.examples.apps;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * The {@code --self-test N} of the example apps: N connections from the app's own JVM to its own
 * port, opened with {@code SocketChannel.open()} so that they go through the JVM's
 * {@code SelectorProvider} (on jmtcp, a connect to a port where a jmtcp listener of this JVM
 * listens stays inside the user-level stack), each carrying two exchanges on the one connection
 * (two keep-alive GETs, or two 64-byte echoes). Then one line:
 * <pre>
 * self-test NettyHttpHello: 20/20 connections answered; jmtcp connections opened: 20
 * self-test NettyHttpHello: 20/20 connections answered; jmtcp connections opened: none (no jmtcp stack in this JVM)
 * </pre>
 * The count is the increase of the engines' {@code TCP_ACTIVE_OPENS} counters, read through the
 * platform MBean server ({@code io.jmtcp:type=Engine,*}), so a run that silently fell back to the
 * kernel shows it. Clients are blocking channels: the point is the path, not the speed.
 *
 * <p>Threads: the caller's (the app's main thread).
 */
public final class SelfTest {

    /** One client connection's conversation; throws when the answer is not the expected one. */
    @FunctionalInterface
    public interface Exchange {
        void run(SocketChannel channel) throws IOException;
    }

    private SelfTest() {
    }

    /** Runs {@code connections} connections to {@code 127.0.0.1:port}, prints the result line, returns the failures. */
    public static int run(String app, int port, int connections, Exchange exchange) {
        long before = jmtcpActiveOpens();
        int ok = 0;
        String firstFailure = null;
        InetSocketAddress server = new InetSocketAddress(AppArgs.HOST, port);
        for (int i = 0; i < connections; i++) {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(server);
                exchange.run(ch);
                ok++;
            } catch (IOException | RuntimeException e) {
                if (firstFailure == null) {
                    firstFailure = e.toString();
                }
            }
        }
        long after = jmtcpActiveOpens();
        String opened = after < 0 ? "none (no jmtcp stack in this JVM)" : String.valueOf(after - Math.max(before, 0));
        System.out.println("self-test " + app + ": " + ok + "/" + connections + " connections answered; jmtcp connections opened: "
                + opened + (firstFailure == null ? "" : "; first failure: " + firstFailure));
        System.out.flush();
        return connections - ok;
    }

    /** Two GETs of {@code path} on the one keep-alive connection, each answered 200 with {@code body}. */
    public static Exchange http(String path, String body) {
        return ch -> {
            for (int i = 0; i < 2; i++) {
                String request = "GET " + path + " HTTP/1.1\r\nHost: " + AppArgs.HOST + "\r\nUser-Agent: jmtcp-self-test\r\n\r\n";
                writeFully(ch, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                String got = readHttpResponse(ch);
                if (!got.equals("200 " + body)) {
                    throw new IOException("expected 200 " + body + ", got " + got);
                }
            }
        };
    }

    /** Two 64-byte messages, each echoed back whole. */
    public static Exchange echo() {
        return ch -> {
            for (int i = 0; i < 2; i++) {
                byte[] message = new byte[64];
                Arrays.fill(message, (byte) ('a' + i));
                writeFully(ch, ByteBuffer.wrap(message));
                ByteBuffer in = ByteBuffer.allocate(64);
                while (in.hasRemaining()) {
                    if (ch.read(in) < 0) {
                        throw new IOException("end of stream after " + in.position() + " of 64 echoed bytes");
                    }
                }
                if (!Arrays.equals(in.array(), message)) {
                    throw new IOException("the echo differs from what was sent");
                }
            }
        };
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Reads one response with a {@code Content-Length} (all the apps send one) and returns
     * "STATUS BODY". The client sends one request at a time, so no byte of a later response can be
     * in the channel yet; more bytes than one response is an error.
     */
    static String readHttpResponse(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        int headerEnd;
        while ((headerEnd = indexOf(buf, "\r\n\r\n")) < 0) {
            if (!buf.hasRemaining() || ch.read(buf) < 0) {
                throw new IOException("no complete response head in " + buf.position() + " bytes");
            }
        }
        String head = new String(buf.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        int length = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (length < 0 || length > buf.capacity() - headerEnd - 4) {
            throw new IOException("response without a usable Content-Length: " + lines[0]);
        }
        int end = headerEnd + 4 + length;
        while (buf.position() < end) {
            if (ch.read(buf) < 0) {
                throw new IOException("end of stream inside the body");
            }
        }
        if (buf.position() > end) {
            throw new IOException("more bytes than one response (the apps answer one request at a time)");
        }
        return status[1] + " " + new String(buf.array(), headerEnd + 4, length, StandardCharsets.UTF_8);
    }

    private static int indexOf(ByteBuffer buf, String what) {
        byte[] a = buf.array();
        outer:
        for (int i = 0; i + what.length() <= buf.position(); i++) {
            for (int j = 0; j < what.length(); j++) {
                if (a[i + j] != what.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The sum of every jmtcp engine's {@code TCP_ACTIVE_OPENS}; -1 when this JVM has no jmtcp engine. */
    public static long jmtcpActiveOpens() {
        return jmtcpCounter("TCP_ACTIVE_OPENS");
    }

    /** The sum of one counter over every jmtcp engine of this JVM; -1 when there is none. */
    public static long jmtcpCounter(String counter) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> engines = server.queryNames(new ObjectName("io.jmtcp:type=Engine,*"), null);
            if (engines.isEmpty()) {
                return -1;
            }
            long sum = 0;
            for (ObjectName engine : engines) {
                TabularData counters = (TabularData) server.getAttribute(engine, "Counters");
                CompositeData row = counters.get(new Object[] {counter});
                if (row == null) {
                    throw new IllegalStateException("jmtcp engine " + engine + " has no counter " + counter);
                }
                sum += (Long) row.get("value");
            }
            return sum;
        } catch (JMException e) {
            throw new IllegalStateException("cannot read jmtcp's counters: " + e, e);
        }
    }
}
