package io.jmtcp.provider.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ServerSocket} a {@link JmtcpServerSocketChannel#socket()} returns: every public
 * method delegates to the channel, as the JDK's adaptor does. {@link #accept()} honours
 * SO_TIMEOUT ({@code SocketTimeoutException("Accept timed out")}) in blocking mode; in
 * non-blocking mode it returns a waiting connection or throws
 * {@link IllegalBlockingModeException}, as the JDK's does.
 *
 * <p>Threads: any, as {@code java.net.ServerSocket}.
 */
final class ServerSocketAdaptor extends ServerSocket {

    private final JmtcpServerSocketChannel ssc;
    private volatile int timeoutMillis;

    ServerSocketAdaptor(JmtcpServerSocketChannel ssc) {
        super(new NoSocketImpl());
        this.ssc = ssc;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        try {
            ssc.bind(local == null ? new InetSocketAddress(0) : local, backlog);
        } catch (IOException | RuntimeException e) {
            throw SocketAdaptor.translate(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress local = ssc.localAddressOrNull();
        return local == null ? null : local.getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = ssc.localAddressOrNull();
        return local == null ? -1 : local.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ssc.localAddressOrNull();
    }

    @Override
    public Socket accept() throws IOException {
        SocketChannel sc;
        try {
            int t = timeoutMillis;
            if (t > 0) {
                sc = ssc.blockingAccept(TimeUnit.MILLISECONDS.toNanos(t));
            } else {
                // a waiting connection is returned even in non-blocking mode, as the JDK does
                sc = ssc.accept();
                if (sc == null) {
                    throw new IllegalBlockingModeException();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw SocketAdaptor.translate(e);
        }
        return sc.socket();
    }

    @Override
    public void close() throws IOException {
        ssc.close();
    }

    @Override
    public ServerSocketChannel getChannel() {
        return ssc;
    }

    @Override
    public boolean isBound() {
        return ssc.isBound();
    }

    @Override
    public boolean isClosed() {
        return !ssc.isOpen();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeoutMillis;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        try {
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, on);
        } catch (IOException e) {
            throw SocketAdaptor.socketException(e);
        }
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        try {
            return ssc.getOption(StandardSocketOptions.SO_REUSEADDR);
        } catch (IOException e) {
            throw SocketAdaptor.socketException(e);
        }
    }

    @Override
    public String toString() {
        if (!isBound()) {
            return "ServerSocket[unbound]";
        }
        return "ServerSocket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]";
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("size cannot be 0 or negative");
        }
        try {
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, size);
        } catch (IOException e) {
            throw SocketAdaptor.socketException(e);
        }
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        try {
            return ssc.getOption(StandardSocketOptions.SO_RCVBUF);
        } catch (IOException e) {
            throw SocketAdaptor.socketException(e);
        }
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // no effect, as in the JDK
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        ssc.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ssc.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return ssc.supportedOptions();
    }
}
