/**
 * Native devices through libjmtcp, a small C library shipped inside this jar: the Linux TAP
 * device ({@link io.jmtcp.jni.TapDevice}, scheme {@code tap}) now, DPDK later (in its own
 * library, built only where DPDK is installed).
 *
 * <p>Contract: every native is named {@code *0}, takes addresses and lengths as {@code long}/
 * {@code int}, returns a negative errno on failure, and costs one JNI crossing per burst, never
 * per frame. Java wrappers turn errors into {@link java.io.IOException}s naming the errno (e.g.
 * {@code EPERM}) and what was attempted ({@link io.jmtcp.jni.Errno}). The layout of every
 * structure Java reads in native memory is reported by C at load time, never hard-coded twice.
 *
 * <p>Threading: as for any {@link io.jmtcp.engine.dev.NetDevice}, each device queue is owned by
 * one engine thread, the only caller of its burst methods; {@code wakeup} may come from any
 * thread; open and close happen on the thread that manages the device's life, with no engine
 * running on it. Loading the library ({@link io.jmtcp.jni.NativeLibrary}) is thread-safe and
 * happens once per class loader.
 */
package io.jmtcp.jni;
