package io.jmtcp.cli;

/**
 * A command could not start: a bad option or configuration value (exit code 2) or an
 * environment that does not allow it (exit code 1). {@link Main} prints the message alone, no
 * stack trace, because the message is written for the user.
 */
final class StartFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code of a bad command line or configuration. */
    static final int USAGE = 2;

    private final int exitCode;

    StartFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
