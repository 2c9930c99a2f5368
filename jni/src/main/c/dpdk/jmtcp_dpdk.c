/*
 * libjmtcp-dpdk: jmtcp's DPDK ethdev shim, with its JNI bindings for io.jmtcp.jni.DpdkNative.
 * Built only when pkg-config finds libdpdk (see ../Makefile); the Java side says
 * "install libdpdk-dev and rebuild" when this library is absent.
 *
 * Data path (mTCP's batched I/O carried across JNI): one native call per burst, never per frame.
 * Frames stay in mbuf memory: every mempool this shim creates is registered as one or more
 * "regions" (its memory chunks), which Java wraps once as direct ByteBuffers
 * (NewDirectByteBuffer), so a received frame is reported as (region, offset, length) and read in
 * place, and a transmit mbuf is written in place before tx. Per-frame data crosses in an array of
 * struct jmtcp_dpdk_frame in native memory whose layout Java learns from layout0().
 *
 * Threads: EAL is initialised once per process (Java runs that on a throwaway thread, because
 * rte_eal_init pins its caller); each queue is driven by one engine thread at a time, which is
 * registered with rte_thread_register on its first burst so that mempool caches work.
 * Every function returns a non-negative result or a negative errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <jni.h>
#include <pthread.h>
#include <sched.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#define CLASS_NAME "io/jmtcp/jni/DpdkNative"
#define ABI_VERSION 1
#define MAX_REGIONS 256
#define MAX_BURST 512
#define MAX_QUEUES 64

/* One frame of a burst, in both directions. */
struct jmtcp_dpdk_frame {
    uint64_t mbuf;     /* the rte_mbuf pointer: the handle Java gives back */
    uint32_t region;   /* index into the region table */
    uint32_t offset;   /* of the frame's first byte within the region */
    uint32_t length;   /* frame bytes (rx: received; tx: to send) */
    uint32_t capacity; /* room from offset to the end of the mbuf's data room */
    uint32_t hash;     /* rx: RSS hash when flags has JMTCP_FRAME_RSS */
    uint32_t flags;    /* rx: JMTCP_FRAME_* */
};

#define JMTCP_FRAME_RSS 1u
#define JMTCP_FRAME_CKSUM_GOOD 2u

/* Per-queue counters of what the shim itself dropped; written by the queue's owner only. */
struct jmtcp_dpdk_qstats {
    uint64_t rx_foreign;    /* mbufs outside every registered region: dropped */
    uint64_t rx_segmented;  /* chained (multi-segment) frames: dropped */
    uint64_t rx_bad_cksum;  /* the NIC said the IP or L4 checksum is bad: dropped */
    uint64_t tx_dropped_full; /* the tx ring took fewer frames than offered: the rest freed */
    uint64_t tx_alloc_failed; /* mbuf allocations that found the mempool empty */
    uint64_t tx_sent;       /* frames the last tx burst handed to the PMD */
};

/* What Java learns about an opened port. */
struct jmtcp_dpdk_port_info {
    uint64_t mac;
    uint32_t mtu;
    uint32_t queues;
    uint32_t rss;           /* RSS configured with the symmetric key */
    uint32_t rx_cksum;      /* RX IPv4 + TCP checksum offload enabled */
    uint32_t tx_cksum;      /* the port could offload IPv4 + TCP checksums on transmit */
    uint32_t frame_capacity;
    uint32_t rx_intr;       /* every queue has a receive interrupt fd that idle engines can sleep on */
};

enum layout_key {
    L_ABI = 0,
    L_FRAME_SIZE, L_FRAME_MBUF, L_FRAME_REGION, L_FRAME_OFFSET, L_FRAME_LENGTH, L_FRAME_CAPACITY,
    L_FRAME_HASH, L_FRAME_FLAGS,
    L_QSTATS_SIZE, L_QSTATS_RX_FOREIGN, L_QSTATS_RX_SEGMENTED, L_QSTATS_RX_BAD_CKSUM,
    L_QSTATS_TX_DROPPED_FULL, L_QSTATS_TX_ALLOC_FAILED, L_QSTATS_TX_SENT,
    L_INFO_SIZE, L_INFO_MAC, L_INFO_MTU, L_INFO_QUEUES, L_INFO_RSS, L_INFO_RX_CKSUM, L_INFO_TX_CKSUM,
    L_INFO_FRAME_CAPACITY, L_INFO_RX_INTR,
};

