package io.jmtcp.it.frameworks.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own {@code com.sun.net.httpserver} (which opens its server channel and selector
 * through {@code SelectorProvider.provider()}) serving {@code GET /hello} and {@code POST /sha},
 * and the JDK's {@code HttpClient} in the same JVM. Argument: the POST size in bytes.
 */
public final class JdkHttpApp {

    private JdkHttpApp() {
    }

    public static void main(String[] args) throws Exception {
        long postBytes = Long.parseLong(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        server.setExecutor(pool);
        server.createContext("/hello", ex -> reply(ex, 200, "hello from com.sun.net.httpserver"));
        server.createContext("/sha", ex -> {
            MessageDigest sha = PatternBytes.sha256();
            byte[] buf = new byte[65536];
            try (InputStream in = ex.getRequestBody()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            reply(ex, 200, Probe.hex(sha.digest()));
        });
        int exit = 1;
        try {
            server.start();
            InetSocketAddress bound = server.getAddress();
            Probe.fact("server.port", bound.getPort());
            JdkClientChecks client = new JdkClientChecks(new InetSocketAddress("127.0.0.1", bound.getPort()));
            client.get("get");
            client.postSha("post", postBytes);
            client.holdPooledConnection("jdk-httpserver");
            exit = 0;
        } finally {
            server.stop(0);
            pool.shutdownNow();
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.getResponseHeaders().set("x-remote-port", String.valueOf(ex.getRemoteAddress().getPort()));
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
