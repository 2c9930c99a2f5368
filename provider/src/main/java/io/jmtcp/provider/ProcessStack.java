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
                    s = Stack.start(config());
                    stack = s;
                }
            }
        }
        return s;
    }

    /** The routing transport over this JVM's stack (starts nothing by itself). */
    static RoutingTransport transport() {
        return TRANSPORT;
    }
}
