package io.jmtcp.engine.services;

import java.io.IOException;

/**
 * A message that breaks HTTP/1.1's syntax or this implementation's limits, with the status a
 * server answers it with (RFC 9110 15.5: 400, 408, 413, 417, 431, 501, 505).
 */
public final class HttpException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /** A protocol error answered with {@code status}. */
    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The status code to answer with. */
    public int status() {
        return status;
    }
}
