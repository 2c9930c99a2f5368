package io.jmtcp.cli;

import io.jmtcp.engine.config.JmtcpConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jmtcp config}: the reference of every configuration key (a Markdown table). */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print every configuration key with its default, allowed values and meaning.",
            "Keys are set in jmtcp.properties (or the file -Djmtcp.config names), as -Djmtcp.<key>=... system"
                + " properties, or with --set on the command line; later sources override earlier ones."})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(JmtcpConfig.reference());
        out.flush();
        return 0;
    }
}
