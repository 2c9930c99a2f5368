/**
 * The java agent: {@code -javaagent:jmtcp.jar[=options]} installs jmtcp as the JVM's
 * {@code SelectorProvider} before the application starts. Runs once, on the JVM's premain
 * thread; it only sets system properties and never throws into the application.
 */
package io.jmtcp.agent;
