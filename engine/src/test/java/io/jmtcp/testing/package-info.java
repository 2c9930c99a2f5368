/**
 * A small kit shared by tests of every module (through the engine's test-jar): checks that skip a
 * test with a visible reason when the machine lacks something it needs ({@link
 * io.jmtcp.testing.Prerequisites}), network namespaces that remove themselves ({@link
 * io.jmtcp.testing.Netns}) and running commands with a timeout ({@link io.jmtcp.testing.Shell}).
 *
 * <p>Contract: nothing here sends traffic outside namespaces it created, and such namespaces only
 * ever get addresses from the benchmarking range 198.18.0.0/15 (RFC 2544). Everything started or
 * created is removed on close, and by a shutdown hook if a test dies before closing. Threading:
 * each object belongs to the test thread that made it; {@link io.jmtcp.testing.Shell.Background}
 * may be stopped from any thread.
 */
package io.jmtcp.testing;
