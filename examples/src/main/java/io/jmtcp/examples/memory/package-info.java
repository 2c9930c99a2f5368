/**
 * Memory measurements of the TCP engine, run as plain mains (not JMH): {@link
 * io.jmtcp.examples.memory.ConnectionMemory} opens N idle connections on one loopback stack and
 * reports heap and direct memory per connection, with a class histogram of where the bytes go.
 *
 * <p>Threading: each main drives a manual stack from its own single thread; nothing here is
 * shared.
 */
package io.jmtcp.examples.memory;
