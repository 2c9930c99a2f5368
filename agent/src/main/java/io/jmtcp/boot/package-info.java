/**
 * The template of the one class the agent defines inside {@code java.base}
 * ({@link io.jmtcp.boot.JmtcpBoot}, renamed {@code java.nio.channels.spi.JmtcpBridge} at run time):
 * code woven into {@code java.base} ({@code SelectorProvider.provider()}) and into frameworks
 * loaded by any class loader reaches jmtcp through it, because every loader sees
 * {@code java.base} while {@code java.base} sees nothing else (NIO-FRAMEWORKS.md). It depends on
 * {@code java.base} only, holds plain references set once by the agent, and never throws into the
 * code it is woven into. It is never loaded under its own name.
 *
 * <p>Threads: any application thread calls it; the agent thread writes its fields (volatile)
 * before the weaving that reads them is installed.
 */
package io.jmtcp.boot;