static int layout(int key)
{
    switch (key) {
    case L_ABI: return ABI_VERSION;
    case L_FRAME_SIZE: return sizeof(struct jmtcp_dpdk_frame);
    case L_FRAME_MBUF: return offsetof(struct jmtcp_dpdk_frame, mbuf);
    case L_FRAME_REGION: return offsetof(struct jmtcp_dpdk_frame, region);
    case L_FRAME_OFFSET: return offsetof(struct jmtcp_dpdk_frame, offset);
    case L_FRAME_LENGTH: return offsetof(struct jmtcp_dpdk_frame, length);
    case L_FRAME_CAPACITY: return offsetof(struct jmtcp_dpdk_frame, capacity);
    case L_FRAME_HASH: return offsetof(struct jmtcp_dpdk_frame, hash);
    case L_FRAME_FLAGS: return offsetof(struct jmtcp_dpdk_frame, flags);
    case L_QSTATS_SIZE: return sizeof(struct jmtcp_dpdk_qstats);
    case L_QSTATS_RX_FOREIGN: return offsetof(struct jmtcp_dpdk_qstats, rx_foreign);
    case L_QSTATS_RX_SEGMENTED: return offsetof(struct jmtcp_dpdk_qstats, rx_segmented);
    case L_QSTATS_RX_BAD_CKSUM: return offsetof(struct jmtcp_dpdk_qstats, rx_bad_cksum);
    case L_QSTATS_TX_DROPPED_FULL: return offsetof(struct jmtcp_dpdk_qstats, tx_dropped_full);
    case L_QSTATS_TX_ALLOC_FAILED: return offsetof(struct jmtcp_dpdk_qstats, tx_alloc_failed);
    case L_QSTATS_TX_SENT: return offsetof(struct jmtcp_dpdk_qstats, tx_sent);
    case L_INFO_SIZE: return sizeof(struct jmtcp_dpdk_port_info);
    case L_INFO_MAC: return offsetof(struct jmtcp_dpdk_port_info, mac);
    case L_INFO_MTU: return offsetof(struct jmtcp_dpdk_port_info, mtu);
    case L_INFO_QUEUES: return offsetof(struct jmtcp_dpdk_port_info, queues);
    case L_INFO_RSS: return offsetof(struct jmtcp_dpdk_port_info, rss);
    case L_INFO_RX_CKSUM: return offsetof(struct jmtcp_dpdk_port_info, rx_cksum);
    case L_INFO_TX_CKSUM: return offsetof(struct jmtcp_dpdk_port_info, tx_cksum);
    case L_INFO_FRAME_CAPACITY: return offsetof(struct jmtcp_dpdk_port_info, frame_capacity);
    case L_INFO_RX_INTR: return offsetof(struct jmtcp_dpdk_port_info, rx_intr);
    default: return -EINVAL;
    }
}

/* ---- regions: mempool memory that Java wraps as direct ByteBuffers ---- */

struct region {
    uintptr_t base;
    size_t len;
};

static struct region regions[MAX_REGIONS];
/* Published with release so that a reader on another thread sees the entries it counts. */
static _Atomic int region_count;
static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

static void add_chunk(struct rte_mempool *mp, void *opaque, struct rte_mempool_memhdr *memhdr,
                      unsigned mem_idx)
{
    (void) mp;
    (void) mem_idx;
    int *rc = opaque;
    int n = atomic_load_explicit(&region_count, memory_order_relaxed);
    if (n == MAX_REGIONS || memhdr->len > (size_t) INT32_MAX) {
        *rc = -ENOSPC; /* a ByteBuffer holds at most 2 GiB; an index beyond the table cannot be found */
        return;
    }
    regions[n].base = (uintptr_t) memhdr->addr;
    regions[n].len = memhdr->len;
    atomic_store_explicit(&region_count, n + 1, memory_order_release);
}

/* Finds the region of addr, trying the caller's last hit first (a queue's frames share one). */
static inline int find_region(uintptr_t addr, int *hint)
{
    int h = *hint;
    if (likely(addr - regions[h].base < regions[h].len)) {
        return h;
    }
    int n = atomic_load_explicit(&region_count, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        if (addr - regions[i].base < regions[i].len) {
            *hint = i;
            return i;
        }
    }
    return -1;
}

/* ---- EAL ---- */

static atomic_int eal_state; /* 0 never tried, 1 running, 2 failed, 3 cleaned up */

/* Builds "0@(a-b,c)" from the caller's CPU affinity: one lcore that may run on every CPU we may. */
static int lcores_arg(char *out, size_t cap)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return -errno;
    }
    size_t pos = (size_t) snprintf(out, cap, "0@(");
    int first = 1;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set)) {
            continue;
        }
        int end = c;
        while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set)) {
            end++;
        }
        pos += (size_t) snprintf(out + pos, pos < cap ? cap - pos : 0, first ? "%d" : ",%d", c);
        if (end > c) {
            pos += (size_t) snprintf(out + pos, pos < cap ? cap - pos : 0, "-%d", end);
        }
        first = 0;
        c = end;
    }
    pos += (size_t) snprintf(out + pos, pos < cap ? cap - pos : 0, ")");
    return pos < cap ? 0 : -ENAMETOOLONG;
}

