package io.jmtcp.engine.services;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Buffered HTTP/1.1 input over a {@link Connection}: lines of the message head, header fields
 * and the three ways a body is delimited (RFC 9112 6.3: a length, chunked, or the end of the
 * connection). Every line has a size limit and the head may have a deadline, so a client that
 * sends an endless line or trickles bytes is stopped. One thread; not thread-safe.
 */
final class HttpInput {

    /** Receives body bytes as they arrive. */
    interface BodySink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /** Most bytes of one head line (request line, status line, header field, chunk size line). */
    static final int MAX_LINE = 8 * 1024;
    /** Most header fields in one head. */
    static final int MAX_FIELDS = 100;

    private final Connection connection;
    private final byte[] buf;
    private final ByteBuffer window;
    private int start;
    private int end;
    private long deadline;
    private boolean hasDeadline;
    private long consumedTotal;

    HttpInput(Connection connection, int bufferSize) {
        this.connection = connection;
        this.buf = new byte[bufferSize];
        this.window = ByteBuffer.wrap(buf);
    }

    /** Sets a deadline ({@link System#nanoTime()} value) for the reads that follow. */
    void deadline(long deadlineNanos) {
        this.deadline = deadlineNanos;
        this.hasDeadline = true;
    }

    /** Removes the deadline: only the connection's idle timeout applies. */
    void noDeadline() {
        this.hasDeadline = false;
    }

    /** Bytes buffered and not yet consumed. */
    int buffered() {
        return end - start;
    }

    /** Bytes consumed since creation (for telling "nothing of the next request yet" apart). */
    long consumed() {
        return consumedTotal;
    }

    /**
     * Reads more bytes into the buffer.
     *
     * @return false at the end of the stream
     */
    private boolean fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        window.limit(buf.length).position(end);
        int n = hasDeadline ? connection.read(window, deadline) : connection.read(window);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    /** Whether any byte arrived before the end of the stream, waiting for one. */
    boolean awaitData() throws IOException {
        return start < end || fill();
    }

    /**
     * Reads one line ending in LF; a CR right before it is dropped (RFC 9112 2.2).
     *
     * @param tooLong the status to answer a line over {@link #MAX_LINE} bytes with
     * @return the line, or null at the end of the stream before any byte of it
     */
    String readLine(int tooLong) throws IOException {
        int scanned = 0; // bytes after start already known to hold no LF (fill() may move start)
        for (;;) {
            for (int i = start + scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    if (i - start > MAX_LINE) {
                        throw new HttpException(tooLong, "line longer than " + MAX_LINE + " bytes");
                    }
                    int stop = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buf, start, stop - start, StandardCharsets.ISO_8859_1);
                    consume(i + 1 - start);
                    return line;
                }
            }
            scanned = end - start;
            if (scanned >= MAX_LINE) {
                throw new HttpException(tooLong, "line longer than " + MAX_LINE + " bytes");
            }
            if (!fill()) {
                if (end == start) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
        }
    }

    private void consume(int n) {
        start += n;
        consumedTotal += n;
    }

    /**
     * Reads header fields up to the empty line that ends the head (RFC 9112 5). Names are
     * lower-cased; values trimmed of surrounding whitespace.
     */
    List<String[]> readFields() throws IOException {
        List<String[]> fields = new ArrayList<>();
        for (;;) {
            String line = readLine(431);
            if (line == null) {
                throw new EOFException("connection closed in the header section");
            }
            if (line.isEmpty()) {
                return fields;
            }
            if (fields.size() >= MAX_FIELDS) {
                throw new HttpException(431, "more than " + MAX_FIELDS + " header fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                // RFC 9112 5.2: obsolete line folding may be rejected with 400
                throw new HttpException(400, "obsolete line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpException(400, "header field without a name");
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                // RFC 9112 5.1: no whitespace between the field name and the colon
                throw new HttpException(400, "invalid header field name");
            }
            fields.add(new String[] {name.toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()});
        }
    }

    /** Reads exactly {@code length} body bytes. */
    void readBody(long length, BodySink sink) throws IOException {
        long left = length;
        while (left > 0) {
            if (start == end && !fill()) {
                throw new EOFException("connection closed with " + left + " body bytes missing");
            }
            int n = (int) Math.min(left, end - start);
            sink.accept(buf, start, n);
            consume(n);
            left -= n;
        }
    }

    /** Reads body bytes until the end of the stream. @return the byte count */
    long readToEnd(BodySink sink) throws IOException {
        long total = 0;
        for (;;) {
            if (start == end && !fill()) {
                return total;
            }
            int n = end - start;
            sink.accept(buf, start, n);
            consume(n);
            total += n;
        }
    }

    /**
     * Reads a chunked body (RFC 9112 7.1): chunk-size lines in hex with optional extensions,
     * data, CRLF, a last chunk of size 0 and optional trailer fields, which are read and dropped.
     *
     * @return the decoded length
     */
    long readChunked(BodySink sink) throws IOException {
        long total = 0;
        for (;;) {
            String line = readLine(400);
            if (line == null) {
                throw new EOFException("connection closed before the last chunk");
            }
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
            long size = parseHex(hex);
            if (size == 0) {
                readFields(); // trailer section: read to its end, ignore
                return total;
            }
            readBody(size, sink);
            total += size;
            String crlf = readLine(400);
            if (crlf == null || !crlf.isEmpty()) {
                throw new HttpException(400, "chunk data not followed by CRLF");
            }
        }
    }

    private static long parseHex(String hex) throws HttpException {
        if (hex.isEmpty() || hex.length() > 15) { // 15 hex digits: up to 2^60, no overflow
            throw new HttpException(400, "invalid chunk size");
        }
        long v = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new HttpException(400, "invalid chunk size");
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** RFC 9110 5.6.2 token characters. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The value of the first field called {@code name} (lower case), or null. */
    static String field(List<String[]> fields, String name) {
        for (String[] f : fields) {
            if (f[0].equals(name)) {
                return f[1];
            }
        }
        return null;
    }

    /** Whether a comma-separated field (all occurrences) lists {@code token}, case-insensitively. */
    static boolean listContains(List<String[]> fields, String name, String token) {
        for (String[] f : fields) {
            if (f[0].equals(name)) {
                for (String part : f[1].split(",")) {
                    if (part.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The Content-Length (RFC 9112 6.3 rule 5): -1 when absent; repeated identical values are
     * accepted, anything else is a 400.
     */
    static long contentLength(List<String[]> fields) throws HttpException {
        long length = -1;
        for (String[] f : fields) {
            if (!f[0].equals("content-length")) {
                continue;
            }
            for (String part : f[1].split(",", -1)) {
                String v = part.strip();
                if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new HttpException(400, "invalid Content-Length");
                }
                long n = Long.parseLong(v);
                if (length >= 0 && n != length) {
                    throw new HttpException(400, "conflicting Content-Length values");
                }
                length = n;
            }
        }
        return length;
    }

    /**
     * Whether Transfer-Encoding is present (0: no; 1: chunked last; -1: present but chunked is
     * not the final coding, so the length is unknown, RFC 9112 6.3 rule 4).
     */
    static int transferEncoding(List<String[]> fields) {
        String last = null;
        for (String[] f : fields) {
            if (f[0].equals("transfer-encoding")) {
                for (String part : f[1].split(",")) {
                    if (!part.isBlank()) {
                        last = part.strip();
                    }
                }
            }
        }
        if (last == null) {
            return 0;
        }
        return last.equalsIgnoreCase("chunked") ? 1 : -1;
    }
}
