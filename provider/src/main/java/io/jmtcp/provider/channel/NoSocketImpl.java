package io.jmtcp.provider.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;

/**
 * The {@link SocketImpl} under the socket adaptors: {@code java.net.Socket} and
 * {@code ServerSocket} need one to be constructed, but the adaptors override every public method
 * and delegate to their channel, so nothing ever reaches it. Each method fails loudly should
 * that assumption break.
 */
final class NoSocketImpl extends SocketImpl {

    private static SocketException unused() {
        return new SocketException("jmtcp socket adaptor: operation not supported by the adaptor's SocketImpl");
    }

    @Override
    protected void create(boolean stream) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw unused();
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw unused();
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw unused();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw unused();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw unused();
    }

    @Override
    protected int available() throws IOException {
        throw unused();
    }

    @Override
    protected void close() throws IOException {
        // nothing to release
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw unused();
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        throw unused();
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        throw unused();
    }
}
