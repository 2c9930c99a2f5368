package io.jmtcp.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks what a test needs from the machine (root, {@code /dev/net/tun}, a command on the PATH).
 * When something is missing the test is <em>skipped</em> with a reason JUnit shows, so a developer
 * without root still gets a green, honest run; with {@code -Djmtcp.it.require=true} (set by CI)
 * the same check <em>fails</em> the test naming what is missing, so CI can never pass by skipping.
 */
public final class Prerequisites {

    /** The system property that turns skips into failures. */
    public static final String REQUIRE_PROPERTY = "jmtcp.it.require";

    private Prerequisites() {}

    /** Whether missing prerequisites fail rather than skip. */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRE_PROPERTY);
    }

    /** The effective user id of this process, from {@code /proc/self/status}; -1 if unknown. */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Whether this process runs as root. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** Whether {@code command} is an executable file in one of the PATH's directories. */
    public static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Requires an effective uid of 0. */
    public static void requireRoot() {
        check(isRoot(), "root (effective uid 0) is needed; this process runs as uid " + effectiveUid());
    }

    /** Requires the TUN/TAP character device. */
    public static void requireTun() {
        Path tun = Path.of("/dev/net/tun");
        check(Files.exists(tun), "/dev/net/tun does not exist (kernel without TUN/TAP, or a container without the device)");
    }

    /** Requires each command to be on the PATH. */
    public static void requireCommands(String... commands) {
        for (String c : commands) {
            check(onPath(c), "command '" + c + "' is not on the PATH");
        }
    }

    /** Root, {@code /dev/net/tun} and {@code ip}: what a TAP-in-a-namespace test needs. */
    public static void requireTapAndNetns() {
        requireRoot();
        requireTun();
        requireCommands("ip");
    }

    /**
     * Skips (or, when {@link #required()}, fails) the calling test unless {@code present}.
     *
     * @param what a sentence naming what is missing
     */
    public static void check(boolean present, String what) {
        if (present) {
            return;
        }
        if (required()) {
            fail("missing prerequisite (" + REQUIRE_PROPERTY + "=true): " + what);
        }
        assumeTrue(false, "skipped, missing prerequisite: " + what
                + " (set -D" + REQUIRE_PROPERTY + "=true to fail instead)");
    }
}
