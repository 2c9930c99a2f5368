package io.jmtcp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code jmtcp} top command. It does nothing by itself: without a subcommand it fails with
 * the usage (exit code 2).
 */
@Command(name = "jmtcp", mixinStandardHelpOptions = true, versionProvider = JmtcpVersion.class,
        description = "jmtcp: a user-level TCP/IP stack for the JVM.",
        footer = {"", "Configuration reference (every key): java -jar jmtcp.jar config",
            "As a java agent at launch:       java -javaagent:jmtcp.jar[=OPTIONS] ...",
            "Into a running JVM:              java -jar jmtcp.jar attach PID [OPTIONS]"},
        subcommands = {VersionCommand.class, ConfigCommand.class, ServeCommand.class, PingCommand.class, GetCommand.class, AttachCommand.class,
            CommandLine.HelpCommand.class})
final class JmtcpCommand implements Callable<Integer> {

    private final boolean unicode;

    @Spec
    CommandSpec spec;

    JmtcpCommand(boolean unicode) {
        this.unicode = unicode;
    }

    /** Whether output may use non-ASCII characters (the micro sign of {@code µs}). */
    boolean unicode() {
        return unicode;
    }

    /** The unit printed for microseconds. */
    String micros() {
        return unicode ? "\u00b5s" : "us";
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command (version, config, serve, ping, get, attach)");
    }
}
