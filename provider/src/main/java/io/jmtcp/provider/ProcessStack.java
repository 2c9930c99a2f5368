package io.jmtcp.provider;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.provider.channel.JmtcpTransport;
import io.jmtcp.provider.channel.RoutingTransport;
import java.util.Map;

/**
 * The one jmtcp {@link Stack} of this JVM that channels of the default provider use, started on
 * first use from {@link JmtcpConfig#load} (the configuration file and {@code jmtcp.*} system
 * properties). Its engines run on daemon threads. Providers over it share one
 * {@link RoutingTransport}, so that every channel sees every jmtcp listener of the JVM when
 * routing a loopback connect.
 *
 * <p>JVM exit (issue 5 item 7): a shutdown hook, registered when the stack starts, keeps the
 * stack serving while the frameworks' own graceful-shutdown hooks (which the JVM runs at the
 * same time as ours) close their connections — up to {@code jmtcp.shutdown.grace} — then closes
 * what is left as the kernel does for an exiting process (FIN after the data written; RST where
 * data was never read or SO_LINGER is 0), lets it leave, and releases the device
 * ({@link Stack#shutdown}). Without it the daemon engine threads would simply vanish with the
 * JVM and every peer would see its connections go dark.
 *
 * <p>Threads: any; the first caller starts the stack, others wait for it.
 */
final class ProcessStack {

    private static volatile JmtcpConfig config;
    private static volatile Stack stack;
    private static final RoutingTransport TRANSPORT =
            new RoutingTransport(new JmtcpTransport(ProcessStack::get, ProcessStack::config), ProcessStack::config);

    private ProcessStack() {
    }

    static JmtcpConfig config() {
        JmtcpConfig c = config;
        if (c == null) {
            synchronized (ProcessStack.class) {
                c = config;
                if (c == null) {
                    c = JmtcpConfig.load(Map.of());
                    config = c;
                }
            }
        }
        return c;
    }

    static Stack get() {
        Stack s = stack;
        if (s == null) {
            synchronized (ProcessStack.class) {
                s = stack;
                if (s == null) {
                    JmtcpConfig c = config();
                    s = Stack.start(c);
                    stack = s;
                    registerExitHook(s, c.get(JmtcpConfig.SHUTDOWN_GRACE));
                }
            }
        }
        return s;
    }

    /** The routing transport over this JVM's stack (starts nothing by itself). */
    static RoutingTransport transport() {
        return TRANSPORT;
    }

    private static void registerExitHook(Stack s, long graceNanos) {
        Thread hook = new Thread(() -> s.shutdown(graceNanos), "jmtcp-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // first used from another shutdown hook: the JVM is exiting already, and the
            // connections of that hook are closed by the kernel-like close at Stack.close
        }
    }
}
