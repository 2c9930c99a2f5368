/*
 * JNI bindings of libjmtcp for io.jmtcp.jni.Native. Registered in JNI_OnLoad so that a missing or
 * misspelt native fails when the library loads, not on first use deep inside an engine.
 *
 * Hot calls (bursts, wait, wake) take only primitives: addresses and lengths as jlong/jint, no
 * arrays or objects, so one crossing costs no pinning or copying.
 */
#define _GNU_SOURCE
#include "jmtcp.h"

#include <errno.h>
#include <jni.h>
#include <string.h>
#include <unistd.h>

#define CLASS_NAME "io/jmtcp/jni/Native"

static jstring JNICALL errno_name0(JNIEnv *env, jclass cls, jint err)
{
    (void) cls;
    const char *name = jmtcp_errno_name(err);
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}

static jstring JNICALL errno_description0(JNIEnv *env, jclass cls, jint err)
{
    (void) cls;
    char buf[256];
    /* GNU strerror_r may return a static string rather than filling buf. */
    const char *text = strerror_r(err < 0 ? -err : err, buf, sizeof(buf));
    return (*env)->NewStringUTF(env, text);
}

static jint JNICALL layout0(JNIEnv *env, jclass cls, jint key)
{
    (void) env;
    (void) cls;
    return jmtcp_layout(key);
}

static jlong JNICALL address0(JNIEnv *env, jclass cls, jobject buffer)
{
    (void) cls;
    void *a = (*env)->GetDirectBufferAddress(env, buffer);
    return a == NULL ? -EINVAL : (jlong) (intptr_t) a;
}

/* Runs f on a Java string's modified-UTF-8 bytes (interface names are ASCII). */
#define WITH_NAME(env, jname, cname, body)                                   \
    do {                                                                     \
        const char *cname = (*env)->GetStringUTFChars(env, jname, NULL);     \
        if (cname == NULL) {                                                 \
            return -ENOMEM;                                                  \
        }                                                                    \
        body;                                                                \
        (*env)->ReleaseStringUTFChars(env, jname, cname);                    \
    } while (0)

static jint JNICALL tap_open0(JNIEnv *env, jclass cls, jstring jname, jint queues, jintArray jfds)
{
    (void) cls;
    if (queues < 1 || queues > 256 || (*env)->GetArrayLength(env, jfds) < queues) {
        return -EINVAL;
    }
    int fds[256];
    int rc;
    WITH_NAME(env, jname, name, rc = jmtcp_tap_open(name, queues, fds));
    if (rc == 0) {
        (*env)->SetIntArrayRegion(env, jfds, 0, queues, (const jint *) fds);
    }
    return rc;
}

static jint JNICALL if_set_up0(JNIEnv *env, jclass cls, jstring jname)
{
    (void) cls;
    int rc;
    WITH_NAME(env, jname, name, rc = jmtcp_if_set_up(name));
    return rc;
}

static jint JNICALL if_set_mtu0(JNIEnv *env, jclass cls, jstring jname, jint mtu)
{
    (void) cls;
    int rc;
    WITH_NAME(env, jname, name, rc = jmtcp_if_set_mtu(name, mtu));
    return rc;
}

static jlong JNICALL if_mac0(JNIEnv *env, jclass cls, jstring jname)
{
    (void) cls;
    int64_t rc;
    WITH_NAME(env, jname, name, rc = jmtcp_if_mac(name));
    return rc;
}

static jint JNICALL eventfd0(JNIEnv *env, jclass cls)
{
    (void) env;
    (void) cls;
    return jmtcp_eventfd();
}

static jint JNICALL close0(JNIEnv *env, jclass cls, jint fd)
{
    (void) env;
    (void) cls;
    return close(fd) < 0 ? -errno : 0;
}

static jint JNICALL rx_burst0(JNIEnv *env, jclass cls, jint fd, jlong base, jint slot_size,
                              jlong desc, jlong stats, jint n)
{
    (void) env;
    (void) cls;
    return jmtcp_rx_burst(fd, (uint8_t *) (intptr_t) base, slot_size,
                          (struct jmtcp_frame_desc *) (intptr_t) desc, n,
                          (struct jmtcp_queue_stats *) (intptr_t) stats);
}

static jint JNICALL tx_burst0(JNIEnv *env, jclass cls, jint fd, jlong base, jlong desc, jlong stats,
                              jint n)
{
    (void) env;
    (void) cls;
    return jmtcp_tx_burst(fd, (const uint8_t *) (intptr_t) base,
                          (const struct jmtcp_frame_desc *) (intptr_t) desc, n,
                          (struct jmtcp_queue_stats *) (intptr_t) stats);
}

static jint JNICALL await_readable0(JNIEnv *env, jclass cls, jint fd, jint efd, jlong timeout_ns)
{
    (void) env;
    (void) cls;
    return jmtcp_await_readable(fd, efd, timeout_ns);
}

static jint JNICALL wake0(JNIEnv *env, jclass cls, jint efd)
{
    (void) env;
    (void) cls;
    return jmtcp_wake(efd);
}

static const JNINativeMethod METHODS[] = {
    { "errnoName0", "(I)Ljava/lang/String;", (void *) errno_name0 },
    { "errnoDescription0", "(I)Ljava/lang/String;", (void *) errno_description0 },
    { "layout0", "(I)I", (void *) layout0 },
    { "address0", "(Ljava/nio/ByteBuffer;)J", (void *) address0 },
    { "tapOpen0", "(Ljava/lang/String;I[I)I", (void *) tap_open0 },
    { "ifSetUp0", "(Ljava/lang/String;)I", (void *) if_set_up0 },
    { "ifSetMtu0", "(Ljava/lang/String;I)I", (void *) if_set_mtu0 },
    { "ifMac0", "(Ljava/lang/String;)J", (void *) if_mac0 },
    { "eventfd0", "()I", (void *) eventfd0 },
    { "close0", "(I)I", (void *) close0 },
    { "rxBurst0", "(IJIJJI)I", (void *) rx_burst0 },
    { "txBurst0", "(IJJJI)I", (void *) tx_burst0 },
    { "awaitReadable0", "(IIJ)I", (void *) await_readable0 },
    { "wake0", "(I)I", (void *) wake0 },
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
        return JNI_ERR; /* NoClassDefFoundError is pending and tells the caller */
    }
    if ((*env)->RegisterNatives(env, cls, METHODS, (jint) (sizeof(METHODS) / sizeof(METHODS[0]))) != 0) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}
