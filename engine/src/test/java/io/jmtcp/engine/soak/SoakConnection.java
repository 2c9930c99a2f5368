package io.jmtcp.engine.soak;

import io.jmtcp.engine.api.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A soak connection between the client stack (A) and the server stack (B): a stream each way,
 * then a clean close by both applications once both streams ended. Remembers when it last made
 * progress (for the watchdog) and which state each end reached when its socket finished.
 */
final class SoakConnection {

    final int index;
    final TcpSocket client;
    final TcpSocket server;
    final Flow up;
    final Flow down;
    long lastProgressAt;
    boolean closed;
    /** The TCB state each end was in when its socket first reported FINISHED (null: not yet). */
    String clientEnd;
    String serverEnd;

    SoakConnection(int index, TcpSocket client, TcpSocket server, long seed, long bytesPerStream, long now) {
        this.index = index;
        this.client = client;
        this.server = server;
        this.up = new Flow("conn " + index + " A->B", client, server, seed * 31 + 2L * index, bytesPerStream);
        this.down = new Flow("conn " + index + " B->A", server, client, seed * 31 + 2L * index + 1, bytesPerStream);
        this.lastProgressAt = now;
    }

    /**
     * Moves data both ways; once both streams ended and both sockets finished, closes both.
     *
     * @return work done (0: nothing happened)
     */
    int pump(ByteBuffer readBuffer, long now) throws IOException {
        if (closed) {
            return 0;
        }
        int work = up.pump(readBuffer) + down.pump(readBuffer);
        if (up.complete() && down.complete() && client.is(TcpSocket.FINISHED) && server.is(TcpSocket.FINISHED)) {
            client.close();
            server.close();
            closed = true;
            work++;
        }
        if (work > 0) {
            lastProgressAt = now;
        }
        return work;
    }

    boolean failed() {
        return client.is(TcpSocket.FAILED) || server.is(TcpSocket.FAILED);
    }

    @Override
    public String toString() {
        return "connection " + index + (closed ? " closed" : "") + "\n    " + up + "\n    " + down
                + "\n    client " + client + (clientEnd != null ? " finished in " + clientEnd : "")
                + "\n    server " + server + (serverEnd != null ? " finished in " + serverEnd : "");
    }
}
