package io.jmtcp.it.frameworks.apps;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * An Undertow 2.3 (XNIO NIO) app that lives through an attach of the jmtcp agent. Before:
 * Undertow instance 1 (its XNIO worker and listener on the kernel) answers a request over a
 * {@code java.net.Socket}; prints {@code FACT server1.port} and waits for {@code attached}. After:
 * Undertow instance 2 (a new worker and listener) is started and fetched from over a
 * {@code SocketChannel.open()} made after the attach (the connection held for the test's
 * {@code PROBE}); instance 1 answers a new kernel connection. Every outcome is a {@code FACT},
 * failures as {@code failed <exception>}; {@code stop} ends it with exit 0.
 */
public final class AttachUndertowApp {

    private AttachUndertowApp() {
    }

    public static void main(String[] args) throws Exception {
        Probe.fact("pid", ProcessHandle.current().pid());
        Undertow u1 = server();
        u1.start();
        int p1 = port(u1);
        Probe.fact("before.server1", overSocket(p1));
        Probe.fact("server1.port", p1);
        String command = Probe.command();
        if (!"attached".equals(command)) {
            throw new IllegalStateException("expected 'attached', got " + command);
        }

        Probe.fact("provider", SelectorProvider.provider().getClass().getName());
        Undertow u2 = server();
        try {
            u2.start();
            int p2 = port(u2);
            Probe.fact("server2.start", "ok");
            Probe.fact("server2.port", p2);
            try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", p2))) {
                Probe.fact("client2.channel", ch.getClass().getName());
                InputStream in = Channels.newInputStream(ch);
                OutputStream out = Channels.newOutputStream(ch);
                Probe.fact("after.server2", RawHttp.get(in, out, p2, "/hello"));
                Probe.hold("undertow-after-attach", (InetSocketAddress) ch.getLocalAddress(),
                        (InetSocketAddress) ch.getRemoteAddress());
            }
        } catch (Exception | Error e) {
            Probe.fact("server2.start", "failed " + e);
            e.printStackTrace(System.out);
        }
        Probe.fact("after.server1", overSocket(p1));
        Probe.fact("done", "after");

        command = Probe.command();
        if (command != null && !command.equals("stop")) {
            throw new IllegalStateException("unknown command " + command);
        }
        u2.stop();
        u1.stop();
        Probe.fact("exit", 0);
        System.exit(0);
    }

    private static Undertow server() {
        return Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send("hello-from-undertow");
                }).build();
    }

    private static int port(Undertow u) {
        return ((InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code GET /hello} over a new blocking {@code java.net.Socket}: "status body", or the failure. */
    private static String overSocket(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            return RawHttp.get(s.getInputStream(), s.getOutputStream(), port, "/hello");
        } catch (Exception e) {
            return "failed " + e;
        }
    }
}
