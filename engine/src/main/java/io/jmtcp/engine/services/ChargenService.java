package io.jmtcp.engine.services;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The Character Generator Protocol (RFC 864) over TCP: the server sends the rotating pattern of
 * 72-character lines until the client closes; what the client sends is discarded. Default
 * port 19.
 *
 * <p>The pattern (RFC 864, "one popular pattern"): the 95 printable ASCII characters 0x20..0x7e
 * in order; line {@code k} (from 0) holds the 72 characters starting at index {@code k mod 95},
 * wrapping around, followed by CR LF. The stream repeats every 95 lines (7030 bytes).
 */
public final class ChargenService extends TcpService {

    /** The well-known port (RFC 864). */
    public static final int PORT = 19;
    /** Printable characters per line. */
    public static final int LINE_CHARS = 72;
    /** Bytes per line with CR LF. */
    public static final int LINE_BYTES = LINE_CHARS + 2;
    /** Lines until the pattern repeats. */
    public static final int LINES_PER_PERIOD = 95;

    /** While blocked on a full send ring, how often to look whether the client closed. */
    private static final long EOF_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final byte[] PERIOD = period();
    /** Whole periods, so that every write starts at a period boundary. */
    private static final byte[] CHUNK = repeat(PERIOD, 9);

    /** A chargen service with the default timeout and connection cap. */
    public ChargenService() {
        super("chargen", DEFAULT_IDLE_NANOS, DEFAULT_MAX_CONNECTIONS);
    }

    /** The first {@code length} bytes of the stream a client receives. */
    public static byte[] expected(int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = PERIOD[i % PERIOD.length];
        }
        return out;
    }

    private static byte[] period() {
        byte[] p = new byte[LINES_PER_PERIOD * LINE_BYTES];
        int i = 0;
        for (int line = 0; line < LINES_PER_PERIOD; line++) {
            for (int c = 0; c < LINE_CHARS; c++) {
                p[i++] = (byte) (0x20 + (line + c) % 95);
            }
            p[i++] = '\r';
            p[i++] = '\n';
        }
        return p;
    }

    private static byte[] repeat(byte[] b, int times) {
        byte[] out = new byte[b.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(b, 0, out, t * b.length, b.length);
        }
        return out;
    }

    @Override
    protected void serve(Connection c) throws IOException {
        TcpSocket s = c.socket();
        ByteBuffer chunk = ByteBuffer.wrap(CHUNK).asReadOnlyBuffer();
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long idle = c.idleTimeoutNanos();
        long stalledSince = System.nanoTime();
        for (;;) {
            // RFC 864: the client ends the exchange by closing; its FIN (or a reset) is what we watch
            while (s.readableBytes() > 0 || s.is(TcpSocket.INPUT_EOF) || s.is(TcpSocket.FAILED)) {
                sink.clear();
                if (s.read(sink) < 0) {
                    return;
                }
            }
            if (!chunk.hasRemaining()) {
                chunk.clear();
            }
            if (s.write(chunk) > 0) {
                stalledSince = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - stalledSince > idle) {
                throw new SocketTimeoutException("chargen client read nothing for " + idle / 1_000_000 + " ms");
            }
            // wake for room, or every EOF_CHECK_NANOS to notice a client that closed while we were blocked
            int r = s.awaitWritable(EOF_CHECK_NANOS);
            if (r == Waiter.CLOSED || r == Waiter.INTERRUPTED) {
                throw new SocketException("chargen connection closed");
            }
        }
    }
}
