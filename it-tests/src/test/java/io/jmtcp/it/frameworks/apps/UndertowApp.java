package io.jmtcp.it.frameworks.apps;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;

/**
 * A plain Undertow 2.3 (XNIO NIO) server with one handler — {@code GET /hello}, {@code POST /sha}
 * (reads the body in blocking mode on a worker thread, answers its SHA-256) — and the JDK's
 * {@code HttpClient} in the same JVM. No XNIO property is set: XNIO takes
 * {@code SelectorProvider.provider()}, which the JVM's provider property decides. Argument: the
 * POST size in bytes.
 */
public final class UndertowApp {

    private UndertowApp() {
    }

    public static void main(String[] args) throws Exception {
        long postBytes = Long.parseLong(args[0]);
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                // Undertow's documented default caps request bodies at 2 MiB (answered with 400)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, postBytes)
                .setHandler(new Routes())
                .build();
        int exit = 1;
        try {
            server.start();
            InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
            Probe.fact("server.port", bound.getPort());
            JdkClientChecks client = new JdkClientChecks(new InetSocketAddress("127.0.0.1", bound.getPort()));
            client.get("get");
            client.postSha("post", postBytes);
            client.holdPooledConnection("undertow");
            exit = 0;
        } finally {
            server.stop();
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }

    /** The handler: GETs answered on the I/O thread, POST bodies read on a worker. */
    private static final class Routes implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain")
                    .put(HttpString.tryFromString("x-remote-port"),
                            String.valueOf(exchange.getSourceAddress().getPort()));
            if (exchange.getRequestMethod().equals(Methods.POST) && exchange.getRequestPath().equals("/sha")) {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                exchange.startBlocking();
                MessageDigest sha = PatternBytes.sha256();
                byte[] buf = new byte[65536];
                try (InputStream in = exchange.getInputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
                exchange.getResponseSender().send(Probe.hex(sha.digest()));
            } else if (exchange.getRequestPath().equals("/hello")) {
                exchange.getResponseSender().send("hello from undertow");
            } else {
                exchange.setStatusCode(404);
                exchange.getResponseSender().send("not found");
            }
        }
    }
}
