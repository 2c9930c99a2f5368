package io.jmtcp.agent;

import io.jmtcp.agent.weave.Weaver;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.provider.JmtcpSelectorProvider;
import java.lang.instrument.Instrumentation;
import java.nio.channels.spi.SelectorProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The java agent: {@code -javaagent:jmtcp.jar[=OPTIONS]} ({@link #premain}) and
 * {@code java -jar jmtcp.jar attach PID [OPTIONS]} ({@link #agentmain}) make jmtcp the JVM's
 * {@code SelectorProvider}, with the stack configured by the options (which override system
 * properties and the configuration file).
 *
 * <p>At launch it sets the provider property; the agent jar is on the system class path, so the
 * JDK finds the provider class, also for {@code java -jar app.jar}. When NIO was initialised
 * already (always after an attach; before {@code premain} only if another agent used NIO) it
 * redirects {@code SelectorProvider.provider()} with ByteBuddy ({@link Weaver}): what is created
 * from then on runs on jmtcp, what exists keeps the kernel. In both cases it opens
 * {@code java.base/sun.nio.ch} to jmtcp's module, so jmtcp may work with the JDK's own channels
 * without any {@code --add-opens}.
 *
 * <p>Safety: a bad option, configuration or weaving failure never reaches the application as an
 * exception. The agent prints one line naming the cause and leaves the application on the kernel
 * stack; with {@code agent.failfast=true} it exits the JVM with status 2 instead. The outcome is
 * left in the system property {@value #STATUS} ({@code installed ...} or {@code failed: ...}),
 * which the attach command reads back from the target JVM.
 */
public final class JmtcpAgent {

    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    /** System property of the target JVM holding the agent's outcome (read back by {@code attach}). */
    public static final String STATUS = "jmtcp.agent.status";
    /** Exit status of a failfast failure. */
    static final int FAILFAST_EXIT = 2;
    /** How long a failfast attach waits before exiting, so the attach command can read the reason. */
    private static final long FAILFAST_GRACE_MILLIS = 1000;

    private JmtcpAgent() {
    }

    /** Entry point of {@code -javaagent}. Never throws. */
    public static void premain(String options, Instrumentation instrumentation) {
        if (!install(options, instrumentation) && failFast(options)) {
            System.err.println("jmtcp: " + AgentOptions.FAILFAST + "=true: exiting");
            System.exit(FAILFAST_EXIT);
        }
    }

    /** Entry point of an attach ({@code VirtualMachine.loadAgent}). Never throws. */
    public static void agentmain(String options, Instrumentation instrumentation) {
        String status = System.getProperty(STATUS, "");
        if (status.startsWith("installed")) {
            System.err.println("jmtcp: agent already installed in this JVM (" + status + "); options '"
                    + (options == null ? "" : options) + "' ignored");
            return;
        }
        if (!install(options, instrumentation) && failFast(options)) {
            System.err.println("jmtcp: " + AgentOptions.FAILFAST + "=true: exiting");
            // not on the attach listener's thread, and a moment later: the attach command first
            // gets its answer and reads the agent's status (the reason) back
            Thread exit = new Thread(() -> {
                try {
                    Thread.sleep(FAILFAST_GRACE_MILLIS);
                } catch (InterruptedException e) {
                    // exit now
                }
                System.exit(FAILFAST_EXIT);
            }, "jmtcp-failfast");
            exit.setDaemon(false);
            exit.start();
        }
    }

    /** Parses, validates and installs; returns false (after printing why) when it did not. */
    static boolean install(String options, Instrumentation instrumentation) {
        boolean propertySet = false;
        try {
            Map<String, String> config = new LinkedHashMap<>(AgentOptions.parse(options));
            config.remove(AgentOptions.FAILFAST);
            // validate everything now, before the application goes on: a bad value fails here
            JmtcpConfig.load(config);
            String existing = System.getProperty(PROVIDER_PROPERTY);
            if (existing != null && !existing.equals(PROVIDER)) {
                throw new IllegalStateException(PROVIDER_PROPERTY + " is already set to " + existing);
            }
            if (instrumentation != null) {
                openInternals(instrumentation);
            }
            // the process-wide stack reads jmtcp.* system properties when it starts
            config.forEach(System::setProperty);
            // start the stack (and so its device) now: a device that cannot start leaves the
            // application on the kernel, rather than failing its first bind later
            JmtcpSelectorProvider.startProcessStack();
            propertySet = System.getProperty(PROVIDER_PROPERTY) == null;
            System.setProperty(PROVIDER_PROPERTY, PROVIDER);
            // before the application's main this makes the JDK load our provider (the property);
            // if NIO was used earlier it returns the JDK's, cached for good: redirect it then
            SelectorProvider current = SelectorProvider.provider();
            String how = "provider property";
            if (!PROVIDER.equals(current.getClass().getName())) {
                if (instrumentation == null) {
                    throw new IllegalStateException("NIO already uses " + current.getClass().getName()
                            + " and no Instrumentation to redirect it");
                }
                SelectorProvider jmtcp = (SelectorProvider) Class.forName(PROVIDER, true,
                        JmtcpAgent.class.getClassLoader()).getConstructor().newInstance();
                Weaver.redirect(instrumentation, jmtcp, current);
                how = "SelectorProvider.provider() redirected; channels and selectors created before stay on "
                        + current.getClass().getName();
            }
            System.setProperty(STATUS, "installed (" + how + ")");
            return true;
        } catch (Exception | Error e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (propertySet) {
                System.clearProperty(PROVIDER_PROPERTY); // as it was: nothing of jmtcp is in use
            }
            System.setProperty(STATUS, "failed: " + why);
            System.err.println("jmtcp: agent not installed, the application runs on the kernel stack: " + why);
            return false;
        }
    }

    /**
     * Opens {@code java.base/sun.nio.ch} to the agent's module (the system class loader's unnamed
     * module, which holds the provider too): the flag-free equivalent of
     * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, for jmtcp only.
     */
    private static void openInternals(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module jmtcp = JmtcpAgent.class.getModule();
        if (inst.isModifiableModule(base)) {
            Map<String, Set<Module>> toJmtcp = Map.of("sun.nio.ch", Set.of(jmtcp));
            inst.redefineModule(base, Set.of(), toJmtcp, toJmtcp, Set.of(), Map.of());
        }
    }

    /** Whether the options (or the system property) ask for failfast; false when they cannot be read. */
    static boolean failFast(String options) {
        boolean failFast = Boolean.getBoolean(AgentOptions.FAILFAST);
        try {
            String v = AgentOptions.parse(options).get(AgentOptions.FAILFAST);
            return v == null ? failFast : Boolean.parseBoolean(v.trim());
        } catch (RuntimeException unreadable) {
            // the options are what failed: fall back on a failfast=true written anywhere in them
            return failFast || (options != null && options.replace(" ", "").contains("agent.failfast=true"));
        }
    }
}
