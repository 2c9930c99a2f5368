package io.jmtcp.provider.select;

import io.jmtcp.engine.api.ReadinessSink;
import io.jmtcp.engine.api.TcpSocket;
import java.util.Arrays;

/**
 * The selection keys of one channel and the fan-out of its readiness changes to their
 * selectors. The engine reports a socket to one {@link ReadinessSink}: a channel registered with a
 * single selector points its socket straight at that selector (the common, cheapest case); with
 * several selectors it points it here and this object offers the channel's key to each selector.
 * Application-driven changes (a pipe written, an input shut down) go through
 * {@link #readinessChanged()}.
 *
 * <p>Threads: {@link #add}/{@link #remove} from registering/selecting threads (synchronized, rare);
 * {@link #offer}/{@link #signal}/{@link #readinessChanged} from any thread, including an engine
 * thread: they read a copy-on-write array and never block or allocate.
 */
public final class ChannelKeys implements ReadinessSink {

    private static final JmtcpSelectionKey[] NONE = new JmtcpSelectionKey[0];

    private volatile JmtcpSelectionKey[] keys = NONE;

    /** The current keys (a snapshot; do not modify). */
    public JmtcpSelectionKey[] keys() {
        return keys;
    }

    synchronized void add(JmtcpSelectionKey key) {
        JmtcpSelectionKey[] k = keys;
        JmtcpSelectionKey[] n = Arrays.copyOf(k, k.length + 1);
        n[k.length] = key;
        keys = n;
    }

    synchronized void remove(JmtcpSelectionKey key) {
        JmtcpSelectionKey[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == key) {
                JmtcpSelectionKey[] n = new JmtcpSelectionKey[k.length - 1];
                System.arraycopy(k, 0, n, 0, i);
                System.arraycopy(k, i + 1, n, i, k.length - i - 1);
                keys = n.length == 0 ? NONE : n;
                return;
            }
        }
    }

    /**
     * Points {@code socket}'s readiness reports at the selectors of these keys: straight at the
     * selector when there is one key, at this fan-out when there are several, nowhere when none.
     * Then offers every key once, so that a change reported during the switch is not lost.
     */
    public void wire(TcpSocket socket) {
        if (socket != null) {
            JmtcpSelectionKey[] k = keys;
            if (k.length == 1) {
                // attachment first: the selector looks the key up from it when offered the socket
                socket.attachment(k[0]);
                socket.readinessSink(k[0].jmtcpSelector());
            } else if (k.length == 0) {
                socket.readinessSink(null);
                socket.attachment(null);
            } else {
                socket.readinessSink(this);
                socket.attachment(null);
            }
        }
        readinessChanged();
    }

    /** Offers every key to its selector and wakes those selectors. Any thread. */
    public void readinessChanged() {
        JmtcpSelectionKey[] k = keys;
        for (JmtcpSelectionKey key : k) {
            key.jmtcpSelector().enqueue(key);
        }
        for (JmtcpSelectionKey key : k) {
            key.jmtcpSelector().signal();
        }
    }

    /** Engine thread: the socket's readiness may have changed; queue each key at its selector. */
    @Override
    public void offer(TcpSocket socket) {
        for (JmtcpSelectionKey key : keys) {
            key.jmtcpSelector().enqueue(key);
        }
    }

    /** Engine thread: wake each selector that may wait. */
    @Override
    public void signal() {
        for (JmtcpSelectionKey key : keys) {
            key.jmtcpSelector().signal();
        }
    }
}
