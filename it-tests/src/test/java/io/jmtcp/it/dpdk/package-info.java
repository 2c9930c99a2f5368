/**
 * DPDK interop: {@code jmtcp.jar serve --device dpdk:net_tap0,...} run inside a test network
 * namespace ({@code ip netns exec}), because DPDK 22.11's {@code net_tap} manages its interface by
 * name in its own namespace and EAL initialises once per process: every scenario is its own JVM.
 * The Linux kernel in that namespace is the peer (ping, curl, wrk). Two jmtcp processes joined by
 * {@code net_memif} need no namespace. Tests run on the JUnit thread;
 * the JVMs they start are stopped by pid.
 */
package io.jmtcp.it.dpdk;
