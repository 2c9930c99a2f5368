package io.jmtcp.engine.services;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The Echo Protocol (RFC 862) over TCP: every byte received is sent back, until the client
 * closes its side; then the server closes too. Default port 7.
 */
public final class EchoService extends TcpService {

    /** The well-known port (RFC 862). */
    public static final int PORT = 7;

    /** An echo service with the default timeout and connection cap. */
    public EchoService() {
        super("echo", DEFAULT_IDLE_NANOS, DEFAULT_MAX_CONNECTIONS);
    }

    @Override
    protected void serve(Connection c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
        while (c.read(buf) >= 0) {
            buf.flip();
            c.writeFully(buf);
            buf.clear();
        }
    }
}
