/**
 * Native devices through small C libraries shipped inside this jar: the Linux TAP device
 * ({@link io.jmtcp.jni.TapDevice}, scheme {@code tap}, libjmtcp) and any DPDK ethdev port
 * ({@link io.jmtcp.jni.DpdkDevice}, scheme {@code dpdk}, libjmtcp-dpdk, built only when
 * pkg-config finds libdpdk; without it, opening a {@code dpdk:} device fails with "install
 * libdpdk-dev and rebuild"). DPDK's EAL is process-wide: {@link io.jmtcp.jni.Dpdk} initialises it
 * once, off the JVM's threads, and cleans it up at exit.
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
