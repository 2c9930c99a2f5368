package io.jmtcp.provider.select;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * The registration of one channel with one {@link JmtcpSelector}, with the JDK's key semantics:
 * interest changes from any thread take effect at the selector's next look at the key (they queue
 * the key for a readiness re-check without waking the selector, as the JDK's do); the ready set
 * is written only by the selecting thread; operations on a cancelled key throw
 * {@link CancelledKeyException}.
 *
 * <p>A key of a foreign channel (one not of the jmtcp provider, e.g. the JDK's own) wraps the
 * channel's registration with the selector's shadow selector (see {@link JmtcpSelector}): its
 * interest changes are applied to the shadow key too, under this key's monitor so that the two
 * never disagree; its ready set is written by the selecting thread from the shadow's reports.
 *
 * <p>Threads: interest ops and attachment from any thread; ready ops and the selector-private
 * fields (position in the selected set, evaluation epoch) by the thread holding the selector's
 * select lock.
 */
public final class JmtcpSelectionKey extends AbstractSelectionKey {

    private static final VarHandle QUEUED;
    private static final VarHandle INTEREST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUED = l.findVarHandle(JmtcpSelectionKey.class, "queued", int.class);
            INTEREST = l.findVarHandle(JmtcpSelectionKey.class, "interestOps", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SelectableChannel channel;
    /** The channel as jmtcp's, or null for a foreign channel. */
    private final JmtcpSelectable selectable;
    private final JmtcpSelector selector;
    /** A foreign channel's key in the shadow selector (set once at registration), else null. */
    private SelectionKey shadowKey;

    private volatile int interestOps;
    private volatile int readyOps;
    /** 1 while the key sits in its selector's queue (so it is queued at most once). */
    @SuppressWarnings("unused") // through QUEUED
    private volatile int queued;

    // ---- selecting thread only
    /** Index in the selector's selected-key set, or -1. */
    int selectedIndex = -1;
    /** The select call that last found the key ready. */
    long readyEpoch = -1;

    /** {@code selectable} is the channel itself for a jmtcp channel, null for a foreign one. */
    JmtcpSelectionKey(SelectableChannel channel, JmtcpSelector selector, JmtcpSelectable selectable) {
        this.channel = channel;
        this.selectable = selectable;
        this.selector = selector;
    }

    /** True if the channel is not jmtcp's and is multiplexed through a shadow selector. */
    boolean isForeign() {
        return selectable == null;
    }

    SelectionKey shadowKey() {
        return shadowKey;
    }

    /** Registration: binds this foreign key to its shadow registration, before it is published. */
    void shadowKey(SelectionKey key) {
        this.shadowKey = key;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    /** The selector, typed. */
    public JmtcpSelector jmtcpSelector() {
        return selector;
    }

    JmtcpSelectable selectable() {
        return selectable;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    @Override
    public SelectionKey interestOps(int ops) {
        ensureValid();
        checkOps(ops);
        if (selectable == null) {
            setForeignInterest(ops);
            return this;
        }
        interestOps = ops;
        selector.enqueue(this);
        return this;
    }

    @Override
    public int interestOpsOr(int ops) {
        ensureValid();
        checkOps(ops);
        if (selectable == null) {
            synchronized (this) {
                int old = interestOps;
                setForeignInterest(old | ops);
                return old;
            }
        }
        int old = (int) INTEREST.getAndBitwiseOr(this, ops);
        if ((old | ops) != old) {
            selector.enqueue(this);
        }
        return old;
    }

    @Override
    public int interestOpsAnd(int ops) {
        ensureValid();
        if (selectable == null) {
            synchronized (this) {
                int old = interestOps;
                setForeignInterest(old & ops);
                return old;
            }
        }
        int old = (int) INTEREST.getAndBitwiseAnd(this, ops);
        if ((old & ops) != old) {
            selector.enqueue(this);
        }
        return old;
    }

    /**
     * A foreign key's interest goes to the shadow key, which the shadow selector applies at its
     * next select, as the JDK applies its own keys' changes (no wakeup). The monitor keeps the two
     * sets equal when threads race; a shadow key cancelled meanwhile (the channel is closing, which
     * cancels this key too) throws {@link CancelledKeyException}, as this key would.
     */
    private synchronized void setForeignInterest(int ops) {
        shadowKey.interestOps(ops);
        interestOps = ops;
    }

    private void checkOps(int ops) {
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("Invalid interest ops: 0x" + Integer.toHexString(ops));
        }
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    /** Interest without the validity check (selecting thread). */
    int rawInterestOps() {
        return interestOps;
    }

    /** Registration of a foreign key: its first interest, already given to the shadow key. */
    void interestOpsRaw(int ops) {
        interestOps = ops;
    }

    void readyOpsRaw(int ops) {
        readyOps = ops;
    }

    int readyOpsRaw() {
        return readyOps;
    }

    /** Claims the queued flag; false if the key is already queued. */
    boolean markQueued() {
        return (int) QUEUED.getAcquire(this) == 0 && QUEUED.compareAndSet(this, 0, 1);
    }

    /** Clears the queued flag before the key's readiness is evaluated, so later changes re-queue it. */
    void clearQueued() {
        QUEUED.setVolatile(this, 0);
    }

    @Override
    public String toString() {
        if (!isValid()) {
            return "channel=" + channel + ", selector=" + selector + ", invalid";
        }
        return "channel=" + channel + ", selector=" + selector + ", interestOps=" + interestOps
                + ", readyOps=" + readyOps;
    }
}
