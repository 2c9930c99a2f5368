/*
 * Linux TAP devices for jmtcp: open a multi-queue TAP (one fd per queue), move frames in bursts,
 * and wait for readability with a wakeup eventfd. Plain POSIX/Linux, no JNI here, so the same code
 * can be exercised from C if need be.
 */
#define _GNU_SOURCE
#include "jmtcp.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int jmtcp_layout(int key)
{
    switch (key) {
    case JMTCP_LAYOUT_ABI_VERSION: return JMTCP_ABI_VERSION;
    case JMTCP_LAYOUT_DESC_SIZE: return (int) sizeof(struct jmtcp_frame_desc);
    case JMTCP_LAYOUT_DESC_OFFSET: return (int) offsetof(struct jmtcp_frame_desc, offset);
    case JMTCP_LAYOUT_DESC_LENGTH: return (int) offsetof(struct jmtcp_frame_desc, length);
    case JMTCP_LAYOUT_STATS_SIZE: return (int) sizeof(struct jmtcp_queue_stats);
    case JMTCP_LAYOUT_STATS_RX_ERRORS: return (int) offsetof(struct jmtcp_queue_stats, rx_errors);
    case JMTCP_LAYOUT_STATS_RX_TRUNCATED: return (int) offsetof(struct jmtcp_queue_stats, rx_truncated);
    case JMTCP_LAYOUT_STATS_TX_ERRORS: return (int) offsetof(struct jmtcp_queue_stats, tx_errors);
    case JMTCP_LAYOUT_STATS_TX_DROPPED_FULL: return (int) offsetof(struct jmtcp_queue_stats, tx_dropped_full);
    case JMTCP_LAYOUT_STATS_LAST_RX_ERRNO: return (int) offsetof(struct jmtcp_queue_stats, last_rx_errno);
    case JMTCP_LAYOUT_STATS_LAST_TX_ERRNO: return (int) offsetof(struct jmtcp_queue_stats, last_tx_errno);
    default: return -EINVAL;
    }
}

const char *jmtcp_errno_name(int err)
{
    if (err < 0) {
        err = -err;
    }
    if (err == 0) {
        return "OK";
    }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    return strerrorname_np(err);
#else
    /* Older C libraries: the errnos this library can produce. */
    switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case EBADFD: return "EBADFD";
    case ENOTSUP: return "ENOTSUP";
    default: return NULL;
    }
#endif
}

/* Copies an interface name into ifr, refusing names the kernel would truncate. */
static int set_name(struct ifreq *ifr, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= IFNAMSIZ) {
        return -EINVAL;
    }
    memset(ifr, 0, sizeof(*ifr));
    memcpy(ifr->ifr_name, name, len);
    return 0;
}

int jmtcp_tap_open(const char *name, int queues, int *fds)
{
    struct ifreq ifr;
    int rc = set_name(&ifr, name);
    if (rc < 0) {
        return rc;
    }
    if (queues < 1) {
        return -EINVAL;
    }
    for (int q = 0; q < queues; q++) {
        fds[q] = -1;
    }
    for (int q = 0; q < queues; q++) {
        int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            rc = -errno;
            goto fail;
        }
        /*
         * IFF_MULTI_QUEUE even for one queue: a TAP created without it cannot take a second
         * queue later, and a pre-created multi_queue TAP refuses an fd without it.
         */
        set_name(&ifr, name);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
            rc = -errno;
            close(fd);
            goto fail;
        }
        fds[q] = fd;
    }
    return 0;
fail:
    for (int q = 0; q < queues; q++) {
        if (fds[q] >= 0) {
            close(fds[q]);
            fds[q] = -1;
        }
    }
    return rc;
}

/* Runs one SIOC* interface ioctl on a throwaway datagram socket of the caller's namespace. */
static int if_ioctl(unsigned long request, struct ifreq *ifr)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -errno;
    }
    int rc = ioctl(s, request, ifr) < 0 ? -errno : 0;
    close(s);
    return rc;
}

