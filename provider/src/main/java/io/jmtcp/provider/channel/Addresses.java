package io.jmtcp.provider.channel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;

/**
 * Address checks and conversions with the JDK's exception types. The JDK's
 * {@link UnresolvedAddressException} and {@link UnsupportedAddressTypeException} carry no
 * message; ours are subclasses (so {@code catch} clauses and {@code instanceof} tests behave the
 * same) whose message names the address and what is missing.
 */
public final class Addresses {

    private Addresses() {
    }

    /** The JDK's exception for an unresolved address, with the address in its message. */
    static final class Unresolved extends UnresolvedAddressException {
        private static final long serialVersionUID = 1L;
        private final String message;

        Unresolved(InetSocketAddress address) {
            this.message = "Unresolved address " + address.getHostString() + ":" + address.getPort()
                    + " (resolve it, e.g. new InetSocketAddress(host, port), before connecting)";
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** The JDK's exception for an address type a channel cannot use, saying why. */
    static final class Unsupported extends UnsupportedAddressTypeException {
        private static final long serialVersionUID = 1L;
        private final String message;

        Unsupported(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /**
     * Checks an address given to connect or bind: non-null, an {@link InetSocketAddress},
     * resolved, IPv4 or IPv6 (IPv6 is routed to the kernel: jmtcp carries IPv4 only).
     */
    public static InetSocketAddress checkInet(SocketAddress sa) {
        Objects.requireNonNull(sa);
        if (!(sa instanceof InetSocketAddress)) {
            throw new Unsupported("Unsupported address type " + sa.getClass().getName()
                    + ": jmtcp channels take java.net.InetSocketAddress");
        }
        InetSocketAddress isa = (InetSocketAddress) sa;
        if (isa.isUnresolved()) {
            throw new Unresolved(isa);
        }
        InetAddress a = isa.getAddress();
        if (!(a instanceof Inet4Address) && !(a instanceof Inet6Address)) {
            throw new IllegalArgumentException("Invalid address type: " + a.getClass().getName());
        }
        return isa;
    }

    /** A remote address: checked, and the wildcard turned into loopback as the JDK does. */
    static InetSocketAddress checkRemote(SocketAddress sa) {
        InetSocketAddress isa = checkInet(sa);
        InetAddress a = isa.getAddress();
        if (a.isAnyLocalAddress()) {
            return new InetSocketAddress(a instanceof Inet6Address ? ipv6Loopback() : loopback(), isa.getPort());
        }
        return isa;
    }

    private static InetAddress ipv6Loopback() {
        byte[] b = new byte[16];
        b[15] = 1;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The address as a big-endian int. */
    public static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The address of a big-endian int. */
    public static InetAddress toInetAddress(int ip) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }

    static InetSocketAddress socketAddress(int ip, int port) {
        return new InetSocketAddress(toInetAddress(ip), port);
    }

    static InetAddress loopback() {
        return toInetAddress(0x7f000001);
    }
}
