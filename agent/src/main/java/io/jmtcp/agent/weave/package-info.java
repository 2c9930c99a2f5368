/**
 * ByteBuddy weaving that moves a JVM whose NIO is already initialised onto jmtcp: puts
 * {@link io.jmtcp.boot.JmtcpBoot} on the bootstrap class path, redirects
 * {@code SelectorProvider.provider()} and makes Netty's NIO channels follow their event loop's
 * provider, and makes XNIO's selector creators open jmtcp's selectors
 * ({@link io.jmtcp.agent.weave.Weaver}). The advice classes here are templates that
 * ByteBuddy copies into the woven methods; they only call {@code JmtcpBoot}.
 *
 * <p>Threads: {@code Weaver.install} runs once on the agent's thread (premain or the attach
 * listener); the woven code runs on application threads.
 */
package io.jmtcp.agent.weave;
