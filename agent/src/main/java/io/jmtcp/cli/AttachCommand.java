package io.jmtcp.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.jmtcp.agent.JmtcpAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jmtcp attach PID [OPTIONS...]}: loads jmtcp.jar as an agent into the running JVM
 * {@code PID} through the JDK attach API ({@code jdk.attach}), with the same options as
 * {@code -javaagent:jmtcp.jar=OPTIONS} (several arguments are joined with commas). It then reads
 * the agent's outcome back from the target's system property {@code jmtcp.agent.status} and
 * exits 0 when jmtcp was installed, 1 when the agent or the attach failed (the message says why:
 * no such process, another user's process, attach disabled, the agent's own error).
 *
 * <p>On JDK 21+ the target prints JEP 451's warning about a dynamically loaded agent unless it
 * was started with {@code -XX:+EnableDynamicAgentLoading}.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Load jmtcp into a running JVM: selectors and channels it creates from then on run on jmtcp;",
            "what exists keeps the kernel. OPTIONS as for -javaagent:jmtcp.jar=OPTIONS (e.g. ip=127.0.0.1/8,engines=1).",
            "JDK 21+ targets print a warning about the dynamically loaded agent unless started with",
            "-XX:+EnableDynamicAgentLoading."})
final class AttachCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PID", description = "process id of the target JVM")
    long pid;

    @Parameters(index = "1..*", paramLabel = "OPTIONS", arity = "0..*",
            description = "agent options key=value[,key=value...]; see 'jmtcp config' for the keys")
    List<String> options = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path jar = ownJar();
        String agentOptions = String.join(",", options);
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (target.isEmpty() || !target.get().isAlive()) {
            throw new StartFailure("attach " + pid + ": no such process", 1, null);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new StartFailure("attach " + pid + ": that is this jmtcp command itself", 1, null);
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new StartFailure("attach " + pid + " failed: " + explain(target.get(), e), 1, e);
        }
        try {
            try {
                vm.loadAgent(jar.toString(), agentOptions);
            } catch (AgentInitializationException | AgentLoadException e) {
                throw new StartFailure("attach " + pid + ": the agent failed in the target: " + e.getMessage()
                        + " (see the target's standard error)", 1, e);
            } catch (IOException e) {
                String status = status(vm);
                throw new StartFailure("attach " + pid + ": loading the agent failed: " + e.getMessage()
                        + (status == null ? " (the target JVM may have exited)" : "; agent status: " + status), 1, e);
            }
            String status = status(vm);
            if (status == null) {
                throw new StartFailure("attach " + pid + ": the agent ran but left no status;"
                        + " the target JVM exited (agent.failfast?); its standard error says why", 1, null);
            }
            if (!status.startsWith("installed")) {
                boolean failFast = agentOptions.contains("agent.failfast=true");
                throw new StartFailure("attach " + pid + ": agent not installed, " + (failFast
                        ? "the target exits (agent.failfast=true): " : "the target stays on the kernel stack: ")
                        + status.replaceFirst("^failed: ", ""), 1, null);
            }
            out.println("jmtcp attached to " + pid + ": " + status);
            out.flush();
            return 0;
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the target exited or closed the connection: nothing left to release
            }
        }
    }

    /** The agent's outcome from the target's system properties, or null if they cannot be read. */
    private static String status(VirtualMachine vm) {
        try {
            Properties p = vm.getSystemProperties();
            return p.getProperty(JmtcpAgent.STATUS);
        } catch (IOException e) {
            return null;
        }
    }

    /** Why an attach failed, in the user's terms. */
    static String explain(ProcessHandle target, Exception e) {
        String msg = String.valueOf(e.getMessage());
        String self = System.getProperty("user.name");
        String owner = target.info().user().orElse(null);
        List<String> args = target.info().arguments().map(List::of).orElse(List.of());
        String command = target.info().command().orElse("");
        if (args.stream().anyMatch(a -> a.contains("DisableAttachMechanism"))) {
            return "the JVM was started with -XX:+DisableAttachMechanism and refuses attach (" + msg + ")";
        }
        if (owner != null && self != null && !owner.equals(self) && !"root".equals(self)) {
            return "process " + target.pid() + " belongs to user " + owner + ", not " + self
                    + "; attach as that user (e.g. sudo -u " + owner + " java -jar jmtcp.jar attach " + target.pid()
                    + ") (" + msg + ")";
        }
        if (!command.isEmpty() && !Path.of(command).getFileName().toString().startsWith("java")) {
            return "process " + target.pid() + " (" + command + ") does not look like a JVM (" + msg + ")";
        }
        return msg + " (is it a HotSpot JVM of a compatible version, started by the same user, without"
                + " -XX:+DisableAttachMechanism, and with the same /tmp?)";
    }

    /** This jar: the attach API loads an agent by its path. */
    private static Path ownJar() {
        try {
            Path p = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                return p.toAbsolutePath();
            }
            throw new StartFailure("attach needs to run from jmtcp.jar (java -jar jmtcp.jar attach ...), not from " + p,
                    1, null);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new StartFailure("attach cannot find its own jar: " + e, 1, e);
        }
    }
}
