package io.jmtcp.it.frameworks.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 {@code GET} over any stream pair, so that an app can choose the
 * socket a request goes over (a {@code java.net.Socket}, or a {@code SocketChannel} opened from
 * whichever provider is current) and keep the connection open for a {@code PROBE}. Reads the
 * status line, the headers and a {@code Content-Length} body; nothing else of HTTP.
 *
 * <p>Threads: the caller's; one request at a time per stream pair.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code GET path} (keep-alive) and returns "status body". */
    public static String get(InputStream in, OutputStream out, int port, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line(in);
        int length = -1;
        for (String h; !(h = line(in)).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(h.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length after " + status);
        }
        byte[] body = in.readNBytes(length);
        return status.split(" ")[1] + " " + new String(body, StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of a response");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
