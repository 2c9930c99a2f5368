/**
 * The shared-memory wire ({@code shm:<path>[,slots=N][,frame=BYTES]...}): two processes, each
 * with its own jmtcp stack, joined by one memory-mapped file that holds a header and, per queue,
 * two single-producer single-consumer {@link io.jmtcp.engine.dev.FrameRing}s (A to B, B to A),
 * like DPDK's memif. No root, no native code, no JVM flag: the file is mapped with
 * {@code FileChannel.map} and every shared word is read and written through
 * {@code MethodHandles.byteBufferViewVarHandle} with acquire/release or volatile order.
 *
 * <p>Why here and not in {@code engine/dev}: on Java 17 a file can be mapped without native code
 * only through {@code FileChannel}, and the engine uses no JDK NIO channel type (DESIGN.md §2).
 * The device plugs into the engine through its public device SPI ({@code NetDeviceProvider},
 * registered in this module's {@code META-INF/services}), so any stack in a JVM that has the
 * provider module on its class path, including {@code jmtcp.jar serve}, opens {@code shm:}.
 *
 * <p>Contract. The first process to open a path creates and initialises the file (side A); the
 * second attaches to it (side B); a third is refused. A file left by a dead process is
 * re-initialised; one whose owner lives, or that is not a wire of this layout, is refused with a
 * message naming the file, the live pid or the bad field. The link is one-shot: once a side has
 * seen its peer attached, the peer's death (pid gone, process start time changed, heartbeat
 * stale) or clean close takes the link down, and every burst method then throws an
 * {@link java.io.UncheckedIOException}: the engine fails and its sockets fail with an
 * {@code IOException} that names the cause. Side A deletes the file when it closes.
 *
 * <p>Threading. Each queue is owned by one engine thread (the only caller of its burst methods
 * and of {@code awaitRx}); {@code wakeup} may be called from any thread. One daemon monitor
 * thread per open wire writes this side's heartbeat and watches the peer ten times a second.
 * A receiver with nothing to do sleeps on a doorbell: a loopback UDP socket
 * ({@code java.net.DatagramSocket}, kernel-backed under any {@code SelectorProvider}, no flag, no
 * native code) whose port it publishes in the file beside its park word. A sender that published
 * frames to a receiver whose park word says "sleeping" claims the word (compare-and-set) and sends
 * the doorbell one byte, so the kernel wakes the receiver at once and each sleep costs at most one
 * datagram; a receiver that is awake costs its senders one memory read. The sleep is still bounded
 * by {@code park=} (default 1 ms) in case the doorbell cannot be reached (the processes in
 * different network namespaces); without any doorbell the receiver parks in growing bounded
 * intervals, as before.
 */
package io.jmtcp.provider.shm;
