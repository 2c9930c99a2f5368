package io.jmtcp.it.taps.apps;

import io.jmtcp.it.frameworks.apps.NettyHttpClient;
import io.jmtcp.it.frameworks.apps.NettyHttpClient.Reply;
import io.jmtcp.it.frameworks.apps.NettyHttpServer;
import io.jmtcp.it.frameworks.apps.Probe;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The plain Netty 4.2 NIO HTTP/1.1 server of the framework tests ({@link NettyHttpServer}) serving
 * on {@code HOST PORT} (arguments; port 0 for any) until told otherwise. Prints
 * {@code FACT server.port}, then obeys lines on standard input:
 * <ul>
 *   <li>{@code clients} — a blocking {@code java.net.Socket} GET (facts {@code socket.*}), then a
 *       Netty client in this JVM: two GETs on one keep-alive connection (facts {@code netty.*}),
 *       the connection held open for {@link Probe#hold};</li>
 *   <li>{@code stop} (or end of input) — closes the server and exits 0.</li>
 * </ul>
 * No jmtcp import: whether it runs on jmtcp is the JVM's command line's business.
 */
public final class NettyServeApp {

    private NettyServeApp() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        int exit = 1;
        try {
            Channel server = NettyHttpServer.start(boss, workers, args[0], Integer.parseInt(args[1]), null);
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            Probe.fact("server.port", bound.getPort());
            for (String command; (command = Probe.command()) != null && !command.equals("stop"); ) {
                if (command.equals("clients")) {
                    clients(clients, bound);
                } else {
                    throw new IllegalArgumentException("unknown command " + command);
                }
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

    private static void clients(EventLoopGroup group, InetSocketAddress server) throws Exception {
        // java.net.Socket is not an NIO channel: it always takes the kernel's path
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /hello HTTP/1.1\r\nHost: " + server.getAddress().getHostAddress()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Probe.fact("socket.status", reply.substring(0, reply.indexOf('\r')));
            Probe.fact("socket.body", reply.substring(reply.indexOf("\r\n\r\n") + 4));
        }
        NettyHttpClient client = new NettyHttpClient(group, null, server.getAddress().getHostAddress(), server.getPort());
        Channel ch = client.connect().get(10, TimeUnit.SECONDS);
        Reply first = NettyHttpClient.get(ch, "/hello", true).get(10, TimeUnit.SECONDS);
        Reply second = NettyHttpClient.get(ch, "/hello", true).get(10, TimeUnit.SECONDS);
        Probe.fact("netty.status", first.status() + "," + second.status());
        Probe.fact("netty.body", first.text());
        Probe.fact("netty.client-port", ((InetSocketAddress) ch.localAddress()).getPort());
        Probe.fact("netty.server-saw-ports", first.remotePort() + "," + second.remotePort());
        Probe.hold("netty", (InetSocketAddress) ch.localAddress(), server);
        ch.close().sync();
    }
}
