package io.jmtcp.engine.services;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Discard Protocol (RFC 863) over TCP: everything received is thrown away, nothing is sent;
 * the server closes when the client does. Default port 9.
 */
public final class DiscardService extends TcpService {

    /** The well-known port (RFC 863). */
    public static final int PORT = 9;

    private final AtomicLong discarded = new AtomicLong();

    /** A discard service with the default timeout and connection cap. */
    public DiscardService() {
        super("discard", DEFAULT_IDLE_NANOS, DEFAULT_MAX_CONNECTIONS);
    }

    /** Bytes received and dropped over all connections. */
    public long discardedBytes() {
        return discarded.get();
    }

    @Override
    protected void serve(Connection c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = c.read(buf)) >= 0) {
            discarded.addAndGet(n);
            buf.clear();
        }
    }
}
