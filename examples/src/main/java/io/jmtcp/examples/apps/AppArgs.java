package io.jmtcp.examples.apps;

import java.nio.channels.spi.SelectorProvider;

/**
 * The command line every example app takes, {@code [PORT] [--self-test N]}, and the banner it
 * prints once it listens. The banner names the JVM-wide {@link SelectorProvider} because that is
 * the one switch between the kernel and jmtcp: the frameworks all open their channels through
 * {@code SelectorProvider.provider()}.
 *
 * @param port the port to bind on 127.0.0.1 (0: any free port)
 * @param selfTestConnections connections of the self-test, 0 for none
 */
public record AppArgs(int port, int selfTestConnections) {

    /** The address the apps bind: the in-stack loopback of jmtcp's default device, and the kernel's loopback. */
    public static final String HOST = "127.0.0.1";

    /** Parses {@code args}; exits with status 2 and a usage line when they do not parse. */
    public static AppArgs parse(String app, String[] args) {
        int port = 8080;
        int selfTest = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--self-test")) {
                    selfTest = Integer.parseInt(args[++i]);
                    if (selfTest < 1) {
                        throw new IllegalArgumentException("--self-test needs at least 1 connection");
                    }
                } else {
                    port = Integer.parseInt(args[i]);
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("usage: " + app + " [PORT] [--self-test N]   (" + e.getMessage() + ")");
            System.exit(2);
        }
        return new AppArgs(port, selfTest);
    }

    /** Prints the one-line banner: app, address and the provider every channel of this JVM comes from. */
    public static void banner(String app, int boundPort) {
        System.out.println(app + " listening on " + HOST + ":" + boundPort + " with SelectorProvider "
                + SelectorProvider.provider().getClass().getName());
        System.out.flush();
    }
}
