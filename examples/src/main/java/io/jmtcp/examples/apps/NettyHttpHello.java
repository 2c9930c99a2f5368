package io.jmtcp.examples.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A Netty 4.2 NIO HTTP/1.1 server answering every request with {@code hello from netty};
 * connections stay open between requests as HTTP/1.1 says ({@link HttpServerKeepAliveHandler}
 * closes only when the client asks). Arguments {@code [PORT] [--self-test N]}.
 *
 * <pre>
 * java -cp examples/target/examples.jar io.jmtcp.examples.apps.NettyHttpHello 8080
 * curl http://127.0.0.1:8080/
 * </pre>
 */
public final class NettyHttpHello {

    static final byte[] BODY = "hello from netty".getBytes(StandardCharsets.US_ASCII);

    private NettyHttpHello() {
    }

    public static void main(String[] args) throws Exception {
        AppArgs options = AppArgs.parse("NettyHttpHello", args);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(64 * 1024), Hello.INSTANCE);
                        }
                    })
                    .bind(AppArgs.HOST, options.port()).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            AppArgs.banner("NettyHttpHello", port);
            if (options.selfTestConnections() > 0) {
                SelfTest.run("NettyHttpHello", port, options.selfTestConnections(),
                        SelfTest.http("/", new String(BODY, StandardCharsets.US_ASCII)));
            }
            server.closeFuture().sync();
        } finally {
            workers.shutdownGracefully();
            boss.shutdownGracefully();
        }
    }

    /** Answers every request with the same short text; stateless, so one instance serves all connections. */
    @ChannelHandler.Sharable
    public static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {

        /** The one instance (the handler holds no state). */
        public static final Hello INSTANCE = new Hello();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BODY));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            HttpUtil.setContentLength(response, BODY.length);
            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
