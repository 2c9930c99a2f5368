package io.jmtcp.engine.ip;

import io.jmtcp.engine.config.Cidr;

/**
 * The route table of one interface: the connected subnet and an optional default gateway. A
 * loopback subnet (127.0.0.0/8) makes every address in it local, as Linux's {@code lo} does.
 *
 * <p>Immutable; shared by the engines of a stack.
 */
public final class Route {

    /** Returned by {@link #nextHop} when there is no route. */
    public static final int NO_ROUTE = 0;

    private final Cidr subnet;
    private final int gateway;
    private final boolean loopbackSubnet;

    /**
     * @param subnet our address and prefix
     * @param gateway default gateway, or {@link #NO_ROUTE}
     */
    public Route(Cidr subnet, int gateway) {
        this.subnet = subnet;
        this.gateway = gateway;
        this.loopbackSubnet = (subnet.address() >>> 24) == 127;
    }

    /** Our primary address. */
    public int address() {
        return subnet.address();
    }

    /** Our subnet. */
    public Cidr subnet() {
        return subnet;
    }

    /** Whether {@code ip} is an address of this host (ours, or any of 127/8 on a loopback subnet). */
    public boolean isLocal(int ip) {
        return ip == subnet.address() || (loopbackSubnet && subnet.contains(ip));
    }

    /** Whether {@code ip} is a broadcast we accept: limited, or our subnet's directed broadcast. */
    public boolean isBroadcast(int ip) {
        return ip == -1 || (subnet.prefixLength() < 31 && ip == subnet.broadcast());
    }

    /** The neighbour to hand a packet for {@code destination} to, or {@link #NO_ROUTE}. */
    public int nextHop(int destination) {
        if (isLocal(destination) || subnet.contains(destination) || destination == -1) {
            return destination;
        }
        return gateway;
    }
}
