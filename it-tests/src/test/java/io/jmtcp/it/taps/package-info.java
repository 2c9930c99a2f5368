/**
 * Framework apps on jmtcp reached by (and reaching) the Linux kernel: Netty served to kernel
 * {@code curl} and {@code wrk}, Jetty's h2c to {@code h2load}, and a java.nio client fetching from a
 * kernel HTTP server, each across a TAP whose kernel side lives in a fresh network namespace the
 * app's JVM runs in ({@code FrameworksOverTapTest}, root, tagged {@code interop}); and kernel-side
 * reachability of a server on jmtcp's in-stack loopback ({@code KernelSideReachabilityTest}, no
 * root). {@code ForkedJvm} forks the apps of {@code io.jmtcp.it.taps.apps} with the provider
 * property, {@code jmtcp.jar} and {@code -Djmtcp.*} configuration, optionally inside a namespace.
 *
 * <p>Threads: JUnit's test thread; one output-reader thread per forked JVM.
 */
package io.jmtcp.it.taps;
