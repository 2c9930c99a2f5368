package io.jmtcp.it.frameworks.apps;

import io.jmtcp.it.frameworks.apps.NettyHttpClient.Reply;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Netty app that lives through an attach of the jmtcp agent. Before: a Netty HTTP server on
 * the event loop group A (kernel, JDK provider) and a JDK {@code HttpClient}; prints
 * {@code FACT server1.port} and waits for a line on standard input (the test attaches meanwhile).
 * After: a second server on a new group B and a client on a new group C that fetches from it
 * (both expected on jmtcp, the connection held for the test's {@code PROBE}); a third server and
 * a client made after the attach on the old group A (expected to stay on the kernel: A's
 * selector is the JDK's); a UDP channel on A and one on B (Netty's datagram class first used
 * after the attach); the old {@code HttpClient} opens new connections to servers 1, 2 and 3.
 * Every step prints a {@code FACT}; {@code stop} ends it with exit 0. With the argument
 * {@code own-libs} it also uses its own ByteBuddy and Agrona ({@link OwnLibraries}) before and
 * after.
 */
public final class AttachNettyApp {

    private AttachNettyApp() {
    }

    public static void main(String[] args) throws Exception {
        boolean ownLibs = args.length > 0 && args[0].equals("own-libs");
        Probe.fact("pid", ProcessHandle.current().pid());
        if (ownLibs) {
            Probe.fact("own.before", OwnLibraries.use());
        }
        EventLoopGroup a = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel s1 = NettyHttpServer.start(a, a, "127.0.0.1", 0, null);
        int p1 = port(s1);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Probe.fact("before.http1", fetch(http, p1));
        Probe.fact("server1.channel", javaChannel(s1));
        Probe.fact("server1.port", p1);
        String command = Probe.command();
        if (!"attached".equals(command)) {
            throw new IllegalStateException("expected 'attached', got " + command);
        }

        Probe.fact("provider", SelectorProvider.provider().getClass().getName());
        EventLoopGroup b = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup c = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel s2 = NettyHttpServer.start(b, b, "127.0.0.1", 0, null);
        int p2 = port(s2);
        Probe.fact("server2.channel", javaChannel(s2));
        Channel ch = new NettyHttpClient(c, null, "127.0.0.1", p2).connect().get(20, TimeUnit.SECONDS);
        Probe.fact("client2.channel", javaChannel(ch));
        Reply r = NettyHttpClient.get(ch, "/hello", true).get(20, TimeUnit.SECONDS);
        Probe.fact("after.netty2", r.status() + " " + r.text());
        Probe.hold("netty-after-attach", (InetSocketAddress) ch.localAddress(), (InetSocketAddress) ch.remoteAddress());
        ch.close().sync();

        // the pre-attach group A: new channels for it stay on the kernel (its selector is the JDK's)
        Channel s3 = NettyHttpServer.start(a, a, "127.0.0.1", 0, null);
        int p3 = port(s3);
        Probe.fact("server3.channel", javaChannel(s3));
        // Netty's datagram class is first used now, after the attach (its cached default is jmtcp's)
        Probe.fact("datagram1.channel", datagram(a));
        Probe.fact("datagram2.channel", datagram(b));
        Channel old = new NettyHttpClient(a, null, "127.0.0.1", p1).connect().get(20, TimeUnit.SECONDS);
        Probe.fact("client1.channel", javaChannel(old));
        Probe.fact("after.netty1", NettyHttpClient.get(old, "/hello", true).get(20, TimeUnit.SECONDS).status());
        old.close().sync();

        // the HttpClient made before the attach opens new connections (new ports: no pooled one)
        Probe.fact("after.http3", fetch(http, p3));
        Probe.fact("after.http2", fetch(http, p2));
        Probe.fact("after.http1", fetch(http, p1));
        if (ownLibs) {
            Probe.fact("own.after", OwnLibraries.use());
        }
        Probe.fact("done", "after");

        command = Probe.command();
        if (command != null && !command.equals("stop")) {
            throw new IllegalStateException("unknown command " + command);
        }
        s1.close().sync();
        s2.close().sync();
        s3.close().sync();
        a.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        b.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        c.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        Probe.fact("exit", 0);
        System.exit(0);
    }

    /** Binds a UDP channel on {@code group} (as Netty's DNS resolver does) and returns its JDK channel's class. */
    private static String datagram(EventLoopGroup group) throws Exception {
        Channel d = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
        try {
            return javaChannel(d);
        } finally {
            d.close().sync();
        }
    }

    private static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** {@code GET /hello} with the JDK client: status and body, or the failure. */
    private static String fetch(HttpClient http, int port) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return res.statusCode() + " " + res.body();
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    /** The class of the JDK channel under a Netty NIO channel ({@code javaChannel()} is protected). */
    static String javaChannel(Channel ch) throws ReflectiveOperationException {
        for (Class<?> k = ch.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Method m = k.getDeclaredMethod("javaChannel");
                m.setAccessible(true);
                return m.invoke(ch).getClass().getName();
            } catch (NoSuchMethodException e) {
                // declared higher up
            }
        }
        throw new NoSuchMethodException("javaChannel on " + ch.getClass());
    }
}
