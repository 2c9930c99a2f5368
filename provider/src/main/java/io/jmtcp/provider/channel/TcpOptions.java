package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.TcpSocket;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * The socket options of one channel, held by the channel so that options set before bind or
 * connect (Netty and Jetty set them first) survive until a backend exists, then pushed to it.
 * Validation and normalisation follow the JDK's {@code sun.nio.ch.Net} and Linux: negative
 * buffer sizes are rejected, SO_LINGER is clamped to -1..65535, IP_TOS must be 0..255 and, as
 * Linux does for IPv4, loses its two ECN bits.
 *
 * <p>Threads: guarded by the owning channel's state lock.
 */
public final class TcpOptions {

    /** The options of a SocketChannel, as the JDK lists them on Linux (minus its private ones). */
    static final Set<SocketOption<?>> SOCKET_OPTIONS;
    /** The options of a ServerSocketChannel. */
    static final Set<SocketOption<?>> SERVER_OPTIONS;

    static {
        Set<SocketOption<?>> s = new HashSet<>();
        s.add(StandardSocketOptions.SO_SNDBUF);
        s.add(StandardSocketOptions.SO_RCVBUF);
        s.add(StandardSocketOptions.SO_KEEPALIVE);
        s.add(StandardSocketOptions.SO_REUSEADDR);
        s.add(StandardSocketOptions.SO_REUSEPORT);
        s.add(StandardSocketOptions.SO_LINGER);
        s.add(StandardSocketOptions.TCP_NODELAY);
        s.add(StandardSocketOptions.IP_TOS);
        s.add(ExtendedSocketOptions.TCP_QUICKACK);
        s.add(ExtendedSocketOptions.TCP_KEEPIDLE);
        s.add(ExtendedSocketOptions.TCP_KEEPINTERVAL);
        s.add(ExtendedSocketOptions.TCP_KEEPCOUNT);
        SOCKET_OPTIONS = Collections.unmodifiableSet(s);
        Set<SocketOption<?>> l = new HashSet<>();
        l.add(StandardSocketOptions.SO_RCVBUF);
        l.add(StandardSocketOptions.SO_REUSEADDR);
        l.add(StandardSocketOptions.SO_REUSEPORT);
        SERVER_OPTIONS = Collections.unmodifiableSet(l);
    }

    boolean noDelay;
    boolean keepAlive;
    boolean reuseAddress;
    boolean reusePort;
    boolean quickAck;
    /** Not a standard channel option; the socket adaptor's SO_OOBINLINE (urgent data is not supported). */
    boolean oobInline;
    int linger = -1;
    /** 0 = the engine's default. */
    int receiveBuffer;
    int sendBuffer;
    int tos;
    int keepIdle = 7200;
    int keepInterval = 75;
    int keepCount = 9;

    TcpOptions(boolean server) {
        // Linux's JDK enables SO_REUSEADDR on listening sockets by default
        this.reuseAddress = server;
    }

    /** Validates and stores one option; returns true if it is one a live socket must learn. */
    void set(SocketOption<?> name, Object value) throws IOException {
        if (value == null) {
            throw new IllegalArgumentException("Invalid option value");
        }
        if (name == StandardSocketOptions.TCP_NODELAY) {
            noDelay = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            keepAlive = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            reuseAddress = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_REUSEPORT) {
            reusePort = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_LINGER) {
            int v = (Integer) value;
            linger = v < 0 ? -1 : Math.min(v, 65535);
        } else if (name == StandardSocketOptions.SO_RCVBUF || name == StandardSocketOptions.SO_SNDBUF) {
            int v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException("Invalid send/receive buffer size");
            }
            if (name == StandardSocketOptions.SO_RCVBUF) {
                receiveBuffer = v;
            } else {
                sendBuffer = v;
            }
        } else if (name == StandardSocketOptions.IP_TOS) {
            int v = (Integer) value;
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("Invalid IP_TOS value");
            }
            tos = v & 0xfc; // Linux keeps the ECN bits to itself (RFC 3168 5)
        } else if (name == ExtendedSocketOptions.TCP_QUICKACK) {
            quickAck = (Boolean) value;
        } else if (name == ExtendedSocketOptions.TCP_KEEPIDLE) {
            keepIdle = range((Integer) value, 32767);
        } else if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) {
            keepInterval = range((Integer) value, 32767);
        } else if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            keepCount = range((Integer) value, 127);
        } else {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** Linux's limits for the keepalive parameters; it answers EINVAL beyond them. */
    /** The JDK's checks of {@code setOption}: a supported option and a value of its type. */
    static void checkSettable(Set<SocketOption<?>> supported, SocketOption<?> name, Object value) {
        checkSupported(supported, name);
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
    }

    /** The JDK's check of {@code getOption}/{@code setOption}: a non-null, supported option. */
    static void checkSupported(Set<SocketOption<?>> supported, SocketOption<?> name) {
        java.util.Objects.requireNonNull(name);
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    private static int range(int v, int max) throws SocketException {
        if (v < 1 || v > max) {
            throw new SocketException("Invalid argument: " + v + " outside 1.." + max);
        }
        return v;
    }

    /** The value of one option; {@code defaultBuffer} stands in for buffer sizes left at 0. */
    Object get(SocketOption<?> name, int defaultReceiveBuffer, int defaultSendBuffer) {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            return noDelay;
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return keepAlive;
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            return reuseAddress;
        } else if (name == StandardSocketOptions.SO_REUSEPORT) {
            return reusePort;
        } else if (name == StandardSocketOptions.SO_LINGER) {
            return linger;
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            return receiveBuffer == 0 ? defaultReceiveBuffer : receiveBuffer;
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            return sendBuffer == 0 ? defaultSendBuffer : sendBuffer;
        } else if (name == StandardSocketOptions.IP_TOS) {
            return tos;
        } else if (name == ExtendedSocketOptions.TCP_QUICKACK) {
            return quickAck;
        } else if (name == ExtendedSocketOptions.TCP_KEEPIDLE) {
            return keepIdle;
        } else if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) {
            return keepInterval;
        } else if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            return keepCount;
        }
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    /** Pushes every option to a jmtcp socket. */
    void applyTo(TcpSocket s) {
        s.receiveBufferSize(receiveBuffer);
        s.sendBufferSize(sendBuffer);
        s.lingerSeconds(linger);
        if (s.noDelay() != noDelay) {
            s.noDelay(noDelay);
        }
        if (s.keepAlive() != keepAlive) {
            s.keepAlive(keepAlive);
        }
        if (s.keepIdleSeconds() != keepIdle || s.keepIntervalSeconds() != keepInterval || s.keepCount() != keepCount) {
            s.keepAliveParameters(keepIdle, keepInterval, keepCount);
        }
        if (s.typeOfService() != tos) {
            s.typeOfService(tos);
        }
        if (s.quickAck() != quickAck) {
            s.quickAck(quickAck);
        }
    }

    /** Reads back what an accepted socket inherited from its listener. */
    void readFrom(TcpSocket s) {
        receiveBuffer = s.receiveBufferSize();
        sendBuffer = s.sendBufferSize();
        linger = s.lingerSeconds();
        noDelay = s.noDelay();
        keepAlive = s.keepAlive();
        keepIdle = s.keepIdleSeconds();
        keepInterval = s.keepIntervalSeconds();
        keepCount = s.keepCount();
        tos = s.typeOfService();
        quickAck = s.quickAck();
    }
}
