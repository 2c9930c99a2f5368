package io.jmtcp.examples.bench;

import io.jmtcp.examples.apps.NettyHttpHello;
import io.jmtcp.examples.apps.SelfTest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Netty 4.2 HTTP/1.1 keep-alive request/response, the server of
 * {@link io.jmtcp.examples.apps.NettyHttpHello} (its pipeline and handler) on one NIO event loop
 * opened from {@code provider} ({@code jdk}: kernel loopback; {@code jmtcp}: jmtcp's in-stack
 * loopback), and one blocking client channel from the same provider on the benchmark thread:
 * each operation writes one {@code GET} and reads the whole response (its length is learnt and
 * its text checked once, in setup), so the figure is the round trip of one request through the
 * stack, Netty's event loop and its HTTP codec. One connection, one request in flight: this is
 * latency, not the server's capacity.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NettyHttpBenchmark {

    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: jmh\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Param({"jdk", "jmtcp"})
    public String provider;

    private EventLoopGroup loop;
    private Channel server;
    private java.nio.channels.SocketChannel client;
    private final ByteBuffer request = ByteBuffer.allocateDirect(REQUEST.length).put(REQUEST);
    private ByteBuffer response;
    private long opensAtStart;
    private long ops;
    private final Providers.ProcessCpu cpu = new Providers.ProcessCpu();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        opensAtStart = SelfTest.jmtcpActiveOpens();
        SelectorProvider p = Providers.of(provider);
        // one event loop for accept and I/O: on a 2-core machine a second would only compete with the client
        loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory(p));
        server = new ServerBootstrap()
                .group(loop)
                .channelFactory(() -> new NioServerSocketChannel(p))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024), NettyHttpHello.Hello.INSTANCE);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        client = p.openSocketChannel();
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()));
        response = ByteBuffer.allocateDirect(learnResponseLength());
    }

    /** Sends one request, reads its whole response by its head, checks it, and returns its length in bytes. */
    private int learnResponseLength() throws IOException {
        request.clear();
        while (request.hasRemaining()) {
            client.write(request);
        }
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (true) {
            if (client.read(in) < 0) {
                throw new IOException("the server closed the connection");
            }
            String text = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
            int head = text.indexOf("\r\n\r\n");
            if (head >= 0 && text.endsWith("hello from netty") && text.startsWith("HTTP/1.1 200 ")) {
                return in.position();
            }
        }
    }

    @Benchmark
    public int keepAliveRequest() throws IOException {
        request.clear();
        while (request.hasRemaining()) {
            client.write(request);
        }
        response.clear();
        while (response.hasRemaining()) {
            if (client.read(response) < 0) {
                throw new IOException("the server closed the keep-alive connection");
            }
        }
        ops++;
        return response.get(9); // the status code's first digit, so the read cannot be optimised away
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu.start(ops);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpu.stop(ops);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Providers.reportJmtcpConnections(provider, opensAtStart);
        client.close();
        server.close().sync();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
