/**
 * The kernel-vs-jmtcp comparison harness (issue 7, item 3). {@link io.jmtcp.examples.harness.Compare}
 * forks one {@link io.jmtcp.examples.harness.BenchApp} — a Netty server and load client, the same
 * code for every stack — per cell (JDK NIO, Netty epoll and io_uring on the kernel; jmtcp on its
 * in-stack loopback; JDK NIO and jmtcp across two JVMs), alternates measured rounds between the
 * cells, samples every forked process's CPU time and voluntary context switches from
 * {@code /proc}, checks that jmtcp cells ran on jmtcp (engine counters over JMX against the app's
 * own connection counts), and writes a table, a JSON document and an HTML chart.
 *
 * <p>Contract: only the jmtcp properties differ between cells; every other JVM flag and the class
 * path are the same. A cell that cannot run here says why ("not available: ...") instead of a
 * figure; a cell that ran but broke a rule (errors, fell back to the kernel) fails the run. No
 * figure is ever invented.
 *
 * <p>Threads: the harness runs on its caller's thread, plus one stdout reader per fork; the forked
 * app has one Netty event loop for its server and one for its client, and a main thread reading
 * commands.
 */
package io.jmtcp.examples.harness;
