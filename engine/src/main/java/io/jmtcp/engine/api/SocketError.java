package io.jmtcp.engine.api;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Why a socket failed, as the application must learn it: each maps to the exception (and the
 * message) the JDK's own sockets throw in the same situation, so NIO code written against the
 * kernel sees no difference.
 */
public enum SocketError {
    /** No error. */
    NONE(null),
    /** RST in answer to our SYN, or ICMP port/protocol unreachable while connecting. */
    CONNECTION_REFUSED("Connection refused"),
    /** RST on a synchronized connection. */
    CONNECTION_RESET("Connection reset"),
    /** Retransmissions (or keepalive probes) exhausted. */
    TIMED_OUT("Connection timed out"),
    /** ARP gave up on the next hop, or ICMP host/net unreachable. */
    NO_ROUTE_TO_HOST("No route to host"),
    /** The local address and port are taken. */
    ADDRESS_IN_USE("Address already in use"),
    /**
     * No ephemeral port is left for this destination on the owning engine (every 4-tuple taken,
     * none in a TIME-WAIT that may be reused): Linux's EADDRNOTAVAIL.
     */
    PORTS_EXHAUSTED("Cannot assign requested address: local ports exhausted"),
    /** The engine's socket memory cap (jmtcp.memory.max) is reached. */
    NO_BUFFER_SPACE("No buffer space available (jmtcp.memory.max reached)"),
    /** The engine owning the socket stopped or died. */
    ENGINE_STOPPED("jmtcp engine stopped"),
    /** The application aborted the connection (SO_LINGER 0). */
    ABORTED("Connection aborted");

    private final String message;

    SocketError(String message) {
        this.message = message;
    }

    /** The message the JDK uses for this condition. */
    public String message() {
        return message;
    }

    /** The exception the JDK throws for this condition, with {@code detail} appended if given. */
    public IOException exception(String detail) {
        String m = detail == null ? message : message + ": " + detail;
        switch (this) {
            case CONNECTION_REFUSED:
                return new ConnectException(m);
            case NO_ROUTE_TO_HOST:
                return new NoRouteToHostException(m);
            case ADDRESS_IN_USE:
            case PORTS_EXHAUSTED:
                // the JDK maps EADDRINUSE and EADDRNOTAVAIL (which Linux's connect() returns when no
                // ephemeral port is left) to BindException (sun.nio.ch Net.c handleSocketError)
                return new BindException(m);
            case TIMED_OUT:
                return new SocketTimeoutException(m);
            default:
                return new SocketException(m);
        }
    }
}
