package io.jmtcp.examples.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.HdrHistogram.Histogram;

/**
 * The one application every cell of the comparison runs: a Netty server (echo, HTTP/1.1 hello,
 * byte sink) and a Netty load client, on the transport named by {@code --transport}. With
 * {@code nio} it runs on whatever {@link SelectorProvider} the JVM has — the JDK's, or jmtcp's
 * when started with {@code -Djava.nio.channels.spi.SelectorProvider=io.jmtcp.provider.JmtcpSelectorProvider}
 * — so the kernel and jmtcp cells run the very same code. It knows nothing of jmtcp: it finds
 * jmtcp's engine counters, when there are any, through the platform MBean server.
 *
 * <p>Roles (first argument): {@code both} runs server and client in this JVM (the in-stack
 * loopback cells), {@code server} and {@code client} one each (the two-JVM cells). It is driven
 * by lines on stdin and answers on stdout, one line each:
 * <ul>
 * <li>at start: {@code READY echo=P http=P sink=P provider=CLASS}, or {@code UNAVAILABLE reason}
 * when the transport cannot run here (then it exits);
 * <li>{@code run WORKLOAD MILLIS} (client, both): runs one round, answers {@code RESULT ops=N
 * nanos=N total=N bytes=N errors=N p50=NS p99=NS p999=NS}; {@code ops} counts what completed
 * within the round's time, {@code total} also what completed while the round drained;
 * <li>{@code stats}: {@code STATS connects=N accepts=N provider=CLASS engines=N active=N passive=N}
 * (connects this client made, connections this server accepted, jmtcp's engines and its
 * connect/accept counters; {@code engines=0} when jmtcp does not run in this JVM);
 * <li>{@code quit}: exits.
 * </ul>
 *
 * <p>Threads: the client and the server each have one Netty event loop; the main thread reads
 * commands and times rounds. Counters are atomics written by the event loops.
 */
public final class BenchApp {

    static final int MESSAGE = 64;
    private static final int SHORT_CONCURRENCY = Integer.getInteger("bench.short.concurrency", 16);
    private static final int PERSISTENT_CONNECTIONS = Integer.getInteger("bench.persistent.connections", 64);
    private static final int HTTP_CONNECTIONS = Integer.getInteger("bench.http.connections", 16);
    private static final int BULK_CHUNK = 64 * 1024;
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private BenchApp() {
    }

