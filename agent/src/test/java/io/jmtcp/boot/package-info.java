/** Tests of the rules the woven code follows ({@link io.jmtcp.boot.JmtcpBoot}); single-threaded. */
package io.jmtcp.boot;
