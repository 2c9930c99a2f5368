package io.jmtcp.provider.select;

/**
 * A channel that can be registered with a {@link JmtcpSelector}: it reports its own readiness and
 * learns which keys it has, so that it can route readiness changes to their selectors. Every
 * channel of the jmtcp provider implements it. Other channels (the JDK's own, another provider's)
 * are not refused as the JDK's selector refuses foreign ones: {@link JmtcpSelector} multiplexes
 * them through a shadow selector of their own provider.
 */
public interface JmtcpSelectable {

    /**
     * The subset of {@code interestOps} that is ready now, as the JDK's channels translate poll
     * events: e.g. a socket reports {@code OP_CONNECT} only while a connect is pending and
     * {@code OP_WRITE} only once connected, and a failed connection reports every interest op.
     * Called by the selecting thread; must not block or allocate.
     */
    int readyOps(int interestOps);

    /** The keys through which this channel is registered (never null). */
    ChannelKeys channelKeys();

    /**
     * The set of keys changed (a registration was added or removed); a channel whose readiness
     * comes from an engine re-points the engine's readiness sink. May be called with a selector's
     * locks held: must not block.
     */
    void keysChanged();
}
