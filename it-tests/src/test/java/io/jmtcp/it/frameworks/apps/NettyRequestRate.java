package io.jmtcp.it.frameworks.apps;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 keep-alive requests per second of the {@link NettyHttpServer} (one worker event loop)
 * driven by a Netty client (one event loop, N connections, one request in flight on each) in the
 * same JVM. Driven by commands on stdin so that two JVMs (jmtcp and kernel) can be measured
 * alternately: {@code round MS} prints {@code RATE <requests> <nanos>}; {@code probe} holds one
 * client connection for {@link Probe#hold}; {@code quit} ends. Prints {@code READY} when connected.
 * Argument: the number of connections.
 */
public final class NettyRequestRate {

    private static final AtomicLong RESPONSES = new AtomicLong();
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static volatile boolean running;

    private NettyRequestRate() {
    }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = NettyHttpServer.start(boss, workers, "127.0.0.1", 0, null);
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            Bootstrap b = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Loop());
                        }
                    });
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                channels.add(b.connect(bound).sync().channel());
            }
            System.out.println("READY " + bound.getPort());
            System.out.flush();
            for (String cmd; (cmd = Probe.command()) != null && !cmd.equals("quit"); ) {
                if (cmd.startsWith("round ")) {
                    long ms = Long.parseLong(cmd.substring(6).trim());
                    running = true;
                    long c0 = RESPONSES.get();
                    long t0 = System.nanoTime();
                    channels.forEach(ch -> ch.eventLoop().execute(() -> Loop.send(ch)));
                    Thread.sleep(ms);
                    long c1 = RESPONSES.get();
                    long t1 = System.nanoTime();
                    running = false;
                    while (IN_FLIGHT.get() > 0) {
                        Thread.sleep(1);
                    }
                    System.out.println("RATE " + (c1 - c0) + " " + (t1 - t0));
                    System.out.flush();
                } else if (cmd.equals("probe")) {
                    Channel ch = channels.get(0);
                    Probe.hold("rate", (InetSocketAddress) ch.localAddress(), bound);
                }
            }
            for (Channel ch : channels) {
                ch.close().sync();
            }
            server.close().sync();
        } finally {
            clients.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** One request in flight per connection while {@code running}. Event-loop thread. */
    private static final class Loop extends SimpleChannelInboundHandler<HttpObject> {
        static void send(Channel ch) {
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hello",
                    Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            IN_FLIGHT.incrementAndGet();
            ch.writeAndFlush(req);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof LastHttpContent) {
                RESPONSES.incrementAndGet();
                IN_FLIGHT.decrementAndGet();
                if (running) {
                    send(ctx.channel());
                }
            }
        }
    }
}
