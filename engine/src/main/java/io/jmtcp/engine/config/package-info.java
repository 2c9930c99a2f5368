/**
 * Configuration: every key the stack understands, with default, meaning and validation, resolved
 * from defaults, a properties file, system properties and explicit options (in that order of
 * precedence, later wins). A bad value fails at start naming the key, the value and what is
 * allowed.
 *
 * <p>Threading: a loaded {@link io.jmtcp.engine.config.JmtcpConfig} is immutable and shared freely.
 */
package io.jmtcp.engine.config;
