package io.jmtcp.engine.tcp;

import io.jmtcp.engine.api.TcpSocket;

/**
 * A listening socket as one engine sees it (RFC 9293 LISTEN): every engine of the stack holds
 * one for the same application socket, and all feed its single accept queue (DESIGN.md 3.3).
 * Counts this engine's half-open connections against the SYN backlog.
 *
 * <p>Owned by the engine thread.
 */
final class Listener {

    final TcpSocket socket;
    /** Local address it is bound to; 0 is the wildcard. */
    final int localIp;
    final int localPort;
    /** Most half-open (SYN-RECEIVED) connections this engine keeps before answering with SYN cookies. */
    final int synBacklog;
    int halfOpen;
    boolean closed;

    Listener(TcpSocket socket, int localIp, int localPort, int synBacklog) {
        this.socket = socket;
        this.localIp = localIp;
        this.localPort = localPort;
        this.synBacklog = synBacklog;
    }

    boolean accepts(int destinationIp) {
        return localIp == 0 || localIp == destinationIp;
    }
}