static int has_core_option(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-l") == 0 || strncmp(a, "-l", 2) == 0 || strcmp(a, "-c") == 0
            || strncmp(a, "--lcores", 8) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- JNI helpers ---- */

static void throw_io(JNIEnv *env, const char *msg)
{
    jclass c = (*env)->FindClass(env, "java/io/IOException");
    if (c != NULL) {
        (*env)->ThrowNew(env, c, msg);
    }
}

static jint JNICALL layout0(JNIEnv *env, jclass cls, jint key)
{
    (void) env;
    (void) cls;
    return layout(key);
}

/*
 * Initialises EAL with args (argv[0] included by Java). Adds --lcores covering the caller's CPUs
 * unless the args choose cores. Returns 0, or throws IOException carrying what DPDK logged.
 */
static jint JNICALL eal_init0(JNIEnv *env, jclass cls, jobjectArray jargs)
{
    (void) cls;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&eal_state, &expected, 1)) {
        throw_io(env, expected == 2
            ? "EAL initialisation already failed in this process; DPDK cannot be initialised twice (restart the JVM)"
            : "EAL is already initialised in this process; DPDK allows one initialisation per process");
        return -EALREADY;
    }
    int n = (*env)->GetArrayLength(env, jargs);
    char **argv = calloc((size_t) n + 3, sizeof(char *));
    char lcores[512];
    int argc = 0;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        jstring s = (*env)->GetObjectArrayElement(env, jargs, i);
        const char *c = (*env)->GetStringUTFChars(env, s, NULL);
        argv[argc++] = strdup(c);
        (*env)->ReleaseStringUTFChars(env, s, c);
        (*env)->DeleteLocalRef(env, s);
    }
    if (!has_core_option(argc, argv)) {
        if ((rc = lcores_arg(lcores, sizeof(lcores))) < 0) {
            atomic_store(&eal_state, 2);
            throw_io(env, "cannot read the CPU affinity to build --lcores");
            return rc;
        }
        argv[argc++] = strdup("--lcores");
        argv[argc++] = strdup(lcores);
    }
    /* Capture DPDK's log during init so a failure can carry its own words to Java. */
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *log = open_memstream(&logbuf, &loglen);
    if (log != NULL) {
        rte_openlog_stream(log);
    }
    /*
     * getopt reports a bad option on stderr and EAL prints its usage on stdout, outside its log:
     * catch both for the length of rte_eal_init (a brief window; other threads' output in it is
     * replayed to stderr) so that the error names the bad option without 70 lines of usage.
     */
    fflush(stdout);
    fflush(stderr);
    int cap_fd = memfd_create("jmtcp-eal-output", MFD_CLOEXEC);
    int saved_out = cap_fd >= 0 ? dup(1) : -1;
    int saved_err = cap_fd >= 0 ? dup(2) : -1;
    if (saved_out >= 0 && saved_err >= 0) {
        dup2(cap_fd, 1);
        dup2(cap_fd, 2);
    }
    /* EAL permutes and keeps argv; give it a copy and keep ours for the message. */
    char **argv_copy = calloc((size_t) argc + 1, sizeof(char *));
    memcpy(argv_copy, argv, (size_t) argc * sizeof(char *));
    optind = 1; /* getopt state is process-wide; someone may have used it before */
    int r = rte_eal_init(argc, argv_copy);
    int err = rte_errno;
    if (log != NULL) {
        fflush(log);
        rte_openlog_stream(stderr);
        fclose(log);
    }
    char captured[1024];
    size_t captured_len = 0;
    captured[0] = 0;
    if (saved_out >= 0 && saved_err >= 0) {
        fflush(stdout);
        fflush(stderr);
        dup2(saved_out, 1);
        dup2(saved_err, 2);
        off_t size = lseek(cap_fd, 0, SEEK_CUR);
        char *all = size > 0 ? malloc((size_t) size + 1) : NULL;
        if (all != NULL && pread(cap_fd, all, (size_t) size, 0) == size) {
            all[size] = 0;
            if (r < 0) {
                /* keep what precedes EAL's usage text: getopt's complaint */
                char *usage = strstr(all, "Usage:");
                size_t keep = usage != NULL ? (size_t) (usage - all) : (size_t) size;
                captured_len = keep < sizeof(captured) - 1 ? keep : sizeof(captured) - 1;
                memcpy(captured, all, captured_len);
                captured[captured_len] = 0;
            } else if (write(2, all, (size_t) size) < 0) {
                /* stderr is gone: nothing to replay to */
            }
        }
        free(all);
    }
    if (saved_out >= 0) {
        close(saved_out);
    }
    if (saved_err >= 0) {
        close(saved_err);
    }
    if (cap_fd >= 0) {
        close(cap_fd);
    }
    if (r < 0) {
        atomic_store(&eal_state, 2);
        size_t cap = 2048 + loglen + captured_len;
        char *msg = malloc(cap);
        size_t pos = (size_t) snprintf(msg, cap, "rte_eal_init failed: %s (%s); args:", rte_strerror(err),
                                       strerrorname_np(err) != NULL ? strerrorname_np(err) : "?");
        for (int i = 1; i < argc && pos < cap; i++) {
            pos += (size_t) snprintf(msg + pos, cap - pos, " %s", argv[i]);
        }
        if ((loglen > 0 || captured_len > 0) && pos < cap) {
            snprintf(msg + pos, cap - pos, "; DPDK said: %s%s", captured, loglen > 0 ? logbuf : "");
        }
        throw_io(env, msg);
        free(msg);
        rc = -(err > 0 ? err : EINVAL);
    } else if (loglen > 0) {
        /* harmless warnings of a successful start stay visible, as DPDK would print them */
        fwrite(logbuf, 1, loglen, stderr);
    }
    free(logbuf);
    /* argv strings stay allocated: EAL may keep pointers to them (e.g. vdev args) */
    free(argv_copy);
    return rc;
}

