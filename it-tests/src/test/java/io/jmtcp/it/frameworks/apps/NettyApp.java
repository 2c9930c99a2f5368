package io.jmtcp.it.frameworks.apps;

import io.jmtcp.it.frameworks.apps.NettyHttpClient.Reply;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Netty 4.2 NIO server and client in one JVM over 127.0.0.1, one scenario per run:
 * <ul>
 *   <li>{@code get} — two GETs on one keep-alive connection;</li>
 *   <li>{@code tls KEYSTORE PASSWORD} — the same over {@code SslHandler} (JDK engine) with the
 *       PKCS#12 key store's self-signed certificate, plus a 4 MiB body;</li>
 *   <li>{@code stream BYTES} — one streamed response of BYTES, SHA-256 compared end to end;</li>
 *   <li>{@code short COUNT} — COUNT connections of one request each ({@code Connection: close}),
 *       32 at a time.</li>
 * </ul>
 * Each ends by holding a keep-alive connection open for {@link Probe#hold}. Plain Netty: nothing
 * here knows which provider runs it.
 */
public final class NettyApp {

    private NettyApp() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        int exit = 1;
        try {
            SslContext serverSsl = null;
            SslContext clientSsl = null;
            if (args[0].equals("tls")) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                char[] password = args[2].toCharArray();
                try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
                    ks.load(in, password);
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                serverSsl = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
                clientSsl = SslContextBuilder.forClient().trustManager(tmf).sslProvider(SslProvider.JDK).build();
            }
            Channel server = NettyHttpServer.start(boss, workers, "127.0.0.1", 0, serverSsl);
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            Probe.fact("server.port", bound.getPort());
            NettyHttpClient client = new NettyHttpClient(clients, clientSsl, "127.0.0.1", bound.getPort());

            switch (args[0]) {
                case "get", "tls" -> keepAlive(client, bound, args[0], args[0].equals("tls"));
                case "stream" -> stream(client, bound, Long.parseLong(args[1]));
                case "short" -> shortConnections(client, bound, Integer.parseInt(args[1]));
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            }
            server.close().sync();
            exit = 0;
        } finally {
            clients.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }

    private static void keepAlive(NettyHttpClient client, InetSocketAddress server, String what, boolean big)
            throws Exception {
        Channel ch = client.connect().get(10, TimeUnit.SECONDS);
        Reply first = NettyHttpClient.get(ch, "/hello", true).get(10, TimeUnit.SECONDS);
        Reply second = NettyHttpClient.get(ch, "/hello", true).get(10, TimeUnit.SECONDS);
        Probe.fact(what + ".status", first.status() + "," + second.status());
        Probe.fact(what + ".body", first.text());
        Probe.fact(what + ".client-port", ((InetSocketAddress) ch.localAddress()).getPort());
        Probe.fact(what + ".server-saw-ports", first.remotePort() + "," + second.remotePort());
        if (big) {
            Reply body = NettyHttpClient.get(ch, "/stream?bytes=" + (4 << 20), true).get(30, TimeUnit.SECONDS);
            Probe.fact("stream.bytes", body.bytes());
            Probe.fact("stream.sha.received", body.sha256());
        }
        Probe.hold(what, (InetSocketAddress) ch.localAddress(), server);
        ch.close().sync();
    }

    private static void stream(NettyHttpClient client, InetSocketAddress server, long bytes) throws Exception {
        Channel ch = client.connect().get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        Reply r = NettyHttpClient.get(ch, "/stream?bytes=" + bytes, true).get(120, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        Probe.fact("stream.status", r.status());
        Probe.fact("stream.bytes", r.bytes());
        Probe.fact("stream.sha.received", r.sha256());
        Probe.fact("stream.ms", ms);
        Probe.hold("stream", (InetSocketAddress) ch.localAddress(), server);
        ch.close().sync();
    }

    private static void shortConnections(NettyHttpClient client, InetSocketAddress server, int count) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            CompletableFuture<?> one = client.connect()
                    .thenCompose(ch -> NettyHttpClient.get(ch, "/hello", false)
                            .thenCompose(r -> {
                                CompletableFuture<Reply> closed = new CompletableFuture<>();
                                // the server closes after a Connection: close response; wait for it
                                ch.closeFuture().addListener(x -> closed.complete(r));
                                return closed;
                            }))
                    .whenComplete((r, e) -> {
                        if (e == null && r.status() == 200) {
                            ok.incrementAndGet();
                        } else if (e != null) {
                            firstFailure.compareAndSet(null, e);
                        }
                        inFlight.release();
                    });
            all.add(one);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
        Probe.fact("short.ok", ok.get());
        Probe.fact("short.ms", (System.nanoTime() - start) / 1_000_000);
        if (firstFailure.get() != null) {
            Probe.fact("short.first-failure", firstFailure.get().toString().replace('\n', ' '));
        }
        Channel ch = client.connect().get(10, TimeUnit.SECONDS);
        NettyHttpClient.get(ch, "/hello", true).get(10, TimeUnit.SECONDS);
        Probe.hold("short", (InetSocketAddress) ch.localAddress(), server);
        ch.close().sync();
    }
}
