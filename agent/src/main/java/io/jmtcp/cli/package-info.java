/**
 * The {@code jmtcp} command line (picocli): {@code version}, {@code config} (the configuration
 * reference), {@code serve} (run a stack until Ctrl-C or a duration, then print its counters)
 * ({@code --echo}, {@code --discard}, {@code --chargen}, {@code --http PORT} add TCP services),
 * {@code ping} (the stack pings an address through its own ICMP) and {@code get} (an HTTP/1.1
 * download over the stack's TCP, with SHA-256 and throughput). {@link io.jmtcp.cli.Main}
 * is the {@code Main-Class} of {@code jmtcp.jar}.
 *
 * <p>Contract: options resolve through {@code JmtcpConfig.load}, so the command line overrides
 * system properties, which override the properties file. Exit codes: 0 success, 1 the job ran
 * but failed (e.g. lost ping replies), 2 a bad command line or configuration (the message names
 * the key, the value and what is allowed; no stack trace).
 *
 * <p>Threading: each command runs on the caller's thread (the JVM's main thread from
 * {@code java -jar}); the stack it starts runs its own engine threads; {@code serve} closes the
 * stack either on the caller's thread or in a JVM shutdown hook (Ctrl-C, SIGTERM), whichever
 * comes first, exactly once.
 */
package io.jmtcp.cli;
