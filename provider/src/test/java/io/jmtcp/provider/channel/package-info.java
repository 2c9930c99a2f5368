/**
 * Channel behaviour pinned at the {@link io.jmtcp.provider.channel.Transport} seam: a real
 * backend (the kernel's, through the JDK's asynchronous channels) wrapped so that its completion
 * is forced to happen before the channel looks at it, the ordering a loaded machine produces at
 * random. Tests run on the JUnit thread; completions on the asynchronous channel group's threads.
 */
package io.jmtcp.provider.channel;
