package io.jmtcp.it.frameworks.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * The client side of the Jetty, Undertow and JDK-server apps: the JDK's own {@link HttpClient}
 * (which opens its channels and selector through {@code SelectorProvider.provider()}, so it runs on
 * whichever provider the JVM has), talking HTTP/1.1 to a server in the same JVM. Every check prints
 * its facts under a prefix; servers answer {@code GET /hello} with the client's port in
 * {@code x-remote-port} and {@code POST /sha} with the SHA-256 (hex) of the body.
 */
public final class JdkClientChecks {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final InetSocketAddress server;
    private final String base;

    public JdkClientChecks(InetSocketAddress server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.getPort();
    }

    /** Two GETs of /hello (one pooled keep-alive connection): status, body, the ports the server saw. */
    public void get(String prefix) throws IOException, InterruptedException {
        HttpResponse<String> a = send(HttpRequest.newBuilder(URI.create(base + "/hello")).build());
        HttpResponse<String> b = send(HttpRequest.newBuilder(URI.create(base + "/hello")).build());
        Probe.fact(prefix + ".status", a.statusCode() + "," + b.statusCode());
        Probe.fact(prefix + ".body", a.body());
        Probe.fact(prefix + ".server-saw-ports", port(a) + "," + port(b));
    }

    /** POSTs {@code bytes} of {@link PatternBytes} with a Content-Length; facts: status, both digests. */
    public void postSha(String prefix, long bytes) throws IOException, InterruptedException {
        PatternBytes body = new PatternBytes(bytes, 7);
        InputStream in = new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len == 0 ? 0 : body.fill(b, off, len);
            }
        };
        long start = System.nanoTime();
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/sha"))
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> in), bytes)).build());
        Probe.fact(prefix + ".status", r.statusCode());
        Probe.fact(prefix + ".ms", (System.nanoTime() - start) / 1_000_000);
        Probe.fact(prefix + ".sha.sent", body.sha256Hex());
        Probe.fact(prefix + ".sha.echoed", r.body().strip());
    }

    /** GETs {@code path}; facts: status, body, Transfer-Encoding, Content-Length. */
    public void getText(String prefix, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).build());
        Probe.fact(prefix + ".status", r.statusCode());
        Probe.fact(prefix + ".body", r.body().replace("\n", "|"));
        Probe.fact(prefix + ".transfer-encoding", r.headers().firstValue("transfer-encoding").orElse("none"));
        Probe.fact(prefix + ".content-length", r.headers().firstValue("content-length").orElse("none"));
    }

    /** A GET with HTTP/2 preferred (h2c upgrade on a fresh client); facts: status, version, body. */
    public void getHttp2(String prefix) throws IOException, InterruptedException {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(), BodyHandlers.ofString());
        HttpResponse<String> again = h2.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(), BodyHandlers.ofString());
        Probe.fact(prefix + ".status", r.statusCode() + "," + again.statusCode());
        Probe.fact(prefix + ".version", r.version() + "," + again.version());
        Probe.fact(prefix + ".body", again.body());
    }

    /** GETs /hello again and holds the pooled connection open for the test's inspection. */
    public void holdPooledConnection(String what) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/hello")).build());
        Probe.hold(what, Integer.parseInt(port(r)), server);
    }

    private HttpResponse<String> send(HttpRequest req) throws IOException, InterruptedException {
        return client.send(req, BodyHandlers.ofString());
    }

    private static String port(HttpResponse<?> r) {
        return r.headers().firstValue("x-remote-port").orElse("none");
    }
}
