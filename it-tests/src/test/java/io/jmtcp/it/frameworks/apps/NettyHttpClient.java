package io.jmtcp.it.frameworks.apps;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * A plain Netty 4.2 NIO HTTP/1.1 client: one request at a time per connection, the response
 * body digested with SHA-256 as it streams in (nothing aggregated), optional TLS.
 */
public final class NettyHttpClient {

    /** A response: status, the server's view of the client port, body size, digest, and its start. */
    public record Reply(int status, String remotePort, long bytes, String sha256, String text) {
    }

    private final Bootstrap bootstrap;

    public NettyHttpClient(EventLoopGroup group, SslContext ssl, String host, int port) {
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(host, port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new ReplyHandler());
                    }
                });
    }

    /** Connects (asynchronously). */
    public CompletableFuture<Channel> connect() {
        CompletableFuture<Channel> f = new CompletableFuture<>();
        bootstrap.connect().addListener(cf -> {
            if (cf.isSuccess()) {
                f.complete(((ChannelFuture) cf).channel());
            } else {
                f.completeExceptionally(cf.cause());
            }
        });
        return f;
    }

    /** Sends {@code GET path} on {@code ch}; the reply completes when its last content arrived. */
    public static CompletableFuture<Reply> get(Channel ch, String path, boolean keepAlive) {
        ReplyHandler h = ch.pipeline().get(ReplyHandler.class);
        CompletableFuture<Reply> f = new CompletableFuture<>();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        HttpUtil.setKeepAlive(req, keepAlive);
        // handed to the event loop so the handler's state is touched by one thread only
        ch.eventLoop().execute(() -> {
            h.start(f);
            ch.writeAndFlush(req).addListener(w -> {
                if (!w.isSuccess()) {
                    f.completeExceptionally(w.cause());
                }
            });
        });
        return f;
    }

    /** Reads one response at a time. Event-loop thread only. */
    private static final class ReplyHandler extends SimpleChannelInboundHandler<HttpObject> {
        private CompletableFuture<Reply> pending;
        private MessageDigest sha;
        private int status;
        private String remotePort;
        private long bytes;
        private final StringBuilder text = new StringBuilder();

        void start(CompletableFuture<Reply> f) {
            pending = f;
            sha = PatternBytes.sha256();
            bytes = 0;
            text.setLength(0);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                status = r.status().code();
                remotePort = r.headers().get("x-remote-port");
            }
            if (msg instanceof HttpContent c) {
                ByteBuf b = c.content();
                bytes += b.readableBytes();
                sha.update(b.nioBuffer());
                if (text.length() < 256) {
                    text.append(b.toString(StandardCharsets.ISO_8859_1), 0, Math.min(b.readableBytes(), 256));
                }
            }
            if (msg instanceof LastHttpContent && pending != null) {
                CompletableFuture<Reply> f = pending;
                pending = null;
                f.complete(new Reply(status, remotePort, bytes, Probe.hex(sha.digest()), text.toString()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.completeExceptionally(new ClosedChannelException());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (pending != null) {
                pending.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause));
                pending = null;
            }
            ctx.close();
        }
    }
}
