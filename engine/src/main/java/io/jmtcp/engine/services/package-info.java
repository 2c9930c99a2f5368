/**
 * Small TCP services written over the engine's {@link io.jmtcp.engine.api.TcpSocket} API, the
 * way an application without NIO would use jmtcp: echo (RFC 862, port 7), discard (RFC 863,
 * port 9), character generator (RFC 864, port 19), a minimal HTTP/1.1 responder (RFC 9110,
 * RFC 9112) and an HTTP/1.1 client for downloads. They serve the command line
 * ({@code jmtcp serve --http}, {@code jmtcp get}) and interoperability tests against the Linux
 * kernel's TCP (curl, wrk, python).
 *
 * <p>Threads: each {@link io.jmtcp.engine.services.TcpService} has one acceptor thread, which
 * blocks in {@code awaitAcceptable}, and one daemon thread per open connection, which blocks in
 * {@code awaitReadable}/{@code awaitWritable} (the socket's {@link io.jmtcp.engine.api.Waiter});
 * nothing spins or polls. A connection's state belongs to its thread alone; the service's
 * registry of open connections is a concurrent set so that {@code close()} from any thread can
 * abort them. Every wait has a timeout, and every request part a size limit, so a slow or
 * hostile client costs one parked thread for a bounded time and cannot crash the server: its
 * connection is answered with 400/408/431 where HTTP allows, or aborted.
 */
package io.jmtcp.engine.services;
