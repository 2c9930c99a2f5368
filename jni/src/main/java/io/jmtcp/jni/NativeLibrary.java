package io.jmtcp.jni;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads libjmtcp, the native half of this module, once per JVM (per class loader). The library
 * ships inside the jar at {@code io/jmtcp/jni/native/<platform>/libjmtcp.so}; when the classes
 * run from a directory (a Maven build's {@code target/classes}) it is loaded in place, and from a
 * jar it is copied once to a private temporary file (owner-only permissions, deleted at exit).
 *
 * <p>On JDK 17 loading prints nothing. On JDK 24 and later {@link System#load} is a restricted
 * method: the JVM prints a one-time "restricted method" warning unless the application runs with
 * {@code --enable-native-access=ALL-UNNAMED} or from an executable jar whose manifest carries
 * {@code Enable-Native-Access: ALL-UNNAMED} (jmtcp's runnable jar does). That warning is expected;
 * devices that need no native code (loopback, pair) never load this library and stay silent.
 */
public final class NativeLibrary {

    /** The platform directory this build provides a library for. */
    public static final String PLATFORM = "linux-x86_64";
    /** Name of the TAP library file. */
    public static final String LIBRARY_FILE = "libjmtcp.so";

    /** Name of the DPDK library file, present only when the build found libdpdk. */
    public static final String DPDK_LIBRARY_FILE = "libjmtcp-dpdk.so";

    private static final Object LOCK = new Object();
    private static volatile Path loadedFrom;
    private static volatile Throwable failure;
    private static volatile Path dpdkLoadedFrom;
    private static volatile Throwable dpdkFailure;

    private NativeLibrary() {}

    /** The running platform as {@code os-arch}, e.g. {@code linux-amd64}, for messages. */
    public static String runningPlatform() {
        return System.getProperty("os.name", "?").toLowerCase(Locale.ROOT).replace(' ', '_')
                + "-" + System.getProperty("os.arch", "?");
    }

    /** Whether the running OS and CPU are ones this jar carries a library for. */
    public static boolean platformSupported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /**
     * Loads the library if it is not loaded yet. Safe to call from many threads; after a failure
     * every later call fails the same way.
     *
     * @throws UnsatisfiedLinkError naming the platform and why, e.g.
     *     {@code libjmtcp not found for linux-amd64: ...}
     */
    public static void load() {
        if (loadedFrom != null) {
            return;
        }
        synchronized (LOCK) {
            if (loadedFrom != null) {
                return;
            }
            if (failure != null) {
                throw linkError(failure.getMessage(), failure);
            }
            try {
                Path path = locate(LIBRARY_FILE);
                System.load(path.toString());
                loadedFrom = path;
            } catch (UnsatisfiedLinkError | IOException | RuntimeException e) {
                failure = e;
                throw linkError(e.getMessage(), e);
            }
        }
    }

    /**
     * Loads libjmtcp-dpdk (jmtcp's DPDK shim) if it is not loaded yet. The library exists only in
     * builds that found libdpdk through pkg-config; otherwise this fails with a message saying how
     * to get it. After a failure every later call fails the same way.
     *
     * @throws UnsatisfiedLinkError e.g. {@code DPDK support is not in this build of jmtcp: install
     *     libdpdk-dev and rebuild}
     */
    public static void loadDpdk() {
        if (dpdkLoadedFrom != null) {
            return;
        }
        synchronized (LOCK) {
            if (dpdkLoadedFrom != null) {
                return;
            }
            if (dpdkFailure != null) {
                throw linkError(dpdkFailure.getMessage(), dpdkFailure);
            }
            try {
                if (platformSupported() && NativeLibrary.class.getResource(
                        "native/" + PLATFORM + "/" + DPDK_LIBRARY_FILE) == null) {
                    throw new IOException("DPDK support is not in this build of jmtcp (no "
                            + DPDK_LIBRARY_FILE + " in the jar; pkg-config found no libdpdk when it was built):"
                            + " install libdpdk-dev and rebuild");
                }
                Path path = locate(DPDK_LIBRARY_FILE);
                System.load(path.toString());
                dpdkLoadedFrom = path;
            } catch (UnsatisfiedLinkError | IOException | RuntimeException e) {
                dpdkFailure = e;
                throw linkError(e.getMessage(), e);
            }
        }
    }

    /** Whether this jar carries the DPDK shim (the build found libdpdk). Loads nothing. */
    public static boolean hasDpdk() {
        return platformSupported()
                && NativeLibrary.class.getResource("native/" + PLATFORM + "/" + DPDK_LIBRARY_FILE) != null;
    }

    /** Whether {@link #load()} has succeeded. */
    public static boolean isLoaded() {
        return loadedFrom != null;
    }

    /** The file the library was loaded from, or null before a successful {@link #load()}. */
    public static Path loadedFrom() {
        return loadedFrom;
    }

    private static UnsatisfiedLinkError linkError(String message, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(message);
        e.initCause(cause);
        return e;
    }

    private static Path locate(String fileName) throws IOException {
        String resource = "native/" + PLATFORM + "/" + fileName;
        if (!platformSupported()) {
            throw new IOException("libjmtcp not found for " + runningPlatform()
                    + ": this jar carries a library for " + PLATFORM + " only");
        }
        URL url = NativeLibrary.class.getResource(resource);
        if (url == null) {
            throw new IOException("libjmtcp not found for " + runningPlatform() + ": no resource "
                    + "io/jmtcp/jni/" + resource + " on the class path (was the jar built without gcc?)");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("libjmtcp not found for " + runningPlatform() + ": bad URL " + url, e);
            }
        }
        // Inside a jar: the dynamic linker needs a real file. A private directory, so that no
        // other user can swap the file between the copy and System.load.
        Path dir = Files.createTempDirectory("jmtcp-native-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve(fileName);
        // deleteOnExit runs in reverse order of registration: the file first, then its directory
        dir.toFile().deleteOnExit();
        file.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
