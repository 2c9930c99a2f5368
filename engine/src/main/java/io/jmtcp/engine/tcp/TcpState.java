package io.jmtcp.engine.tcp;

/** The connection states of RFC 9293 section 3.3.2, named as there. */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** ESTABLISHED and later: the state RFC 9293 calls "synchronized". */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** States in which our FIN has been sent. */
    public boolean finSent() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** States in which the peer's FIN has been received. */
    public boolean finReceived() {
        return this == CLOSE_WAIT || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** States in which we may still send data. */
    public boolean canSend() {
        return this == ESTABLISHED || this == CLOSE_WAIT;
    }

    /** States in which data from the peer is still accepted (RFC 9293 3.10.7.4, seventh step). */
    public boolean canReceive() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }
}
