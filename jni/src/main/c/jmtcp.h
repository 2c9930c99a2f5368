/*
 * libjmtcp: the native shim under jmtcp's TAP device (and, later, DPDK in its own library).
 *
 * Every function returns a non-negative result or a negative errno. Structures that Java reads
 * or writes are described to Java at run time through jmtcp_layout(), so their layout lives here
 * only.
 */
#ifndef JMTCP_H
#define JMTCP_H

#include <stdint.h>

/* Bumped whenever a structure below or a native signature changes. */
#define JMTCP_ABI_VERSION 1

/* One frame of a burst: where it sits relative to the slot region's base and how long it is. */
struct jmtcp_frame_desc {
    int32_t offset;
    int32_t length;
};

/*
 * Per-queue counters kept by C so that a burst needs no second crossing to report what went
 * wrong. Written only by the queue's owner thread (through the burst calls); Java reads them.
 */
struct jmtcp_queue_stats {
    uint64_t rx_errors;        /* read() failures other than EAGAIN/EINTR */
    uint64_t rx_truncated;     /* frames larger than a slot, dropped */
    uint64_t tx_errors;        /* write() failures other than EAGAIN/EINTR, and short writes */
    uint64_t tx_dropped_full;  /* frames not written because the fd said EAGAIN */
    int32_t last_rx_errno;
    int32_t last_tx_errno;
};

/* Keys for jmtcp_layout(). */
enum jmtcp_layout_key {
    JMTCP_LAYOUT_ABI_VERSION = 0,
    JMTCP_LAYOUT_DESC_SIZE,
    JMTCP_LAYOUT_DESC_OFFSET,
    JMTCP_LAYOUT_DESC_LENGTH,
    JMTCP_LAYOUT_STATS_SIZE,
    JMTCP_LAYOUT_STATS_RX_ERRORS,
    JMTCP_LAYOUT_STATS_RX_TRUNCATED,
    JMTCP_LAYOUT_STATS_TX_ERRORS,
    JMTCP_LAYOUT_STATS_TX_DROPPED_FULL,
    JMTCP_LAYOUT_STATS_LAST_RX_ERRNO,
    JMTCP_LAYOUT_STATS_LAST_TX_ERRNO,
    JMTCP_LAYOUT_KEYS
};

/* sizeof/offsetof for a key, or -EINVAL for an unknown key. */
int jmtcp_layout(int key);

/* "EPERM" for 1 (or -1); NULL when the errno is unknown. */
const char *jmtcp_errno_name(int err);

/* Opens (creating if needed) TAP `name` with `queues` non-blocking fds written to fds[]. */
int jmtcp_tap_open(const char *name, int queues, int *fds);

/* Sets IFF_UP on interface `name` in the caller's network namespace. */
int jmtcp_if_set_up(const char *name);

/* Sets the MTU of interface `name`. */
int jmtcp_if_set_mtu(const char *name, int mtu);

/* The interface's MAC address in the low 48 bits (first wire byte most significant), or -errno. */
int64_t jmtcp_if_mac(const char *name);

/* A non-blocking, close-on-exec eventfd, or -errno. */
int jmtcp_eventfd(void);

/*
 * Reads up to n frames from fd, frame i into base + d[i].offset (at most slot_size bytes), and
 * sets d[i].length. Stops at EAGAIN. Errors and oversize frames are counted in st.
 * Returns the number of frames read.
 */
int jmtcp_rx_burst(int fd, uint8_t *base, int32_t slot_size, struct jmtcp_frame_desc *d, int n,
                   struct jmtcp_queue_stats *st);

/*
 * Writes frames d[0..n) (each base + d[i].offset, d[i].length bytes) to fd. EAGAIN stops the
 * burst: the rest are counted as dropped. Returns the number of frames written.
 */
int jmtcp_tx_burst(int fd, const uint8_t *base, const struct jmtcp_frame_desc *d, int n,
                   struct jmtcp_queue_stats *st);

/*
 * Waits until fd is readable, efd was written, or timeout_ns passes. Drains efd.
 * Returns a bit set (1: fd readable, 2: woken through efd), 0 on timeout or EINTR, or -errno.
 */
int jmtcp_await_readable(int fd, int efd, int64_t timeout_ns);

/* Adds one to the eventfd; safe from any thread. */
int jmtcp_wake(int efd);

#endif
