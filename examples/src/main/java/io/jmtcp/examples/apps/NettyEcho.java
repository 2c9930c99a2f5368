package io.jmtcp.examples.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * A Netty 4.2 NIO echo server: every byte a client sends comes back on the same connection.
 * Arguments {@code [PORT] [--self-test N]} (see the package documentation).
 *
 * <pre>
 * java -cp examples/target/examples.jar io.jmtcp.examples.apps.NettyEcho 7007
 * java -cp examples/target/examples.jar:agent/target/jmtcp.jar \
 *      -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider \
 *      io.jmtcp.examples.apps.NettyEcho 7007
 * </pre>
 */
public final class NettyEcho {

    private NettyEcho() {
    }

    public static void main(String[] args) throws Exception {
        AppArgs options = AppArgs.parse("NettyEcho", args);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new Echo())
                    .bind(AppArgs.HOST, options.port()).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            AppArgs.banner("NettyEcho", port);
            if (options.selfTestConnections() > 0) {
                SelfTest.run("NettyEcho", port, options.selfTestConnections(), SelfTest.echo());
            }
            server.closeFuture().sync();
        } finally {
            workers.shutdownGracefully();
            boss.shutdownGracefully();
        }
    }

    /** Writes back what it reads; flushes once per read burst, as Netty's own echo example does. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