int jmtcp_if_set_up(const char *name)
{
    struct ifreq ifr;
    int rc = set_name(&ifr, name);
    if (rc < 0 || (rc = if_ioctl(SIOCGIFFLAGS, &ifr)) < 0) {
        return rc;
    }
    if (ifr.ifr_flags & IFF_UP) {
        return 0;
    }
    ifr.ifr_flags |= IFF_UP;
    return if_ioctl(SIOCSIFFLAGS, &ifr);
}

int jmtcp_if_set_mtu(const char *name, int mtu)
{
    struct ifreq ifr;
    int rc = set_name(&ifr, name);
    if (rc < 0) {
        return rc;
    }
    ifr.ifr_mtu = mtu;
    return if_ioctl(SIOCSIFMTU, &ifr);
}

int64_t jmtcp_if_mac(const char *name)
{
    struct ifreq ifr;
    int rc = set_name(&ifr, name);
    if (rc < 0 || (rc = if_ioctl(SIOCGIFHWADDR, &ifr)) < 0) {
        return rc;
    }
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        return -EINVAL;
    }
    int64_t mac = 0;
    for (int i = 0; i < 6; i++) {
        mac = (mac << 8) | (uint8_t) ifr.ifr_hwaddr.sa_data[i];
    }
    return mac;
}

int jmtcp_eventfd(void)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int jmtcp_rx_burst(int fd, uint8_t *base, int32_t slot_size, struct jmtcp_frame_desc *d, int n,
                   struct jmtcp_queue_stats *st)
{
    int got = 0;
    while (got < n) {
        /* TAP has no recvmmsg: one read() per frame is the floor; the saving is one JNI crossing. */
        ssize_t r = read(fd, base + d[got].offset, (size_t) slot_size);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                st->rx_errors++;
                st->last_rx_errno = errno;
            }
            break;
        }
        if (r > slot_size) {
            /* tun reports the frame's full length when it did not fit: drop, keep the slot. */
            st->rx_truncated++;
            continue;
        }
        d[got].length = (int32_t) r;
        got++;
    }
    return got;
}

int jmtcp_tx_burst(int fd, const uint8_t *base, const struct jmtcp_frame_desc *d, int n,
                   struct jmtcp_queue_stats *st)
{
    int sent = 0;
    for (int i = 0; i < n; i++) {
        ssize_t r = write(fd, base + d[i].offset, (size_t) d[i].length);
        if (r == d[i].length) {
            sent++;
            continue;
        }
        if (r < 0 && errno == EINTR) {
            i--;
            continue;
        }
        if (r < 0 && errno == EAGAIN) {
            /* Queue full: what is left of the burst is dropped, as a NIC ring would. */
            st->tx_dropped_full += (uint64_t) (n - i);
            break;
        }
        st->tx_errors++;
        st->last_tx_errno = r < 0 ? errno : EIO;
    }
    return sent;
}

int jmtcp_await_readable(int fd, int efd, int64_t timeout_ns)
{
    struct pollfd p[2] = {
        { .fd = fd, .events = POLLIN },
        { .fd = efd, .events = POLLIN },
    };
    if (timeout_ns < 0) {
        timeout_ns = 0;
    }
    struct timespec ts = {
        .tv_sec = (time_t) (timeout_ns / 1000000000LL),
        .tv_nsec = (long) (timeout_ns % 1000000000LL),
    };
    int r = ppoll(p, 2, &ts, NULL);
    if (r < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    int result = 0;
    if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
        result |= 1;
    }
    if (p[1].revents & POLLIN) {
        uint64_t drained;
        /* Reset the counter so the next wait sleeps again; EAGAIN means someone else drained it. */
        if (read(efd, &drained, sizeof(drained)) < 0 && errno != EAGAIN) {
            return -errno;
        }
        result |= 2;
    }
    return result;
}

int jmtcp_wake(int efd)
{
    uint64_t one = 1;
    if (write(efd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is at its maximum, so the waiter is woken anyway. */
        return errno == EAGAIN ? 0 : -errno;
    }
    return 0;
}
