package io.jmtcp.engine.services;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 origin server (RFC 9110, RFC 9112) for tests and measurements:
 * <ul>
 *   <li>{@code GET /} (and {@code HEAD}): a short text/plain greeting;</li>
 *   <li>{@code GET /bytes/N}: N bytes of {@link #PATTERN_DESCRIPTION the byte pattern}, byte
 *       {@code i} of the body being {@code i mod 256} (so 0, 1, ..., 255, 0, 1, ...);</li>
 *   <li>{@code POST} to any path: the body is read (Content-Length or chunked; an
 *       {@code Expect: 100-continue} is answered with 100 first) and the answer is the body's
 *       SHA-256 as 64 lower-case hex digits and a LF;</li>
 *   <li>other methods: 405 with {@code Allow}; unknown paths: 404; a malformed request: 400
 *       and the connection is closed; an over-long line: 414 or 431; a request head not
 *       complete within {@link #HEAD_TIMEOUT_NANOS}: 408.</li>
 * </ul>
 * Connections persist (HTTP/1.1's default, or HTTP/1.0 with {@code Connection: keep-alive})
 * unless the request says {@code Connection: close}; every response carries
 * {@code Content-Length}, {@code Connection} and {@code Date}.
 */
public final class HttpResponder extends TcpService {

    /** The body pattern of {@code /bytes/N}, for documentation and tests. */
    public static final String PATTERN_DESCRIPTION = "byte i of the body is i mod 256";
    /** The text of {@code GET /}. */
    public static final String GREETING = "jmtcp HTTP/1.1 responder: GET /bytes/N for N bytes (byte i = i mod 256),"
            + " POST a body for its SHA-256\n";
    /** Longest a request head may take to arrive once its first byte has. */
    public static final long HEAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Largest N of {@code /bytes/N}: 1 TiB. */
    public static final long MAX_BYTES = 1L << 40;

    private static final int BUFFER = 64 * 1024;
    /** 64 KiB of the pattern; a multiple of 256, so every whole chunk starts at a pattern boundary. */
    private static final byte[] PATTERN = pattern(BUFFER);
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    private static volatile String[] dateCache = {"", ""}; // {epoch second, formatted}

    /** A responder with the default idle timeout (30 s) and connection cap. */
    public HttpResponder() {
        this(DEFAULT_IDLE_NANOS, DEFAULT_MAX_CONNECTIONS);
    }

    /** A responder with the given idle timeout and connection cap. */
    public HttpResponder(long idleTimeoutNanos, int maxConnections) {
        super("http", idleTimeoutNanos, maxConnections);
    }

    /** {@code length} bytes of the {@code /bytes/N} pattern from offset 0. */
    public static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** One parsed request head. */
    private record Request(String method, String path, int minorVersion, List<String[]> fields) {}

    @Override
    protected void serve(Connection c) throws IOException {
        HttpInput in = new HttpInput(c, BUFFER);
        ByteBuffer out = ByteBuffer.allocate(1024);
        for (;;) {
            // between requests only the idle timeout applies; once a request has begun, its head
            // must be complete within HEAD_TIMEOUT_NANOS (slowloris)
            in.noDeadline();
            try {
                if (!in.awaitData()) {
                    return; // the client closed between requests
                }
            } catch (SocketTimeoutException idle) {
                return; // idle keep-alive connection: close it
            }
            in.deadline(System.nanoTime() + HEAD_TIMEOUT_NANOS);
            Request req;
            try {
                req = readHead(in);
            } catch (HttpException e) {
                respond(c, out, e.status(), e.getMessage() + "\n", false, true, null);
                lingeringClose(c);
                return;
            } catch (SocketTimeoutException e) {
                respond(c, out, 408, "request head not received in time\n", false, true, null);
                lingeringClose(c);
                return;
            }
            if (req == null) {
                return;
            }
            in.noDeadline();
            boolean keep;
            try {
                keep = handle(c, in, out, req);
            } catch (HttpException e) { // a malformed body (chunk syntax): nothing was answered yet
                respond(c, out, e.status(), e.getMessage() + "\n", false, true, null);
                keep = false;
            }
            if (!keep) {
                lingeringClose(c);
                return;
            }
        }
    }

    /** Reads a request line and header fields; null at a clean end of the stream. */
    private static Request readHead(HttpInput in) throws IOException {
        String line = in.readLine(414);
        // RFC 9112 2.2: ignore at least one empty line before the request line
        for (int blank = 0; line != null && line.isEmpty(); blank++) {
            if (blank >= 4) {
                throw new HttpException(400, "empty lines instead of a request");
            }
            line = in.readLine(414);
        }
        if (line == null) {
            return null;
        }
        // RFC 9112 3: method SP request-target SP HTTP-version
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpException(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!HttpInput.isToken(method) || target.isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        if (!version.matches("HTTP/\\d\\.\\d")) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (version.charAt(5) != '1') {
            throw new HttpException(505, "HTTP version not supported");
        }
        String path;
        if (target.startsWith("/")) {
            path = target;
        } else if (target.startsWith("http://")) { // absolute-form (RFC 9112 3.2.2)
            int slash = target.indexOf('/', 7);
            path = slash < 0 ? "/" : target.substring(slash);
        } else if (target.equals("*")) {
            path = "*";
        } else {
            throw new HttpException(400, "malformed request target");
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        List<String[]> fields = in.readFields();
        int minor = version.charAt(7) - '0';
        if (minor >= 1 && HttpInput.field(fields, "host") == null) {
            // RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host
            throw new HttpException(400, "missing Host header field");
        }
        return new Request(method, path, minor, fields);
    }

    /** Handles one request. @return whether the connection stays open */
    private boolean handle(Connection c, HttpInput in, ByteBuffer out, Request req) throws IOException {
        List<String[]> f = req.fields();
        boolean keepAlive = req.minorVersion() >= 1
                ? !HttpInput.listContains(f, "connection", "close")
                : HttpInput.listContains(f, "connection", "keep-alive");
        int te = HttpInput.transferEncoding(f);
        long length;
        try {
            length = HttpInput.contentLength(f);
        } catch (HttpException e) {
            respond(c, out, 400, e.getMessage() + "\n", false, true, null);
            return false;
        }
        if (te < 0) {
            respond(c, out, 400, "unsupported transfer coding\n", false, true, null);
            return false;
        }
        if (te > 0 && length >= 0) {
            // RFC 9112 6.3 rule 3: Transfer-Encoding wins; the connection must close afterwards
            keepAlive = false;
            length = -1;
        }
        boolean hasBody = te > 0 || length > 0;
        String expect = HttpInput.field(f, "expect");
        boolean post = req.method().equals("POST");
        boolean head = req.method().equals("HEAD");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            respond(c, out, 417, "only 100-continue is expected\n", false, true, null);
            return false;
        }
        if (!post && hasBody && expect != null) {
            // the client waits before sending a body we do not want: answer now and close, so
            // that whether or not it sends the body, no byte is mistaken for the next request
            respondFor(c, out, req, head, false);
            return false;
        }
        if (post) {
            if (hasBody && expect != null && req.minorVersion() >= 1) {
                out.clear();
                out.put("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).flip();
                c.writeFully(out);
            }
            MessageDigest sha = sha256();
            HttpInput.BodySink sink = sha::update;
            if (te > 0) {
                in.readChunked(sink);
            } else if (length > 0) {
                in.readBody(length, sink);
            }
            String hex = HexFormat.of().formatHex(sha.digest()) + "\n";
            respond(c, out, 200, hex, false, !keepAlive, "text/plain; charset=us-ascii");
            return keepAlive;
        }
        // a body on GET/HEAD/others has no meaning here (RFC 9110 9.3.1): read and drop it
        HttpInput.BodySink drop = (b, o, n) -> { };
        if (te > 0) {
            in.readChunked(drop);
        } else if (length > 0) {
            in.readBody(length, drop);
        }
        return respondFor(c, out, req, head, keepAlive) && keepAlive;
    }

    /** Answers a request that carries no body of interest. @return false if the connection must close */
    private static boolean respondFor(Connection c, ByteBuffer out, Request req, boolean head, boolean keepAlive)
            throws IOException {
        String method = req.method();
        String path = req.path();
        if (!method.equals("GET") && !head) {
            respond(c, out, 405, "method " + method + " not allowed\n", head, !keepAlive, null,
                    "Allow: GET, HEAD, POST\r\n");
            return keepAlive;
        }
        if (path.equals("/")) {
            respond(c, out, 200, GREETING, head, !keepAlive, "text/plain; charset=us-ascii");
            return keepAlive;
        }
        if (path.startsWith("/bytes/")) {
            String digits = path.substring(7);
            if (digits.isEmpty() || digits.length() > 13 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                    || Long.parseLong(digits) > MAX_BYTES) {
                respond(c, out, 400, "N of /bytes/N must be a number 0.." + MAX_BYTES + "\n", head, !keepAlive, null);
                return keepAlive;
            }
            long n = Long.parseLong(digits);
            writeHead(c, out, 200, n, !keepAlive, "application/octet-stream", "");
            if (!head) {
                streamPattern(c, n);
            }
            return keepAlive;
        }
        respond(c, out, 404, "no such resource: " + path + "\n", head, !keepAlive, null);
        return keepAlive;
    }

    private static void streamPattern(Connection c, long n) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(PATTERN).asReadOnlyBuffer();
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(left, PATTERN.length);
            chunk.limit(len).position(0);
            c.writeFully(chunk);
            left -= len;
        }
    }

    private static void respond(Connection c, ByteBuffer out, int status, String body, boolean head, boolean close,
            String contentType) throws IOException {
        respond(c, out, status, body, head, close, contentType, "");
    }

    private static void respond(Connection c, ByteBuffer out, int status, String body, boolean head, boolean close,
            String contentType, String extra) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        writeHead(c, out, status, b.length, close, contentType == null ? "text/plain; charset=us-ascii" : contentType,
                extra);
        if (!head) {
            c.writeFully(ByteBuffer.wrap(b));
        }
    }

    private static void writeHead(Connection c, ByteBuffer out, int status, long length, boolean close,
            String contentType, String extra) throws IOException {
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Date: " + date() + "\r\n"
                + "Server: jmtcp\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + "Connection: " + (close ? "close" : "keep-alive") + "\r\n"
                + extra
                + "\r\n";
        byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = bytes.length <= out.capacity() ? out.clear() : ByteBuffer.allocate(bytes.length);
        buf.put(bytes).flip();
        c.writeFully(buf);
    }

    /**
     * Closes after a response that ends the connection: FIN first, then read and drop what the
     * client still sends for a short while, so that its unread bytes do not turn our close into
     * a RST that could destroy the response before the client reads it (RFC 9112 9.6).
     */
    private static void lingeringClose(Connection c) {
        c.shutdownOutput();
        c.idleTimeoutNanos(TimeUnit.SECONDS.toNanos(2));
        ByteBuffer drop = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            while (c.read(drop, deadline) >= 0) {
                drop.clear();
            }
        } catch (IOException e) {
            // timed out or reset: the close below ends it either way
        }
    }

    static String reason(int status) {
        switch (status) {
            case 100: return "Continue";
            case 200: return "OK";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 417: return "Expectation Failed";
            case 431: return "Request Header Fields Too Large";
            case 501: return "Not Implemented";
            case 505: return "HTTP Version Not Supported";
            default: return "Status " + status;
        }
    }

    /** The IMF-fixdate of now (RFC 9110 5.6.7), formatted at most once a second. */
    private static String date() {
        long now = System.currentTimeMillis() / 1000;
        String[] cached = dateCache;
        String key = Long.toString(now);
        if (!cached[0].equals(key)) {
            cached = new String[] {key, IMF_FIXDATE.format(ZonedDateTime.ofInstant(
                    java.time.Instant.ofEpochSecond(now), ZoneOffset.UTC))};
            dateCache = cached;
        }
        return cached[1];
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