static jint JNICALL eal_cleanup0(JNIEnv *env, jclass cls)
{
    (void) env;
    (void) cls;
    int expected = 1;
    if (!atomic_compare_exchange_strong(&eal_state, &expected, 3)) {
        return 0;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
    int rc = rte_eal_cleanup();
    /*
     * EAL makes its runtime directory (/var/run/dpdk/<prefix>) even with --no-shconf and leaves it.
     * rmdir removes it, and then its parent, only when empty: another DPDK process's files stay.
     */
    if (dir[0] != 0 && rmdir(dir) == 0) {
        char *slash = strrchr(dir, '/');
        if (slash != NULL && slash != dir) {
            *slash = 0;
            rmdir(dir);
        }
    }
    return rc;
}

/* Lists "id name (driver) mac" of every port, one per line, for "no such port" messages. */
static jstring JNICALL port_list0(JNIEnv *env, jclass cls)
{
    (void) cls;
    char buf[4096];
    size_t pos = 0;
    uint16_t p;
    buf[0] = 0;
    RTE_ETH_FOREACH_DEV(p) {
        char name[RTE_ETH_NAME_MAX_LEN];
        struct rte_eth_dev_info info;
        if (rte_eth_dev_get_name_by_port(p, name) != 0 || rte_eth_dev_info_get(p, &info) != 0) {
            continue;
        }
        if (pos < sizeof(buf)) {
            pos += (size_t) snprintf(buf + pos, sizeof(buf) - pos, "%s%u %s (%s)", pos ? ", " : "", p, name,
                                     info.driver_name);
        }
    }
    return (*env)->NewStringUTF(env, pos ? buf : "none");
}

static jint JNICALL port_by_name0(JNIEnv *env, jclass cls, jstring jname)
{
    (void) cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    uint16_t port;
    int rc = rte_eth_dev_get_port_by_name(name, &port);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    return rc < 0 ? -ENODEV : port;
}

static jint JNICALL port_valid0(JNIEnv *env, jclass cls, jint port)
{
    (void) env;
    (void) cls;
    return port >= 0 && port < RTE_MAX_ETHPORTS && rte_eth_dev_is_valid_port((uint16_t) port) ? 1 : 0;
}

/* Hot-plugs a virtual device (e.g. "net_tap0,iface=dtap0") and returns its port id. */
static jint JNICALL probe0(JNIEnv *env, jclass cls, jstring jdevargs, jstring jname)
{
    (void) cls;
    const char *devargs = (*env)->GetStringUTFChars(env, jdevargs, NULL);
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    uint16_t port;
    int rc = rte_eth_dev_get_port_by_name(name, &port);
    if (rc != 0) {
        rc = rte_dev_probe(devargs);
        if (rc == 0) {
            rc = rte_eth_dev_get_port_by_name(name, &port) == 0 ? port : -ENODEV;
        }
    } else {
        rc = port;
    }
    (*env)->ReleaseStringUTFChars(env, jname, name);
    (*env)->ReleaseStringUTFChars(env, jdevargs, devargs);
    return rc;
}

/*
 * Makes two net_ring ports joined back to back ("<name>a" and "<name>b"), queues queue pairs each:
 * what port a transmits on queue q, port b receives on queue q, and the other way round.
 * Writes both port ids to ports[0..1].
 */
static jint JNICALL ring_pair0(JNIEnv *env, jclass cls, jstring jname, jint queues, jint size, jintArray jports)
{
    (void) cls;
    if (queues < 1 || queues > MAX_QUEUES) {
        return -EINVAL;
    }
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    struct rte_ring *ab[MAX_QUEUES], *ba[MAX_QUEUES];
    char rn[RTE_RING_NAMESIZE];
    int rc = 0;
    for (int q = 0; q < queues && rc == 0; q++) {
        snprintf(rn, sizeof(rn), "%s_ab%d", name, q);
        /* single producer and consumer: one engine owns each end of each queue */
        ab[q] = rte_ring_create(rn, (unsigned) size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
        snprintf(rn, sizeof(rn), "%s_ba%d", name, q);
        ba[q] = rte_ring_create(rn, (unsigned) size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (ab[q] == NULL || ba[q] == NULL) {
            rc = -rte_errno;
        }
    }
    jint ports[2] = { -1, -1 };
    if (rc == 0) {
        char pn[RTE_ETH_NAME_MAX_LEN];
        snprintf(pn, sizeof(pn), "%sa", name);
        ports[0] = rte_eth_from_rings(pn, ba, (unsigned) queues, ab, (unsigned) queues, SOCKET_ID_ANY);
        snprintf(pn, sizeof(pn), "%sb", name);
        ports[1] = rte_eth_from_rings(pn, ab, (unsigned) queues, ba, (unsigned) queues, SOCKET_ID_ANY);
        if (ports[0] < 0 || ports[1] < 0) {
            rc = -rte_errno;
        }
    }
    (*env)->ReleaseStringUTFChars(env, jname, name);
    if (rc == 0) {
        (*env)->SetIntArrayRegion(env, jports, 0, 2, ports);
    }
    return rc;
}

/* ---- ports ---- */

/* The 40-byte symmetric Toeplitz key (0x6d5a repeated): hash(a->b) == hash(b->a), as the engine's. */
static uint8_t symmetric_key[40];

static struct rte_mempool *pools[RTE_MAX_ETHPORTS][MAX_QUEUES];
/* Receive interrupt fd per queue, or -1 where the PMD has none (then idle engines nap). */
static int intr_fds[RTE_MAX_ETHPORTS][MAX_QUEUES];
/* net_tap's interrupt fd is the TAP fd itself: readable while frames wait, never to be read here */
static uint8_t intr_level[RTE_MAX_ETHPORTS];
/* whether the PMD wants rte_eth_dev_rx_intr_enable/disable around a wait */
static uint8_t intr_arm[RTE_MAX_ETHPORTS];

/*
 * Configures and starts a port: queues rx/tx queue pairs of rxd/txd descriptors, one mempool of
 * mbufs per queue (whose memory becomes regions), RSS with the symmetric key where the PMD hashes
 * TCP/IPv4, RX checksum offload where offered, promiscuous mode, the MTU. Fills info.
 */
static jint JNICALL port_open0(JNIEnv *env, jclass cls, jint port, jint queues, jint rxd, jint txd, jint mbufs,
                               jint mtu, jlong info_addr)
{
    (void) env;
    (void) cls;
    struct jmtcp_dpdk_port_info *info = (void *) (intptr_t) info_addr;
    if (!rte_eth_dev_is_valid_port((uint16_t) port)) {
        return -ENODEV;
    }
    if (queues < 1 || queues > MAX_QUEUES) {
        return -EINVAL;
    }
    uint16_t p = (uint16_t) port;
    struct rte_eth_dev_info di;
    int rc = rte_eth_dev_info_get(p, &di);
    if (rc != 0) {
        return rc;
    }
    if (queues > di.max_rx_queues || queues > di.max_tx_queues) {
        return -E2BIG;
    }
    pthread_mutex_lock(&setup_lock);
    for (int i = 0; i < 40; i += 2) {
        symmetric_key[i] = 0x6d;
        symmetric_key[i + 1] = 0x5a;
    }
    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof(conf));
    uint64_t want_rss = RTE_ETH_RSS_NONFRAG_IPV4_TCP;
    int rss = queues > 1 && (di.flow_type_rss_offloads & want_rss) == want_rss;
    if (rss) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = want_rss | (di.flow_type_rss_offloads & RTE_ETH_RSS_IPV4);
        if (di.hash_key_size == 40) {
            conf.rx_adv_conf.rss_conf.rss_key = symmetric_key;
            conf.rx_adv_conf.rss_conf.rss_key_len = 40;
        }
        if (di.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH) {
            conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
        }
    }
    uint64_t rx_ck = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
    int rx_cksum = (di.rx_offload_capa & rx_ck) == rx_ck;
    if (rx_cksum) {
        conf.rxmode.offloads |= rx_ck;
    }
    uint64_t tx_ck = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
    /* Frames leave as single mbufs: the PMD may skip its multi-segment path. */
    if (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) {
        conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
    }
    uint32_t frame_cap = (uint32_t) mtu + RTE_ETHER_HDR_LEN + 4;
    frame_cap = (frame_cap + 63) & ~63u;
    if (frame_cap < RTE_MBUF_DEFAULT_DATAROOM) {
        frame_cap = RTE_MBUF_DEFAULT_DATAROOM;
    }
    /* receive interrupts where the PMD has them (net_tap, most NICs): idle engines then sleep */
    conf.intr_conf.rxq = 1;
    rc = rte_eth_dev_configure(p, (uint16_t) queues, (uint16_t) queues, &conf);
    if (rc != 0) {
        conf.intr_conf.rxq = 0;
        rc = rte_eth_dev_configure(p, (uint16_t) queues, (uint16_t) queues, &conf);
    }
    if (rc != 0) {
        goto out;
    }
    uint16_t nrx = (uint16_t) rxd, ntx = (uint16_t) txd;
    if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(p, &nrx, &ntx)) != 0) {
        goto out;
    }
    for (int q = 0; q < queues; q++) {
        if (pools[p][q] == NULL) {
            char name[RTE_MEMPOOL_NAMESIZE];
            snprintf(name, sizeof(name), "jmtcp_p%u_q%d", p, q);
            /* cache 256: per-lcore cache of a registered engine thread, so bulk alloc/free rarely touch the ring */
            struct rte_mempool *mp = rte_pktmbuf_pool_create(name, (unsigned) mbufs, 256, 0,
                                                             (uint16_t) (frame_cap + RTE_PKTMBUF_HEADROOM),
                                                             (int) rte_eth_dev_socket_id(p));
            if (mp == NULL) {
                rc = -rte_errno;
                goto out;
            }
            int crc = 0;
            rte_mempool_mem_iter(mp, add_chunk, &crc);
            if (crc != 0) {
                rte_mempool_free(mp);
                rc = crc;
                goto out;
            }
            pools[p][q] = mp;
        }
        if ((rc = rte_eth_rx_queue_setup(p, (uint16_t) q, nrx, (unsigned) rte_eth_dev_socket_id(p), NULL,
                                          pools[p][q])) != 0) {
            goto out;
        }
        if ((rc = rte_eth_tx_queue_setup(p, (uint16_t) q, ntx, (unsigned) rte_eth_dev_socket_id(p), NULL)) != 0) {
            goto out;
        }
    }
    /* MTU before start; PMDs without the op (net_ring) carry any frame that fits an mbuf */
    rc = rte_eth_dev_set_mtu(p, (uint16_t) mtu);
    if (rc != 0 && rc != -ENOTSUP) {
        goto out;
    }
    if ((rc = rte_eth_dev_start(p)) != 0 && conf.intr_conf.rxq) {
        /* some PMDs accept the interrupt request at configure time and refuse it at start */
        conf.intr_conf.rxq = 0;
        if (rte_eth_dev_configure(p, (uint16_t) queues, (uint16_t) queues, &conf) == 0) {
            rc = rte_eth_dev_start(p);
        }
    }
    if (rc != 0) {
        goto out;
    }
    int rx_intr = conf.intr_conf.rxq;
    intr_level[p] = strcmp(di.driver_name, "net_tap") == 0;
    for (int q = 0; q < queues; q++) {
        int fd = rx_intr ? rte_eth_dev_rx_intr_ctl_q_get_fd(p, (uint16_t) q) : -1;
        int en = fd >= 0 ? rte_eth_dev_rx_intr_enable(p, (uint16_t) q) : -ENODEV;
        if (fd < 0 || (en != 0 && en != -ENOTSUP)) {
            rx_intr = 0;
        } else if (en == 0) {
            rte_eth_dev_rx_intr_disable(p, (uint16_t) q);
        }
        /* -ENOTSUP with an fd (net_tap): the fd is the queue's own, always armed */
        intr_arm[p] = en == 0;
        intr_fds[p][q] = fd;
    }
    rc = rte_eth_promiscuous_enable(p);
    if (rc != 0 && rc != -ENOTSUP) {
        rte_eth_dev_stop(p);
        goto out;
    }
    rc = 0;
    struct rte_ether_addr mac;
    rte_eth_macaddr_get(p, &mac);
    uint64_t m = 0;
    for (int i = 0; i < 6; i++) {
        m = (m << 8) | mac.addr_bytes[i];
    }
    info->mac = m;
    info->mtu = (uint32_t) mtu;
    info->queues = (uint32_t) queues;
    info->rss = (uint32_t) rss;
    info->rx_cksum = (uint32_t) rx_cksum;
    info->tx_cksum = (di.tx_offload_capa & tx_ck) == tx_ck;
    info->frame_capacity = frame_cap;
    info->rx_intr = (uint32_t) rx_intr;
