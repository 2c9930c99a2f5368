package io.jmtcp.jni;

import java.nio.ByteBuffer;

/**
 * The natives of libjmtcp-dpdk, registered by its {@code JNI_OnLoad}. Every method returns a
 * negative errno on failure (DPDK's ethdev calls already return {@code -errno}). Hot methods
 * (bursts) take primitives only: addresses of native frame arrays and counts, one call per burst.
 * Package-private: the rest of jmtcp uses {@link Dpdk} and {@link DpdkDevice}.
 */
final class DpdkNative {

    static {
        NativeLibrary.loadDpdk();
    }

    private DpdkNative() {}

    // keys of layout0, mirrored from enum layout_key in dpdk/jmtcp_dpdk.c
    static final int L_ABI = 0;
    static final int L_FRAME_SIZE = 1;
    static final int L_FRAME_MBUF = 2;
    static final int L_FRAME_REGION = 3;
    static final int L_FRAME_OFFSET = 4;
    static final int L_FRAME_LENGTH = 5;
    static final int L_FRAME_CAPACITY = 6;
    static final int L_FRAME_HASH = 7;
    static final int L_FRAME_FLAGS = 8;
    static final int L_QSTATS_SIZE = 9;
    static final int L_QSTATS_RX_FOREIGN = 10;
    static final int L_QSTATS_RX_SEGMENTED = 11;
    static final int L_QSTATS_RX_BAD_CKSUM = 12;
    static final int L_QSTATS_TX_DROPPED_FULL = 13;
    static final int L_QSTATS_TX_ALLOC_FAILED = 14;
    static final int L_QSTATS_TX_SENT = 15;
    static final int L_INFO_SIZE = 16;
    static final int L_INFO_MAC = 17;
    static final int L_INFO_MTU = 18;
    static final int L_INFO_QUEUES = 19;
    static final int L_INFO_RSS = 20;
    static final int L_INFO_RX_CKSUM = 21;
    static final int L_INFO_TX_CKSUM = 22;
    static final int L_INFO_FRAME_CAPACITY = 23;
    static final int L_INFO_RX_INTR = 24;

    /** The ABI this Java code was written against; C must report the same. */
    static final int ABI_VERSION = 1;

    /** Most frames one native burst handles (MAX_BURST in C). */
    static final int MAX_BURST = 512;

    static native int layout0(int key);

    /** Throws IOException with DPDK's own log text and the arguments when EAL refuses them. */
    static native int ealInit0(String[] argv) throws java.io.IOException;

    static native int ealCleanup0();

    static native String portList0();

    static native int portByName0(String name);

    static native int portValid0(int port);

    static native int probe0(String devargs, String name);

    static native int ringPair0(String name, int queues, int ringSize, int[] portsOut);

    static native int portOpen0(int port, int queues, int rxDescriptors, int txDescriptors, int mbufsPerQueue,
            int mtu, long infoAddress);

    static native int portClose0(int port, int queues);

    static native ByteBuffer region0(int index);

    static native int regionCount0();

    static native int rxBurst0(int port, int queue, long framesAddress, int n, long freeAddress, int nFree,
            long statsAddress);

    static native int txBurst0(int port, int queue, long framesAddress, int n, long stockAddress, int nStock,
            long statsAddress);

    static native int freeBulk0(long handlesAddress, int n);

    static native int linkUp0(int port);

    /** Sleeps on the queue's receive interrupt and {@code eventFd}; 1 rx, 2 wakeup, 0 timeout, or -errno. */
    static native int awaitRx0(int port, int queue, int eventFd, long timeoutNanos);

    static native int stats0(int port, long[] out);

    static native String xstats0(int port);

    static native int lcoresArg0(byte[] out);

    static native int lcoreId0();

    static native long address0(ByteBuffer directBuffer);
}
