package io.jmtcp.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.UnsupportedCharsetException;
import picocli.CommandLine;

/**
 * Entry point of {@code java -jar jmtcp.jar}: builds the picocli command tree, maps failures to
 * exit codes (see the package documentation) and exits with the code of the command.
 */
public final class Main {

    private Main() {}

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        Charset charset = stdoutCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charset), true);
        int code = execute(args, out, err, charset.newEncoder().canEncode('\u00b5'));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line in this JVM, writing to the given writers (tests and embedding).
     *
     * @param unicode whether the output may use non-ASCII characters (the micro sign)
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, boolean unicode) {
        return commandLine(out, err, unicode).execute(args);
    }

    /** The configured command tree (tests inspect parsing through it). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean unicode) {
        CommandLine cl = new CommandLine(new JmtcpCommand(unicode));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            if (ex instanceof StartFailure) {
                // an operator's mistake or the environment, not a bug: the message says it all
                e.println("jmtcp: " + ex.getMessage());
                e.flush();
                return ((StartFailure) ex).exitCode();
            }
            e.println("jmtcp: internal error: " + ex);
            ex.printStackTrace(e);
            e.flush();
            return 1;
        });
        return cl;
    }

    /**
     * The charset the JDK encodes standard output with: {@code stdout.encoding} (JDK 19+), else
     * {@code sun.stdout.encoding}, else the default charset (JDK 17 derives it from the locale).
     */
    private static Charset stdoutCharset() {
        String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        if (name != null) {
            try {
                return Charset.forName(name);
            } catch (UnsupportedCharsetException | java.nio.charset.IllegalCharsetNameException e) {
                return Charset.defaultCharset();
            }
        }
        return Charset.defaultCharset();
    }
}
