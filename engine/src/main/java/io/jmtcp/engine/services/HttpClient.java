package io.jmtcp.engine.services;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.stack.Stack;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client (RFC 9112) over one jmtcp connection: sends requests, reads the
 * responses (skipping 1xx interim responses), delimits bodies by Content-Length, chunked coding
 * or the end of the connection (RFC 9112 6.3), and hands each body to an optional sink while
 * computing its SHA-256. Several requests may follow each other on one connection (keep-alive).
 *
 * <p>One thread uses a client at a time.
 */
public final class HttpClient implements AutoCloseable {

    /**
     * An {@code http://a.b.c.d[:port]/path} URL: dotted IPv4 addresses only, as jmtcp has no
     * resolver.
     */
    public record Url(int address, int port, String target) {
        /**
         * Parses the URL.
         *
         * @throws IllegalArgumentException with a message for the user when the URL is not of that form
         */
        public static Url parse(String url) {
            if (!url.regionMatches(true, 0, "http://", 0, 7)) {
                throw new IllegalArgumentException("'" + url + "' is not an http:// URL (https is not supported)");
            }
            String rest = url.substring(7);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String target = slash < 0 ? "/" : rest.substring(slash);
            int hash = target.indexOf('#');
            if (hash >= 0) {
                target = target.substring(0, hash);
            }
            if (authority.contains("@")) {
                throw new IllegalArgumentException("'" + url + "': user information in URLs is not supported");
            }
            int colon = authority.lastIndexOf(':');
            String host = colon < 0 ? authority : authority.substring(0, colon);
            int port = 80;
            if (colon >= 0) {
                String p = authority.substring(colon + 1);
                if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                    throw new IllegalArgumentException("'" + url + "': the port must be a number 1..65535");
                }
                port = Integer.parseInt(p);
            }
            int address;
            try {
                address = Cidr.parseAddress(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + url + "': the host must be a dotted IPv4 address a.b.c.d"
                        + " (jmtcp resolves no names)");
            }
            return new Url(address, port, target);
        }

        /** The Host field value (RFC 9110 7.2). */
        public String host() {
            return Cidr.format(address) + (port == 80 ? "" : ":" + port);
        }
    }

    /**
     * A response: its status line and fields, how many body bytes arrived, their SHA-256 and
     * whether the body is complete (the whole Content-Length, the last chunk, or the end of a
     * connection-delimited body).
     */
    public record Response(int status, String reason, List<String[]> fields, long bodyBytes, byte[] sha256,
            boolean complete, boolean keepAlive) {
        /** The SHA-256 of the body as lower-case hex. */
        public String sha256Hex() {
            return HexFormat.of().formatHex(sha256);
        }

        /** The first value of a field (name in any case), or null. */
        public String field(String name) {
            return HttpInput.field(fields, name.toLowerCase(Locale.ROOT));
        }
    }

    private final Connection connection;
    private final HttpInput in;

    /** A client over an established (or establishing) connection. */
    public HttpClient(Connection connection) {
        this.connection = connection;
        this.in = new HttpInput(connection, 256 * 1024);
    }

    /** Connects from {@code stack} to {@code url}'s address and port within {@code timeoutNanos}. */
    public static HttpClient connect(Stack stack, Url url, long timeoutNanos, long idleTimeoutNanos) throws IOException {
        TcpSocket s = stack.connect(url.address(), url.port());
        Connection c = new Connection(s, idleTimeoutNanos);
        try {
            c.awaitConnected(timeoutNanos);
        } catch (IOException e) {
            c.abort();
            throw e;
        }
        return new HttpClient(c);
    }

    /** The connection. */
    public Connection connection() {
        return connection;
    }

    /**
     * Sends a request: the request line, {@code Host}, the given header lines ("Name: value"),
     * Content-Length when there is a body, and the body.
     */
    public void send(String method, String target, String host, List<String> headers, byte[] body) throws IOException {
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (String h : headers) {
            hasHost |= h.regionMatches(true, 0, "host:", 0, 5);
        }
        if (!hasHost) {
            sb.append("Host: ").append(host).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        connection.writeFully(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1)));
        if (body != null) {
            connection.writeFully(ByteBuffer.wrap(body));
        }
    }

    /** Writes raw bytes (a hand-made request). */
    public void sendRaw(byte[] bytes) throws IOException {
        connection.writeFully(ByteBuffer.wrap(bytes));
    }

    /**
     * Reads the next final response; its body goes to {@code sink} (null: only hashed).
     *
     * @param requestMethod the method of the request it answers (a HEAD response has no body)
     */
    public Response receive(String requestMethod, OutputStream sink) throws IOException {
        for (;;) {
            String statusLine = in.readLine(502);
            if (statusLine == null) {
                throw new java.io.EOFException("connection closed before a response");
            }
            // RFC 9112 4: HTTP-version SP status-code SP [reason-phrase]
            if (!statusLine.matches("HTTP/1\\.\\d \\d{3}( .*)?")) {
                throw new HttpException(502, "malformed status line: " + abbreviate(statusLine));
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
            List<String[]> fields = in.readFields();
            if (status >= 100 && status < 200) {
                continue; // interim (100 Continue, 103): the final response follows
            }
            boolean http10 = statusLine.charAt(7) == '0';
            boolean keepAlive = http10 ? HttpInput.listContains(fields, "connection", "keep-alive")
                    : !HttpInput.listContains(fields, "connection", "close");
            MessageDigest sha = HttpResponder.sha256();
            long[] count = new long[1];
            HttpInput.BodySink body = (b, o, n) -> {
                sha.update(b, o, n);
                count[0] += n;
                if (sink != null) {
                    sink.write(b, o, n);
                }
            };
            boolean complete = true;
            if (requestMethod.equals("HEAD") || status == 204 || status == 304) {
                // no body (RFC 9112 6.3 rule 1)
            } else if (HttpInput.transferEncoding(fields) > 0) {
                try {
                    in.readChunked(body);
                } catch (java.io.EOFException e) {
                    complete = false;
                }
            } else {
                long length = HttpInput.contentLength(fields);
                if (length >= 0) {
                    try {
                        in.readBody(length, body);
                    } catch (java.io.EOFException e) {
                        complete = false;
                    }
                } else {
                    in.readToEnd(body); // delimited by the close (rule 8)
                    keepAlive = false;
                }
            }
            return new Response(status, reason, new ArrayList<>(fields), count[0], sha.digest(), complete, keepAlive);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Closes the connection gracefully. */
    @Override
    public void close() {
        connection.close();
    }
}