out:
    pthread_mutex_unlock(&setup_lock);
    return rc;
}

/* Stops and closes a port and frees its mempools (their regions stay in the table, unused). */
static jint JNICALL port_close0(JNIEnv *env, jclass cls, jint port, jint queues)
{
    (void) env;
    (void) cls;
    uint16_t p = (uint16_t) port;
    if (!rte_eth_dev_is_valid_port(p)) {
        return -ENODEV;
    }
    pthread_mutex_lock(&setup_lock);
    int rc = rte_eth_dev_stop(p);
    int rc2 = rte_eth_dev_close(p);
    (void) queues;
    /*
     * Mempools stay: mbufs of this port may still sit in a peer port's rings (net_ring) or a
     * frame Java holds, and region indices must keep meaning the same memory. EAL cleanup at
     * exit releases all of it.
     */
    pthread_mutex_unlock(&setup_lock);
    return rc != 0 ? rc : rc2;
}

static jobject JNICALL region0(JNIEnv *env, jclass cls, jint i)
{
    (void) cls;
    if (i < 0 || i >= atomic_load_explicit(&region_count, memory_order_acquire)) {
        return NULL;
    }
    return (*env)->NewDirectByteBuffer(env, (void *) regions[i].base, (jlong) regions[i].len);
}

static jint JNICALL region_count0(JNIEnv *env, jclass cls)
{
    (void) env;
    (void) cls;
    return atomic_load_explicit(&region_count, memory_order_acquire);
}

