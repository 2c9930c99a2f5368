/**
 * The java agent: {@code -javaagent:jmtcp.jar[=options]} (premain) and an attach to a running
 * JVM (agentmain, started by {@code java -jar jmtcp.jar attach PID}) install jmtcp as the JVM's
 * {@code SelectorProvider}; where NIO was initialised already, {@code io.jmtcp.agent.weave}
 * redirects it with ByteBuddy. Runs once, on the JVM's premain thread or its attach listener
 * thread; it never throws into the application (failures print one line, or exit with
 * failfast).
 */
package io.jmtcp.agent;
