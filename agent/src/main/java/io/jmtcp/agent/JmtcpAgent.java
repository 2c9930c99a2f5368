package io.jmtcp.agent;

import io.jmtcp.engine.config.JmtcpConfig;
import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code -javaagent:jmtcp.jar[=OPTIONS]}: makes jmtcp the JVM's {@code SelectorProvider} before
 * the application's {@code main}, with the stack configured by the options (which override
 * system properties and the configuration file). The agent jar is on the system class path, so
 * the JDK finds the provider class the property names, also for {@code java -jar app.jar}.
 *
 * <p>Safety: a bad option or configuration never reaches the application as an exception. The
 * agent prints one line naming the cause and leaves the application on the kernel stack; with
 * {@code agent.failfast=true} it exits the JVM with status 2 instead.
 *
 * <p>Not yet: attaching to a running JVM (agentmain) and redirecting a provider that was already
 * initialised before the agent ran (ByteBuddy); see the agent issue.
 */
public final class JmtcpAgent {

    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";

    private JmtcpAgent() {
    }

    /** Entry point of {@code -javaagent}. Never throws. */
    public static void premain(String options, Instrumentation instrumentation) {
        install(options);
    }

    /** Parses, validates and installs; returns false (after printing why) when it did not. */
    static boolean install(String options) {
        boolean failFast = Boolean.getBoolean(AgentOptions.FAILFAST);
        try {
            Map<String, String> parsed = AgentOptions.parse(options);
            failFast = Boolean.parseBoolean(parsed.getOrDefault(AgentOptions.FAILFAST, Boolean.toString(failFast)));
            Map<String, String> config = new LinkedHashMap<>(parsed);
            config.remove(AgentOptions.FAILFAST);
            // validate everything now, before the application's main: a bad value fails here
            JmtcpConfig.load(config);
            String existing = System.getProperty(PROVIDER_PROPERTY);
            if (existing != null && !existing.equals(PROVIDER)) {
                throw new IllegalStateException(PROVIDER_PROPERTY + " is already set to " + existing);
            }
            // the process-wide stack reads jmtcp.* system properties when it starts
            config.forEach(System::setProperty);
            System.setProperty(PROVIDER_PROPERTY, PROVIDER);
            return true;
        } catch (RuntimeException | Error e) {
            System.err.println("jmtcp: agent not installed, the application runs on the kernel stack: "
                    + e.getMessage());
            if (failFast) {
                System.err.println("jmtcp: " + AgentOptions.FAILFAST + "=true: exiting");
                System.exit(2);
            }
            return false;
        }
    }
}