    /**
     * Entry point.
     *
     * @param args {@code ROLE --transport T [--bind HOST] [--target HOST --echo P --http P --sink P]}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        String role = args[0];
        Transport transport = Transport.fromCli(opts.getOrDefault("--transport", "nio"));
        PrintStream out = System.out;
        String why = transport.unavailability();
        if (why != null) {
            out.println("UNAVAILABLE " + why.replace('\n', ' '));
            out.flush();
            return;
        }
        Server server = null;
        Client client = null;
        try {
            String ready;
            if (role.equals("server") || role.equals("both")) {
                server = new Server(transport, opts.getOrDefault("--bind", "127.0.0.1"));
                ready = "READY echo=" + server.port(server.echo) + " http=" + server.port(server.http)
                        + " sink=" + server.port(server.sink);
            } else {
                ready = "READY";
            }
            if (role.equals("client") || role.equals("both")) {
                String target = opts.getOrDefault("--target", "127.0.0.1");
                client = server != null
                        ? new Client(transport, target, server.port(server.echo), server.port(server.http),
                                server.port(server.sink))
                        : new Client(transport, target, Integer.parseInt(opts.get("--echo")),
                                Integer.parseInt(opts.get("--http")), Integer.parseInt(opts.get("--sink")));
            }
            out.println(ready + " provider=" + SelectorProvider.provider().getClass().getName());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.trim().split("\\s+");
                if (cmd[0].equals("quit")) {
                    break;
                } else if (cmd[0].equals("run") && client != null) {
                    try {
                        out.println(client.round(Workload.fromCli(cmd[1]), Long.parseLong(cmd[2])));
                    } catch (Exception e) {
                        // e.g. a connect refused or out of ports: the harness reports it, the app lives on
                        e.printStackTrace();
                        out.println("ERROR " + line + ": " + String.valueOf(e).replace('\n', ' '));
                    }
                } else if (cmd[0].equals("stats")) {
                    out.println(stats(client, server));
                } else {
                    out.println("ERROR unknown command: " + line);
                }
                out.flush();
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    private static String stats(Client client, Server server) {
        long[] jmtcp = jmtcpOpens();
        return "STATS connects=" + (client == null ? 0 : client.connects.get())
                + " accepts=" + (server == null ? 0 : server.accepts.get())
                + " provider=" + SelectorProvider.provider().getClass().getName()
                + " engines=" + jmtcp[0] + " active=" + jmtcp[1] + " passive=" + jmtcp[2];
    }

    /**
     * jmtcp's engines in this JVM and the sums of their active and passive open counters, read
     * from the engine MBeans ({@code io.jmtcp:type=Engine,*}); zeros when jmtcp is not running.
     */
    static long[] jmtcpOpens() {
        long[] r = new long[3];
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : mbs.queryNames(new ObjectName("io.jmtcp:type=Engine,*"), null)) {
                r[0]++;
                TabularData counters = (TabularData) mbs.getAttribute(name, "Counters");
                for (Object row : counters.values()) {
                    CompositeData c = (CompositeData) row;
                    Object key = c.get("key");
                    long value = ((Number) c.get("value")).longValue();
                    if ("TCP_ACTIVE_OPENS".equals(key)) {
                        r[1] += value;
                    } else if ("TCP_PASSIVE_OPENS".equals(key)) {
                        r[2] += value;
                    }
                }
            }
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot read jmtcp's engine MBeans: " + e, e);
        }
        return r;
    }

    /** Echo, HTTP and sink listeners on one event loop. */
    static final class Server {
        final EventLoopGroup group;
        final Channel echo;
        final Channel http;
        final Channel sink;
        final AtomicLong accepts = new AtomicLong();

        Server(Transport t, String bind) throws InterruptedException {
            group = new MultiThreadIoEventLoopGroup(1, t.ioHandler());
            echo = listen(t, bind, new Echo());
            http = listen(t, bind, null);
            sink = listen(t, bind, new Sink());
        }

        private Channel listen(Transport t, String bind, ChannelHandler handler) throws InterruptedException {
            return new ServerBootstrap().group(group).channel(t.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepts.incrementAndGet();
                            if (handler == null) {
                                ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                            } else {
                                ch.pipeline().addLast(handler);
                            }
                        }
                    })
                    .bind(bind, 0).sync().channel();
        }

        int port(Channel listener) {
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Writes back what it reads; flushes once per read burst. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
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

    /** Discards what it reads. */
    @ChannelHandler.Sharable
    static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Answers every request with a keep-alive "hello". */
    static final class Hello extends ChannelInboundHandlerAdapter {
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes("hello".getBytes(StandardCharsets.US_ASCII)));

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        BODY.duplicate());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes());
                ctx.write(r, ctx.voidPromise());
            }
            if (msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
                // headers only: the body (none for GET) ends with LastHttpContent
                ReferenceCountUtil.release(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
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

    /**
     * The load generator: one event loop, the workloads' connections opened on first use and kept
     * (short connections excepted, which is their point).
     */
    static final class Client {
        private static final ByteBuf REQUEST = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(MESSAGE).writeZero(MESSAGE));
        private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(BULK_CHUNK).writeZero(BULK_CHUNK));

        final EventLoopGroup group;
        final Transport transport;
        final InetSocketAddress echo;
        final InetSocketAddress http;
        final InetSocketAddress sink;
        final AtomicLong connects = new AtomicLong();
        final AtomicLong ops = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        /** Requests (or short connections, or bulk writes) started and not yet finished. */
        final AtomicInteger inFlight = new AtomicInteger();
        /** Written by the event loop only; read by the main thread after a round drained. */
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        volatile boolean running;
        private final Map<Workload, List<Channel>> open = new EnumMap<>(Workload.class);

        Client(Transport t, String host, int echoPort, int httpPort, int sinkPort) {
            group = new MultiThreadIoEventLoopGroup(1, t.ioHandler());
            transport = t;
            echo = new InetSocketAddress(host, echoPort);
            http = new InetSocketAddress(host, httpPort);
            sink = new InetSocketAddress(host, sinkPort);
        }

        private Bootstrap bootstrap(ChannelHandler handler) {
            return new Bootstrap().group(group).channel(transport.channel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                    .handler(handler);
        }

        private List<Channel> connect(int n, InetSocketAddress to, java.util.function.Supplier<ChannelHandler> h)
                throws InterruptedException {
            List<Channel> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                connects.incrementAndGet();
                list.add(bootstrap(h.get()).connect(to).sync().channel());
            }
            return list;
        }

        String round(Workload w, long millis) throws Exception {
            List<Channel> channels = open.get(w);
            if (channels == null && w != Workload.SHORT) {
                channels = switch (w) {
                    case PERSISTENT -> connect(PERSISTENT_CONNECTIONS, echo, () -> new PingPong(false));
                    case LATENCY -> connect(1, echo, () -> new PingPong(true));
                    case HTTP -> connect(HTTP_CONNECTIONS, http, () -> new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpLoop());
                        }
                    });
                    case BULK -> connect(1, sink, Bulk::new);
                    default -> throw new IllegalArgumentException(w.name());
                };
                open.put(w, channels);
            }
            group.submit(latency::reset).sync();
            ops.set(0);
            bytes.set(0);
            long errors0 = errors.get();
            running = true;
            long t0 = System.nanoTime();
            if (w == Workload.SHORT) {
                group.execute(() -> {
                    for (int i = 0; i < SHORT_CONCURRENCY; i++) {
                        startShort();
                    }
                });
            } else {
                for (Channel ch : channels) {
                    ch.eventLoop().execute(() -> kick(w, ch));
                }
            }
            Thread.sleep(millis);
            long done = ops.get();
            long doneBytes = bytes.get();
            long t1 = System.nanoTime();
            running = false;
            long deadline = System.nanoTime() + DRAIN_NANOS;
            while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            if (inFlight.get() > 0) {
                errors.addAndGet(inFlight.get());
            }
            Histogram h = group.submit(latency::copy).get(1, TimeUnit.SECONDS);
            return "RESULT ops=" + done + " nanos=" + (t1 - t0) + " total=" + ops.get() + " bytes=" + doneBytes
                    + " errors=" + (errors.get() - errors0)
                    + " p50=" + h.getValueAtPercentile(50) + " p99=" + h.getValueAtPercentile(99)
                    + " p999=" + h.getValueAtPercentile(99.9);
        }

        private void kick(Workload w, Channel ch) {
            switch (w) {
                case PERSISTENT, LATENCY -> ch.pipeline().get(PingPong.class).send(ch);
                case HTTP -> ch.pipeline().get(HttpLoop.class).send(ch);
                case BULK -> ch.pipeline().get(Bulk.class).pump(ch);
                default -> throw new IllegalArgumentException(w.name());
            }
        }

        /** One short connection: connect, request, response, close; the next starts on close. */
        private void startShort() {
            inFlight.incrementAndGet();
            connects.incrementAndGet();
            bootstrap(new ShortOne()).connect(echo).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    errors.incrementAndGet();
                    finishShort();
                } else {
                    f.channel().closeFuture().addListener(c -> finishShort());
                }
            });
        }

        private void finishShort() {
            inFlight.decrementAndGet();
            if (running) {
                startShort();
            }
        }

        void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        /** Sends the request when connected; closes after the whole response arrived. */
        final class ShortOne extends ChannelInboundHandlerAdapter {
            private int received;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(REQUEST.duplicate(), ctx.voidPromise());
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received += ((ByteBuf) msg).readableBytes();
                ReferenceCountUtil.release(msg);
                if (received >= MESSAGE) {
                    ops.incrementAndGet();
                    ctx.close();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.incrementAndGet();
                ctx.close();
            }
        }

        /** One request in flight on a long-lived connection; records the round trip when asked. */
        final class PingPong extends ChannelInboundHandlerAdapter {
            private final boolean record;
            private int received;
            private long sentAt;

            PingPong(boolean record) {
                this.record = record;
            }

            void send(Channel ch) {
                inFlight.incrementAndGet();
                received = 0;
                sentAt = System.nanoTime();
                ch.writeAndFlush(REQUEST.duplicate(), ch.voidPromise());
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received += ((ByteBuf) msg).readableBytes();
                ReferenceCountUtil.release(msg);
                if (received >= MESSAGE) {
                    if (record) {
                        latency.recordValue(Math.min(System.nanoTime() - sentAt, latency.getHighestTrackableValue()));
                    }
                    ops.incrementAndGet();
                    inFlight.decrementAndGet();
                    if (running) {
                        send(ctx.channel());
                    }
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (received < MESSAGE && sentAt != 0) {
                    errors.incrementAndGet();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.incrementAndGet();
                ctx.close();
            }
        }

        /** One keep-alive GET in flight; the next goes out when the last response part arrived. */
        final class HttpLoop extends ChannelInboundHandlerAdapter {
            void send(Channel ch) {
                inFlight.incrementAndGet();
                FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                        Unpooled.EMPTY_BUFFER);
                r.headers().set(HttpHeaderNames.HOST, "bench");
                ch.writeAndFlush(r, ch.voidPromise());
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                boolean last = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                if (last) {
                    ops.incrementAndGet();
                    inFlight.decrementAndGet();
                    if (running) {
                        send(ctx.channel());
                    }
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.incrementAndGet();
                ctx.close();
            }
        }

        /** Writes 64 KiB chunks while the channel is writable; counts bytes the transport took. */
        final class Bulk extends ChannelInboundHandlerAdapter {
            private final ChannelFutureListener written = f -> {
                inFlight.decrementAndGet();
                if (f.isSuccess()) {
                    bytes.addAndGet(BULK_CHUNK);
                    ops.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            };

            void pump(Channel ch) {
                while (running && ch.isWritable()) {
                    inFlight.incrementAndGet();
                    ch.write(CHUNK.duplicate()).addListener(written);
                }
                ch.flush();
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (running) {
                    pump(ctx.channel());
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.incrementAndGet();
                ctx.close();
            }
        }
    }
}
