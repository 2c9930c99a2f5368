/**
 * JVM exit (issue 5 item 7): an application on the provider, in a forked JVM on a TAP in a
 * network namespace, exits while a kernel peer holds a connection to it; the process-wide stack
 * keeps serving until the application's own shutdown hook has closed the connection, so the
 * peer sees the last data and a FIN, never a reset or a connection gone dark.
 */
package io.jmtcp.it.exit;