/* Registers the calling thread with EAL once, so per-lcore mempool caches serve it. */
static inline void ensure_registered(void)
{
    if (unlikely(rte_lcore_id() == LCORE_ID_ANY)) {
        /* may fail when lcores run out: the thread still works, without a mempool cache */
        rte_thread_register();
    }
}

static inline void describe(struct jmtcp_dpdk_frame *f, struct rte_mbuf *m, int region)
{
    uintptr_t data = (uintptr_t) rte_pktmbuf_mtod(m, uint8_t *);
    f->mbuf = (uint64_t) (uintptr_t) m;
    f->region = (uint32_t) region;
    f->offset = (uint32_t) (data - regions[region].base);
    f->capacity = (uint32_t) (m->buf_len - m->data_off);
}

/*
 * One receive burst on (port, queue): first frees the nfree mbufs whose handles Java left at
 * free_addr (frames of the previous burst it has finished with: their release costs no crossing
 * of its own), then receives up to n frames into frames[]. Returns the number received.
 */
static jint JNICALL rx_burst0(JNIEnv *env, jclass cls, jint port, jint queue, jlong frames_addr, jint n,
                              jlong free_addr, jint nfree, jlong stats_addr)
{
    (void) env;
    (void) cls;
    ensure_registered();
    if (nfree > 0) {
        rte_pktmbuf_free_bulk((struct rte_mbuf **) (intptr_t) free_addr, (unsigned) nfree);
    }
    struct jmtcp_dpdk_frame *f = (void *) (intptr_t) frames_addr;
    struct jmtcp_dpdk_qstats *st = (void *) (intptr_t) stats_addr;
    struct rte_mbuf *pkts[MAX_BURST];
    if (n > MAX_BURST) {
        n = MAX_BURST;
    }
    uint16_t got = rte_eth_rx_burst((uint16_t) port, (uint16_t) queue, pkts, (uint16_t) n);
    int k = 0;
    int hint = 0;
    for (uint16_t i = 0; i < got; i++) {
        struct rte_mbuf *m = pkts[i];
        if (i + 1 < got) {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
        }
        if (unlikely(m->nb_segs != 1)) {
            st->rx_segmented++;
            rte_pktmbuf_free(m);
            continue;
        }
        uint64_t ol = m->ol_flags;
        /* the NIC verified and found a checksum wrong: drop here, as the engine would (RFC 1122 3.2.1.2, 4.2.2.7) */
        if (unlikely((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD
                     || (ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_BAD)) {
            st->rx_bad_cksum++;
            rte_pktmbuf_free(m);
            continue;
        }
        int r = find_region((uintptr_t) rte_pktmbuf_mtod(m, uint8_t *), &hint);
        if (unlikely(r < 0)) {
            st->rx_foreign++;
            rte_pktmbuf_free(m);
            continue;
        }
        describe(&f[k], m, r);
        f[k].length = m->data_len;
        uint32_t flags = 0;
        if (ol & RTE_MBUF_F_RX_RSS_HASH) {
            flags |= JMTCP_FRAME_RSS;
            f[k].hash = m->hash.rss;
        } else {
            f[k].hash = 0;
        }
        if ((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD
            && (ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD) {
            flags |= JMTCP_FRAME_CKSUM_GOOD;
        }
        f[k].flags = flags;
        k++;
    }
    return k;
}

/* Allocates up to n mbufs of the queue's pool in bulk and describes them in frames[]. */
static int alloc_frames(int port, int queue, struct jmtcp_dpdk_frame *f, int n, struct jmtcp_dpdk_qstats *st)
{
    struct rte_mempool *mp = pools[port][queue];
    struct rte_mbuf *pkts[MAX_BURST];
    if (n > MAX_BURST) {
        n = MAX_BURST;
    }
    if (n <= 0) {
        return 0;
    }
    if (rte_pktmbuf_alloc_bulk(mp, pkts, (unsigned) n) != 0) {
        st->tx_alloc_failed++;
        return 0;
    }
    int hint = 0;
    for (int i = 0; i < n; i++) {
        int r = find_region((uintptr_t) rte_pktmbuf_mtod(pkts[i], uint8_t *), &hint);
        describe(&f[i], pkts[i], r);
        f[i].length = 0;
    }
    return n;
}

/*
 * One transmit burst: sends the n frames described at frames_addr (Java wrote them in place and
 * set their lengths), frees what the PMD did not take (counted), then refills Java's stock of
 * empty transmit mbufs at stock_addr with up to nstock fresh ones. Returns the number of stock
 * frames allocated; the number sent is left in stats->tx_sent. One crossing for both.
 */
static jint JNICALL tx_burst0(JNIEnv *env, jclass cls, jint port, jint queue, jlong frames_addr, jint n,
                              jlong stock_addr, jint nstock, jlong stats_addr)
{
    (void) env;
    (void) cls;
    ensure_registered();
    struct jmtcp_dpdk_frame *f = (void *) (intptr_t) frames_addr;
    struct jmtcp_dpdk_qstats *st = (void *) (intptr_t) stats_addr;
    struct rte_mbuf *pkts[MAX_BURST];
    if (n > MAX_BURST) {
        n = MAX_BURST;
    }
    for (int i = 0; i < n; i++) {
        struct rte_mbuf *m = (struct rte_mbuf *) (uintptr_t) f[i].mbuf;
        m->data_len = (uint16_t) f[i].length;
        m->pkt_len = f[i].length;
        pkts[i] = m;
    }
    uint16_t sent = n > 0 ? rte_eth_tx_burst((uint16_t) port, (uint16_t) queue, pkts, (uint16_t) n) : 0;
    if (unlikely(sent < n)) {
        st->tx_dropped_full += (uint64_t) (n - sent);
        rte_pktmbuf_free_bulk(pkts + sent, (unsigned) (n - sent));
    }
    st->tx_sent = sent;
    return alloc_frames(port, queue, (struct jmtcp_dpdk_frame *) (intptr_t) stock_addr, nstock, st);
}

/* Frees n mbufs whose handles are at handles_addr (used at close for frames still held). */
static jint JNICALL free_bulk0(JNIEnv *env, jclass cls, jlong handles_addr, jint n)
{
    (void) env;
    (void) cls;
    if (n > 0) {
        rte_pktmbuf_free_bulk((struct rte_mbuf **) (intptr_t) handles_addr, (unsigned) n);
    }
    return 0;
}

/*
 * Sleeps until the queue's receive interrupt fires, the wakeup eventfd is written, or the timeout
 * passes. The interrupt is armed before the wait and disarmed after, so a busy engine pays
 * nothing for it (DPDK's l3fwd-power pattern). Returns 1 for rx, 2 for a wakeup (or both), 0 for
 * a timeout, or -errno.
 */
static jint JNICALL await_rx0(JNIEnv *env, jclass cls, jint port, jint queue, jint efd, jlong timeout_ns)
{
    (void) env;
    (void) cls;
    int fd = intr_fds[port][queue];
    if (fd < 0) {
        return -ENOTSUP;
    }
    int arm = intr_arm[port];
    if (arm && rte_eth_dev_rx_intr_enable((uint16_t) port, (uint16_t) queue) != 0) {
        return -EIO;
    }
    /* a frame that arrived since the engine's last poll would not raise the interrupt on some NICs */
    if (arm && rte_eth_rx_queue_count((uint16_t) port, (uint16_t) queue) > 0) {
        rte_eth_dev_rx_intr_disable((uint16_t) port, (uint16_t) queue);
        return 1;
    }
    struct pollfd pf[2] = { { .fd = fd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
    if (timeout_ns < 0) {
        timeout_ns = 0;
    }
    struct timespec ts = { .tv_sec = (time_t) (timeout_ns / 1000000000LL), .tv_nsec = (long) (timeout_ns % 1000000000LL) };
    int r = ppoll(pf, 2, &ts, NULL);
    int result = 0;
    if (r > 0) {
        if (pf[0].revents & (POLLIN | POLLERR | POLLHUP)) {
            result |= 1;
            /* NIC interrupt fds (vfio eventfd) count: reset them; net_tap's is the TAP itself, level-triggered */
            if (!intr_level[port]) {
                uint64_t c;
                if (read(fd, &c, sizeof(c)) < 0) {
                    /* EAGAIN: already drained */
                }
            }
        }
        if (pf[1].revents & POLLIN) {
            uint64_t c;
            if (read(efd, &c, sizeof(c)) < 0) {
                /* someone else drained it */
            }
            result |= 2;
        }
    } else if (r < 0 && errno != EINTR) {
        result = -errno;
    }
    if (arm) {
        rte_eth_dev_rx_intr_disable((uint16_t) port, (uint16_t) queue);
    }
    return result;
}

static jint JNICALL link_up0(JNIEnv *env, jclass cls, jint port)
{
    (void) env;
    (void) cls;
    struct rte_eth_link link;
    int rc = rte_eth_link_get_nowait((uint16_t) port, &link);
    return rc < 0 ? rc : link.link_status == RTE_ETH_LINK_UP;
}

/* Basic port stats into out[0..5]: ipackets, opackets, ibytes, obytes, imissed+ierrors, oerrors, rx_nombuf. */
static jint JNICALL stats0(JNIEnv *env, jclass cls, jint port, jlongArray jout)
{
    (void) cls;
    struct rte_eth_stats s;
    int rc = rte_eth_stats_get((uint16_t) port, &s);
    if (rc != 0) {
        return rc;
    }
    jlong v[7] = { (jlong) s.ipackets, (jlong) s.opackets, (jlong) s.ibytes, (jlong) s.obytes,
                   (jlong) (s.imissed + s.ierrors), (jlong) s.oerrors, (jlong) s.rx_nombuf };
    (*env)->SetLongArrayRegion(env, jout, 0, 7, v);
    return 0;
}

/* Extended stats as "name=value" lines (cold path: JMX, tests). */
static jstring JNICALL xstats0(JNIEnv *env, jclass cls, jint port)
{
    (void) cls;
    uint16_t p = (uint16_t) port;
    int n = rte_eth_xstats_get(p, NULL, 0);
    if (n < 0) {
        return NULL;
    }
    struct rte_eth_xstat *xs = calloc((size_t) n + 1, sizeof(*xs));
    struct rte_eth_xstat_name *names = calloc((size_t) n + 1, sizeof(*names));
    int got = rte_eth_xstats_get(p, xs, (unsigned) n);
    int gotn = rte_eth_xstats_get_names(p, names, (unsigned) n);
    size_t cap = (size_t) n * (RTE_ETH_XSTATS_NAME_SIZE + 24) + 1;
    char *buf = malloc(cap);
    size_t pos = 0;
    buf[0] = 0;
    for (int i = 0; i < got && i < gotn; i++) {
        pos += (size_t) snprintf(buf + pos, cap - pos, "%s=%llu\n", names[xs[i].id].name,
                                 (unsigned long long) xs[i].value);
    }
    jstring r = (*env)->NewStringUTF(env, buf);
    free(buf);
    free(names);
    free(xs);
    return r;
}

static jint JNICALL lcores_arg0(JNIEnv *env, jclass cls, jbyteArray out)
{
    (void) cls;
    char buf[512];
    int rc = lcores_arg(buf, sizeof(buf));
    if (rc < 0) {
        return rc;
    }
    jsize len = (jsize) strlen(buf);
    if (len > (*env)->GetArrayLength(env, out)) {
        return -ENAMETOOLONG;
    }
    (*env)->SetByteArrayRegion(env, out, 0, len, (const jbyte *) buf);
    return len;
}

static jint JNICALL lcore_id0(JNIEnv *env, jclass cls)
{
    (void) env;
    (void) cls;
    unsigned id = rte_lcore_id();
    return id == LCORE_ID_ANY ? -1 : (jint) id;
}

static jlong JNICALL address0(JNIEnv *env, jclass cls, jobject buffer)
{
    (void) cls;
    void *a = (*env)->GetDirectBufferAddress(env, buffer);
    return a == NULL ? -EINVAL : (jlong) (intptr_t) a;
}

static const JNINativeMethod METHODS[] = {
    { "layout0", "(I)I", (void *) layout0 },
    { "ealInit0", "([Ljava/lang/String;)I", (void *) eal_init0 },
    { "ealCleanup0", "()I", (void *) eal_cleanup0 },
    { "portList0", "()Ljava/lang/String;", (void *) port_list0 },
    { "portByName0", "(Ljava/lang/String;)I", (void *) port_by_name0 },
    { "portValid0", "(I)I", (void *) port_valid0 },
    { "probe0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *) probe0 },
    { "ringPair0", "(Ljava/lang/String;II[I)I", (void *) ring_pair0 },
    { "portOpen0", "(IIIIIIJ)I", (void *) port_open0 },
    { "portClose0", "(II)I", (void *) port_close0 },
    { "region0", "(I)Ljava/nio/ByteBuffer;", (void *) region0 },
    { "regionCount0", "()I", (void *) region_count0 },
    { "rxBurst0", "(IIJIJIJ)I", (void *) rx_burst0 },
    { "txBurst0", "(IIJIJIJ)I", (void *) tx_burst0 },
    { "freeBulk0", "(JI)I", (void *) free_bulk0 },
    { "linkUp0", "(I)I", (void *) link_up0 },
    { "awaitRx0", "(IIIJ)I", (void *) await_rx0 },
    { "stats0", "(I[J)I", (void *) stats0 },
    { "xstats0", "(I)Ljava/lang/String;", (void *) xstats0 },
    { "lcoresArg0", "([B)I", (void *) lcores_arg0 },
    { "lcoreId0", "()I", (void *) lcore_id0 },
    { "address0", "(Ljava/nio/ByteBuffer;)J", (void *) address0 },
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass cls = (*env)->FindClass(env, CLASS_NAME);
    if (cls == NULL) {
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, cls, METHODS, (jint) (sizeof(METHODS) / sizeof(METHODS[0]))) != 0) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}
