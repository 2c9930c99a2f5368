package io.jmtcp.jni;

import java.io.IOException;

/**
 * Turns the negative errnos that libjmtcp's natives return into names and exceptions, e.g.
 * {@code -1} into {@code "EPERM"} and an {@link IOException} reading
 * {@code "open TAP jmt0: EPERM (Operation not permitted)"}. Names come from the C library
 * ({@code strerrorname_np}), so they match {@code errno.h} on the running system.
 */
public final class Errno {

    private Errno() {}

    /** The symbolic name of an errno (sign ignored), e.g. {@code EAGAIN}; {@code errno 9999} if unknown. */
    public static String name(int errno) {
        String n = Native.errnoName0(errno);
        return n != null ? n : "errno " + Math.abs(errno);
    }

    /** The C library's description of an errno (sign ignored). */
    public static String description(int errno) {
        return Native.errnoDescription0(errno);
    }

    /**
     * An exception for a failed native call.
     *
     * @param errno the errno, either sign
     * @param attempted what was being done, e.g. {@code "open TAP jmt0 queue 1"}
     */
    public static IOException exception(int errno, String attempted) {
        return new IOException(attempted + ": " + name(errno) + " (" + description(errno) + ")");
    }

    /** Returns {@code result} when it is not negative, else throws {@link #exception}. */
    public static long check(long result, String attempted) throws IOException {
        if (result < 0) {
            throw exception((int) -result, attempted);
        }
        return result;
    }
}
