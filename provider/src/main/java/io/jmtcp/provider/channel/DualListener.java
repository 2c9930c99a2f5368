package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * A jmtcp listener that also listens on the kernel at the same address and port (issue 5 item 6,
 * as Onload's accelerated listeners do): connections from kernel clients (curl, other processes,
 * {@code java.net.Socket} in this JVM) are accepted as kernel-backed channels from the same
 * {@code ServerSocketChannel}, interleaved fairly with jmtcp ones (after taking one from one side
 * the next accept looks at the other side first).
 *
 * <p>Both sides report to this object: the jmtcp listening socket through its readiness sink
 * (engine thread), the kernel side through its completion callback; either wakes a blocked
 * acceptor and queues the channel's keys at their selectors.
 *
 * <p>Threads: {@link #accept()} by one acceptor at a time; {@link #offer}/{@link #signal} on the
 * engine thread, never blocking; the rest from any thread.
 */
final class DualListener implements ListenerBackend, ReadinessSink {

    private final JmtcpTransport.Listener jmtcp;
    private final KernelListener kernel;
    private final Waiter waiter = new Waiter();
    private final BooleanSupplier acceptable = this::isAcceptable;
    private volatile ChannelKeys keys;
    /** Acceptor thread only: which side to look at first. */
    private boolean kernelFirst;

    DualListener(JmtcpTransport.Listener jmtcp, KernelListener kernel) {
        this.jmtcp = jmtcp;
        this.kernel = kernel;
        kernel.onReady(this::kernelReady);
        jmtcp.sink(this);
    }

    private void kernelReady() {
        waiter.signal(Waiter.READER);
        ChannelKeys k = keys;
        if (k != null) {
            k.readinessChanged();
        }
    }

    @Override
    public void offer(TcpSocket socket) {
        waiter.signal(Waiter.READER);
        ChannelKeys k = keys;
        if (k != null) {
            k.offer(socket);
        }
    }

    @Override
    public void signal() {
        ChannelKeys k = keys;
        if (k != null) {
            k.signal();
        }
    }

    @Override
    public StreamConnection accept() {
        boolean fromKernel = kernelFirst;
        StreamConnection c = fromKernel ? kernel.accept() : jmtcp.accept();
        if (c == null) {
            fromKernel = !fromKernel;
            c = fromKernel ? kernel.accept() : jmtcp.accept();
        }
        if (c != null) {
            kernelFirst = !fromKernel;
        }
        return c;
    }

    @Override
    public int awaitAcceptable(long timeoutNanos) {
        return waiter.await(Waiter.READER, acceptable, timeoutNanos);
    }

    @Override
    public boolean isAcceptable() {
        return jmtcp.isAcceptable() || kernel.isAcceptable();
    }

    @Override
    public InetSocketAddress localAddress() {
        return jmtcp.localAddress();
    }

    @Override
    public void close() {
        keys = null;
        kernel.close();
        jmtcp.close();
        waiter.close();
    }

    @Override
    public void wire(ChannelKeys keys) {
        this.keys = keys;
        keys.readinessChanged();
    }

    @Override
    public void applyOptions(TcpOptions options) {
        jmtcp.applyOptions(options);
        kernel.applyOptions(options);
    }
}
