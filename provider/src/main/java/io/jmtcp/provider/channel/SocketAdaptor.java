package io.jmtcp.provider.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Socket} a {@link JmtcpSocketChannel#socket()} returns: every public method delegates
 * to the channel, as the JDK's adaptor does, with the JDK's translations (a closed channel is a
 * {@code SocketException("Socket is closed")}, and so on). SO_TIMEOUT is the adaptor's own and
 * affects only blocking reads through its input stream; the streams work in blocking mode only
 * and throw {@link java.nio.channels.IllegalBlockingModeException} otherwise.
 *
 * <p>Threads: any, as {@code java.net.Socket}.
 */
final class SocketAdaptor extends Socket {

    private final JmtcpSocketChannel sc;
    private volatile int timeoutMillis;

    private SocketAdaptor(JmtcpSocketChannel sc) throws SocketException {
        super(new NoSocketImpl());
        this.sc = sc;
    }

    static SocketAdaptor create(JmtcpSocketChannel sc) {
        try {
            return new SocketAdaptor(sc);
        } catch (SocketException e) {
            throw new IllegalStateException(e); // Socket(SocketImpl) throws only under a security manager
        }
    }

    /**
     * The JDK's translation of channel exceptions into the socket API's: IOExceptions pass,
     * the channel-state exceptions become SocketExceptions with the JDK's messages, any other
     * runtime exception (IllegalBlockingModeException, IllegalArgumentException) is rethrown.
     */
    static IOException translate(Exception x) {
        if (x instanceof SocketException) {
            return (SocketException) x;
        }
        String m;
        if (x instanceof ClosedChannelException) {
            m = "Socket is closed";
        } else if (x instanceof IOException) {
            return (IOException) x;
        } else if (x instanceof NotYetConnectedException) {
            m = "Socket is not connected";
        } else if (x instanceof AlreadyBoundException) {
            m = "Already bound";
        } else if (x instanceof AlreadyConnectedException) {
            m = "Already connected";
        } else if (x instanceof NotYetBoundException) {
            m = "Socket is not bound yet";
        } else if (x instanceof UnsupportedAddressTypeException) {
            m = "Unsupported address type";
        } else if (x instanceof UnresolvedAddressException) {
            m = "Unresolved address";
        } else if (x instanceof RuntimeException) {
            throw (RuntimeException) x;
        } else {
            throw new IllegalStateException(x);
        }
        SocketException se = new SocketException(m);
        se.initCause(x);
        return se;
    }

    /** As {@link #translate} for methods that may only throw SocketException. */
    static SocketException socketException(Exception x) {
        IOException e = translate(x);
        if (e instanceof SocketException) {
            return (SocketException) e;
        }
        SocketException se = new SocketException(e.getMessage());
        se.initCause(e);
        return se;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (remote instanceof InetSocketAddress && ((InetSocketAddress) remote).isUnresolved()) {
            if (!sc.isOpen()) {
                throw new SocketException("Socket is closed");
            }
            if (sc.isConnected()) {
                throw new SocketException("Already connected");
            }
            close();
            throw new UnknownHostException(((InetSocketAddress) remote).getHostName());
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        try {
            sc.blockingConnect(remote, TimeUnit.MILLISECONDS.toNanos(timeout));
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        try {
            sc.bind(local);
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress remote = sc.remoteAddressOrNull();
        return remote == null ? null : remote.getAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        if (sc.isOpen()) {
            InetSocketAddress local = sc.localAddressOrNull();
            if (local != null) {
                return local.getAddress();
            }
        }
        return new InetSocketAddress(0).getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress remote = sc.remoteAddressOrNull();
        return remote == null ? 0 : remote.getPort();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = sc.localAddressOrNull();
        return local == null ? -1 : local.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return sc.remoteAddressOrNull();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return sc.localAddressOrNull();
    }

    @Override
    public SocketChannel getChannel() {
        return sc;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!sc.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        if (!sc.isInputOpen()) {
            throw new SocketException("Socket input is shutdown");
        }
        return new In();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!sc.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        if (!sc.isOutputOpen()) {
            throw new SocketException("Socket output is shutdown");
        }
        return new Out();
    }

    private void setOpt(SocketOption<?> name, Object value) throws SocketException {
        try {
            @SuppressWarnings("unchecked")
            SocketOption<Object> n = (SocketOption<Object>) name;
            sc.setOption(n, value);
        } catch (IOException e) {
            throw socketException(e);
        }
    }

    private <T> T getOpt(SocketOption<T> name) throws SocketException {
        try {
            return sc.getOption(name);
        } catch (IOException e) {
            throw socketException(e);
        }
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        setOpt(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return getOpt(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        setOpt(StandardSocketOptions.SO_LINGER, on ? linger : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return getOpt(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported by jmtcp");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        try {
            sc.oobInline(on);
        } catch (IOException e) {
            throw socketException(e);
        }
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        try {
            return sc.oobInline();
        } catch (IOException e) {
            throw socketException(e);
        }
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeoutMillis;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid send size");
        }
        setOpt(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return getOpt(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid receive size");
        }
        setOpt(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return getOpt(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        setOpt(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return getOpt(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        setOpt(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return getOpt(StandardSocketOptions.IP_TOS);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        setOpt(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return getOpt(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // no effect, as in the JDK
    }

    @Override
    public void close() throws IOException {
        sc.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            sc.shutdownInput();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            sc.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public String toString() {
        if (sc.isConnected()) {
            return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        }
        return "Socket[unconnected]";
    }

    @Override
    public boolean isConnected() {
        return sc.isConnected();
    }

    @Override
    public boolean isBound() {
        return sc.localAddressOrNull() != null;
    }

    @Override
    public boolean isClosed() {
        return !sc.isOpen();
    }

    @Override
    public boolean isInputShutdown() {
        return !sc.isInputOpen();
    }

    @Override
    public boolean isOutputShutdown() {
        return !sc.isOutputOpen();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        sc.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return sc.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return sc.supportedOptions();
    }

    /** Blocking reads with the adaptor's SO_TIMEOUT. */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n > 0 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int t = timeoutMillis;
            return sc.blockingRead(b, off, len, t > 0 ? TimeUnit.MILLISECONDS.toNanos(t) : 0);
        }

        @Override
        public int available() throws IOException {
            return sc.available();
        }

        @Override
        public void close() throws IOException {
            sc.close();
        }
    }

    /** Blocking writes of everything. */
    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sc.blockingWriteFully(b, off, len);
        }

        @Override
        public void close() throws IOException {
            sc.close();
        }
    }
}
