package io.jmtcp.it.impact;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.stack.Stack;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The jmtcp target's services for the packetimpact scripts, the same as {@code linux_dut.py}
 * offers on the Linux target: echo on port 7 (closes after the peer's FIN, urgent data is plain
 * data to jmtcp), hold on port 9 (accepts, never reads, 4 KiB receive buffer), nothing on port 1,
 * and active opens on request (for simultaneous open). Blocking threads, one per connection:
 * the scripts open a handful of connections.
 */
public final class JmtcpServices implements AutoCloseable {

    /** The echo service's port. */
    public static final int ECHO_PORT = 7;
    /** The hold service's port. */
    public static final int HOLD_PORT = 9;
    /** The hold service's receive buffer, small so its window closes quickly. */
    public static final int HOLD_RCVBUF = 4096;

    private static final long POLL = TimeUnit.MILLISECONDS.toNanos(100);

    private final Stack stack;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<TcpSocket> sockets = new CopyOnWriteArrayList<>();
    private final TcpSocket echo;
    private final TcpSocket hold;
    private volatile boolean closed;

    /** Starts listening on the echo and hold ports of {@code stack}. */
    public JmtcpServices(Stack stack) throws BindException {
        this.stack = stack;
        echo = stack.listen(0, ECHO_PORT, 64);
        hold = stack.listen(0, HOLD_PORT, 64);
        // accepted connections inherit the listener's receive buffer
        hold.receiveBufferSize(HOLD_RCVBUF);
        spawn("impact-accept-echo", () -> acceptLoop(echo, true));
        spawn("impact-accept-hold", () -> acceptLoop(hold, false));
    }

    /** Opens a connection from {@code localPort} to {@code ip:port} and holds it. */
    public void connect(int ip, int port, int localPort) {
        sockets.add(stack.connect(new TcpSocket(), localPort, ip, port));
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void acceptLoop(TcpSocket listener, boolean echoes) {
        while (!closed) {
            if (listener.awaitAcceptable(POLL) != Waiter.READY) {
                continue;
            }
            for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                sockets.add(s);
                if (echoes) {
                    TcpSocket conn = s;
                    spawn("impact-echo-" + s.remotePort(), () -> echo(conn));
                }
            }
        }
    }

    private void echo(TcpSocket s) {
        ByteBuffer buf = ByteBuffer.allocate(16384);
        try {
            while (!closed) {
                buf.clear();
                int n = s.read(buf);
                if (n < 0) {
                    sockets.remove(s);
                    s.close(); // the peer's FIN: echo is done, send ours (half-close seen from the peer)
                    return;
                }
                if (n == 0) {
                    s.awaitReadable(POLL);
                    continue;
                }
                buf.flip();
                while (buf.hasRemaining() && !closed) {
                    if (s.write(buf) == 0) {
                        s.awaitWritable(POLL);
                    }
                }
            }
        } catch (IOException reset) {
            // the scripts reset connections on purpose; nothing to echo any more
        }
    }

    /** Stops the threads, resets what is still open and closes the listeners. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (TcpSocket s : sockets) {
            s.lingerSeconds(0);
            s.close();
        }
        stack.closeListener(echo);
        stack.closeListener(hold);
    }
}
