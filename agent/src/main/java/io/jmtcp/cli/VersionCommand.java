package io.jmtcp.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jmtcp version}: the same lines as {@code --version}. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print jmtcp's version, the Java runtime, OS/arch and where the configuration reference is.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JmtcpVersion.lines().forEach(out::println);
        out.flush();
        return 0;
    }
}
