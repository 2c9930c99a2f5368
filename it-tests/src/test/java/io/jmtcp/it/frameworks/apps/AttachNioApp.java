package io.jmtcp.it.frameworks.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Plain NIO and blocking {@code java.net} sockets through an attach of the jmtcp agent. Before:
 * selector 1 with listener 1 (echoes one message), listener 0 (not registered yet) and a blocking
 * {@link ServerSocket} b1; prints {@code FACT nio1.port} and waits for {@code attached}. After:
 * <ol>
 * <li>selector 1 + listener 1 still accept and echo (a kernel client);</li>
 * <li>a new {@code Selector.open()} + {@code ServerSocketChannel.open()} pair (jmtcp's) echoes
 *     for a {@code SocketChannel.open()} client (held for the test's {@code PROBE});</li>
 * <li>the new selector takes the pre-attach listener 0: accept, register, select, read, echo;</li>
 * <li>blocking sockets: b1 and a {@code ServerSocket} made after the attach accept and echo (the
 *     second connection held for a {@code PROBE});</li>
 * <li>a {@code SocketChannel.open()} made after the attach, registered with selector 1: the
 *     outcome (the documented limit).</li>
 * </ol>
 * Every outcome is a {@code FACT}; {@code stop} ends it with exit 0.
 */
public final class AttachNioApp {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long TIMEOUT_NS = 15_000_000_000L;

    private AttachNioApp() {
    }

    /** Called with the connection still open (the accepted end and the client's addresses). */
    private interface Hold {
        void open(InetSocketAddress client, InetSocketAddress server) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        Probe.fact("pid", ProcessHandle.current().pid());
        Selector sel1 = Selector.open();
        ServerSocketChannel l1 = listener();
        l1.register(sel1, SelectionKey.OP_ACCEPT);
        ServerSocketChannel l0 = listener();
        ServerSocket b1 = new ServerSocket(0, 50, LOOPBACK);
        Probe.fact("before.nio1", echoWithSocket(sel1, l1, "before-1"));
        Probe.fact("before.blocking1", echoBlocking(b1, "before-b1", null));
        Probe.fact("nio0.port", l0.socket().getLocalPort());
        Probe.fact("blocking1.port", b1.getLocalPort());
        Probe.fact("nio1.port", l1.socket().getLocalPort());
        String command = Probe.command();
        if (!"attached".equals(command)) {
            throw new IllegalStateException("expected 'attached', got " + command);
        }

        Probe.fact("provider", SelectorProvider.provider().getClass().getName());
        Probe.fact("after.nio1", echoWithSocket(sel1, l1, "after-1"));

        Selector sel2 = Selector.open();
        ServerSocketChannel l2 = listener();
        l2.register(sel2, SelectionKey.OP_ACCEPT);
        int p2 = l2.socket().getLocalPort();
        Probe.fact("selector2.class", sel2.getClass().getName());
        Probe.fact("nio2.channel", l2.getClass().getName());
        Probe.fact("nio2.port", p2);
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress(LOOPBACK, p2))) {
            Probe.fact("nio2.client", c.getClass().getName());
            Probe.fact("after.nio2", echo(sel2, l2, Channels.newInputStream(c), Channels.newOutputStream(c), "after-2",
                    (client, server) -> Probe.hold("nio-after-attach", (InetSocketAddress) c.getLocalAddress(),
                            (InetSocketAddress) c.getRemoteAddress())));
        }

        l0.configureBlocking(false);
        l0.register(sel2, SelectionKey.OP_ACCEPT);
        Probe.fact("after.nio0", echoWithSocket(sel2, l0, "after-0"));

        Probe.fact("after.blocking1", echoBlocking(b1, "after-b1", null));
        ServerSocket b2 = new ServerSocket(0, 50, LOOPBACK); // open until stop: the test looks for its listener
        Probe.fact("blocking2.port", b2.getLocalPort());
        Probe.fact("after.blocking2", echoBlocking(b2, "after-b2",
                (client, server) -> Probe.hold("blocking-after-attach", client, server)));

        try (SocketChannel x = SocketChannel.open()) {
            x.configureBlocking(false);
            x.register(sel1, SelectionKey.OP_CONNECT);
            Probe.fact("after.mixed", "registered " + x.getClass().getName());
        } catch (Exception e) {
            Probe.fact("after.mixed", "failed " + e);
        }
        Probe.fact("done", "after");

        command = Probe.command();
        if (command != null && !command.equals("stop")) {
            throw new IllegalStateException("unknown command " + command);
        }
        sel1.close();
        sel2.close();
        l0.close();
        l1.close();
        l2.close();
        b1.close();
        b2.close();
        Probe.fact("exit", 0);
        System.exit(0);
    }

    private static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel l = ServerSocketChannel.open();
        l.bind(new InetSocketAddress(LOOPBACK, 0));
        l.configureBlocking(false);
        return l;
    }

    /** {@link #echo} for a new {@code java.net.Socket} client (the kernel's, before and after the attach). */
    private static String echoWithSocket(Selector sel, ServerSocketChannel l, String message) {
        try (Socket s = new Socket(LOOPBACK, l.socket().getLocalPort())) {
            s.setSoTimeout(15_000);
            return echo(sel, l, s.getInputStream(), s.getOutputStream(), message, null);
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    /**
     * The client writes {@code message}; the server side accepts on {@code sel}, registers the
     * accepted channel with {@code sel}, reads the message when selected and writes it back; the
     * client reads it. Returns "echo MESSAGE ACCEPTED-CHANNEL-CLASS" or the failure.
     */
    private static String echo(Selector sel, ServerSocketChannel l, InputStream in, OutputStream out, String message,
            Hold hold) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + TIMEOUT_NS;
        try {
            out.write(bytes);
            out.flush();
            SocketChannel accepted = null;
            while (accepted == null) {
                for (SelectionKey k : selected(sel, deadline)) {
                    if (k.channel() == l && k.isAcceptable()) {
                        accepted = l.accept();
                    }
                }
            }
            try (SocketChannel a = accepted) {
                a.configureBlocking(false);
                SelectionKey key = a.register(sel, SelectionKey.OP_READ);
                ByteBuffer buf = ByteBuffer.allocate(bytes.length);
                while (buf.hasRemaining()) {
                    for (SelectionKey k : selected(sel, deadline)) {
                        if (k == key && k.isReadable() && a.read(buf) < 0) {
                            throw new IOException("end of stream after " + buf.position() + " bytes");
                        }
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    a.write(buf); // a few bytes into an empty send buffer
                }
                String back = new String(in.readNBytes(bytes.length), StandardCharsets.US_ASCII);
                if (hold != null) {
                    hold.open((InetSocketAddress) a.getRemoteAddress(), (InetSocketAddress) a.getLocalAddress());
                }
                key.cancel();
                return "echo " + back + " " + a.getClass().getName();
            } finally {
                sel.selectNow(); // flushes the cancelled key
            }
        } catch (Exception e) {
            e.printStackTrace(System.out);
            return "failed " + e;
        }
    }

    /** The keys {@code sel} selects next (the selected set cleared), failing after the deadline. */
    private static java.util.List<SelectionKey> selected(Selector sel, long deadline) throws IOException {
        if (System.nanoTime() - deadline > 0) {
            throw new IOException("nothing selected within 15 s on " + sel);
        }
        sel.select(1_000);
        java.util.List<SelectionKey> keys = new java.util.ArrayList<>(sel.selectedKeys());
        for (Iterator<SelectionKey> i = sel.selectedKeys().iterator(); i.hasNext(); ) {
            i.next();
            i.remove();
        }
        return keys;
    }

    /** One blocking connection to {@code server}: the client writes, the accepted socket echoes. */
    private static String echoBlocking(ServerSocket server, String message, Hold hold) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        try (Socket c = new Socket(LOOPBACK, server.getLocalPort()); Socket a = server.accept()) {
            c.setSoTimeout(15_000);
            a.setSoTimeout(15_000);
            c.getOutputStream().write(bytes);
            a.getOutputStream().write(a.getInputStream().readNBytes(bytes.length));
            String back = new String(c.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
            if (hold != null) {
                hold.open((InetSocketAddress) c.getLocalSocketAddress(), (InetSocketAddress) a.getLocalSocketAddress());
            }
            return "echo " + back + " channel=" + a.getChannel();
        } catch (Exception e) {
            return "failed " + e;
        }
    }
}
