package io.jmtcp.it.frameworks.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A plain Netty 4.2 NIO HTTP/1.1 server: {@code GET /hello} answers a short text with the client's
 * port in {@code x-remote-port}; {@code GET /stream?bytes=N} streams N bytes of {@link PatternBytes}
 * through {@link ChunkedWriteHandler} (so back-pressure comes from the channel's writability) and
 * prints the SHA-256 of what it sent as {@code FACT stream.sha.sent}. Keep-alive as HTTP/1.1 says;
 * optional TLS through {@code SslHandler}.
 */
public final class NettyHttpServer {

    private NettyHttpServer() {
    }

    /** Binds on {@code host:port} (0 for any free port) and returns the bound server channel. */
    public static Channel start(EventLoopGroup boss, EventLoopGroup workers, String host, int port, SslContext ssl)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new ChunkedWriteHandler(), new Routes());
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** The request handler. */
    private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            int remotePort = ((InetSocketAddress) ctx.channel().remoteAddress()).getPort();
            if (uri.path().equals("/stream")) {
                long bytes = Long.parseLong(uri.parameters().get("bytes").get(0));
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                        .set("x-remote-port", remotePort);
                HttpUtil.setContentLength(head, bytes);
                HttpUtil.setKeepAlive(head, HttpUtil.isKeepAlive(req));
                ctx.write(head);
                ctx.writeAndFlush(new HttpChunkedInput(new PatternInput(bytes)));
                return;
            }
            boolean hello = uri.path().equals("/hello");
            byte[] body = (hello ? "hello from netty" : "not found").getBytes(StandardCharsets.US_ASCII);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    hello ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").set("x-remote-port", remotePort);
            HttpUtil.setContentLength(res, body.length);
            HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
            ctx.writeAndFlush(res);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.out.println("SERVER-ERROR " + cause);
            ctx.close();
        }
    }

    /** {@link PatternBytes} as Netty chunks of 64 KiB. */
    private static final class PatternInput implements ChunkedInput<ByteBuf> {
        private final PatternBytes pattern;
        private final long length;
        private boolean reported;

        PatternInput(long length) {
            this.length = length;
            this.pattern = new PatternBytes(length, 42);
        }

        @Override
        public boolean isEndOfInput() {
            if (pattern.remaining() == 0 && !reported) {
                reported = true;
                Probe.fact("stream.sha.sent", pattern.sha256Hex());
            }
            return pattern.remaining() == 0;
        }

        @Override
        public void close() {
        }

        @Deprecated
        @Override
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) {
            if (pattern.remaining() == 0) {
                return null;
            }
            int n = (int) Math.min(65536, pattern.remaining());
            ByteBuf buf = allocator.heapBuffer(n);
            pattern.fill(buf.internalNioBuffer(buf.writerIndex(), n));
            buf.writerIndex(n);
            return buf;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public long progress() {
            return length - pattern.remaining();
        }
    }
}
