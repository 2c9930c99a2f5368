package io.jmtcp.it.frameworks.apps;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * A plain Jetty 12.1 server — a {@link ServerConnector} with its default (blocking) acceptors,
 * HTTP/1.1 and HTTP/2 cleartext — and the JDK's {@code HttpClient} in the same JVM. Routes:
 * {@code GET /hello}, {@code POST /sha} (reads the body as a stream, answers its SHA-256),
 * {@code GET /chunked?n=N} (N flushed writes with no Content-Length, so HTTP/1.1 chunked).
 * Arguments: the POST size in bytes. Prints {@code FACT}s and holds a pooled connection for the
 * test.
 */
public final class JettyApp {

    private JettyApp() {
    }

    public static void main(String[] args) throws Exception {
        long postBytes = Long.parseLong(args[0]);
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Routes());
        int exit = 1;
        try {
            server.start();
            Probe.fact("jetty.acceptors", connector.getAcceptors());
            InetSocketAddress bound = new InetSocketAddress("127.0.0.1", connector.getLocalPort());
            Probe.fact("server.port", bound.getPort());
            JdkClientChecks client = new JdkClientChecks(bound);
            client.get("get");
            client.postSha("post", postBytes);
            client.getText("chunked", "/chunked?n=16");
            client.getHttp2("h2c");
            client.holdPooledConnection("jetty");
            exit = 0;
        } finally {
            server.stop();
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }

    /** The request handler; may block (Jetty runs it on a pooled thread). */
    private static final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            response.getHeaders().put("x-remote-port", String.valueOf(Request.getRemotePort(request)));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            switch (path) {
                case "/hello" -> Content.Sink.write(response, true, "hello from jetty", callback);
                case "/sha" -> {
                    MessageDigest sha = PatternBytes.sha256();
                    byte[] buf = new byte[65536];
                    try (InputStream in = Content.Source.asInputStream(request)) {
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            sha.update(buf, 0, n);
                        }
                    }
                    Content.Sink.write(response, true, Probe.hex(sha.digest()), callback);
                }
                case "/chunked" -> {
                    int n = Integer.parseInt(request.getHttpURI().getQuery().substring(2));
                    for (int i = 0; i < n; i++) {
                        try (Blocker.Callback written = Blocker.callback()) {
                            response.write(false, ByteBuffer.wrap(("chunk-" + i + "\n").getBytes(StandardCharsets.US_ASCII)),
                                    written);
                            written.block();
                        }
                    }
                    response.write(true, null, callback);
                }
                default -> Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
            return true;
        }
    }
}
