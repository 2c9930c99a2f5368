package io.jmtcp.jni;

import java.nio.ByteBuffer;

/**
 * The natives of libjmtcp, registered by its {@code JNI_OnLoad}. Every method returns a negative
 * errno on failure. Hot methods (bursts, wait, wake) take primitives only. Package-private: the
 * rest of jmtcp uses {@link TapDevice} and {@link Errno}.
 */
final class Native {

    static {
        NativeLibrary.load();
    }

    private Native() {}

    // keys of layout0, mirrored from enum jmtcp_layout_key in jmtcp.h
    static final int LAYOUT_ABI_VERSION = 0;
    static final int LAYOUT_DESC_SIZE = 1;
    static final int LAYOUT_DESC_OFFSET = 2;
    static final int LAYOUT_DESC_LENGTH = 3;
    static final int LAYOUT_STATS_SIZE = 4;
    static final int LAYOUT_STATS_RX_ERRORS = 5;
    static final int LAYOUT_STATS_RX_TRUNCATED = 6;
    static final int LAYOUT_STATS_TX_ERRORS = 7;
    static final int LAYOUT_STATS_TX_DROPPED_FULL = 8;
    static final int LAYOUT_STATS_LAST_RX_ERRNO = 9;
    static final int LAYOUT_STATS_LAST_TX_ERRNO = 10;

    /** The ABI this Java code was written against; C must report the same. */
    static final int ABI_VERSION = 1;

    static native String errnoName0(int errno);

    static native String errnoDescription0(int errno);

    static native int layout0(int key);

    static native long address0(ByteBuffer directBuffer);

    static native int tapOpen0(String ifname, int queues, int[] fdsOut);

    static native int ifSetUp0(String ifname);

    static native int ifSetMtu0(String ifname, int mtu);

    static native long ifMac0(String ifname);

    static native int eventfd0();

    static native int close0(int fd);

    static native int rxBurst0(int fd, long base, int slotSize, long descAddress, long statsAddress, int n);

    static native int txBurst0(int fd, long base, long descAddress, long statsAddress, int n);

    static native int awaitReadable0(int fd, int eventFd, long timeoutNanos);

    static native int wake0(int eventFd);
}
