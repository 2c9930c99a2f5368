package io.jmtcp.jni;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {

    /** Run in a child JVM so that its whole output can be checked. */
    public static final class LoadMain {
        public static void main(String[] args) {
            NativeLibrary.load();
            if (!Errno.name(1).equals("EPERM")) {
                System.exit(3);
            }
            if (args.length > 0 && args[0].equals("where")) {
                System.out.println(NativeLibrary.loadedFrom());
            }
        }
    }

    @Test
    void loadsFromTheBuildOutputInPlace() {
        NativeLibrary.load();
        assertThat(NativeLibrary.isLoaded()).isTrue();
        assertThat(NativeLibrary.loadedFrom().toString())
                .endsWith("io/jmtcp/jni/native/linux-x86_64/libjmtcp.so");
        NativeLibrary.load(); // idempotent
    }

    @Test
    void mapsErrnoNumbersToTheirNames() {
        assertThat(Errno.name(1)).isEqualTo("EPERM");
        assertThat(Errno.name(-1)).isEqualTo("EPERM");
        assertThat(Errno.name(11)).isEqualTo("EAGAIN");
        assertThat(Errno.name(-19)).isEqualTo("ENODEV");
        assertThat(Errno.name(77)).isEqualTo("EBADFD");
        assertThat(Errno.name(99999)).isEqualTo("errno 99999");
    }

    @Test
    void exceptionNamesTheErrnoAndWhatWasAttempted() {
        IOException e = Errno.exception(-1, "open TAP jmt0");
        assertThat(e).hasMessage("open TAP jmt0: EPERM (Operation not permitted)");
    }

    @Test
    void checkPassesNonNegativeResultsThrough() throws IOException {
        assertThat(Errno.check(42, "anything")).isEqualTo(42);
    }

    @Test
    void cReportsTheLayoutOfEveryStructureJavaReads() {
        assertThat(Native.layout0(Native.LAYOUT_ABI_VERSION)).isEqualTo(Native.ABI_VERSION);
        assertThat(Native.layout0(Native.LAYOUT_DESC_SIZE)).isEqualTo(8);
        assertThat(Native.layout0(Native.LAYOUT_DESC_OFFSET)).isZero();
        assertThat(Native.layout0(Native.LAYOUT_DESC_LENGTH)).isEqualTo(4);
        assertThat(Native.layout0(Native.LAYOUT_STATS_TX_DROPPED_FULL)).isEqualTo(24);
        assertThat(Native.layout0(Native.LAYOUT_STATS_SIZE)).isEqualTo(40);
        assertThat(Native.layout0(999)).isEqualTo(-22); // -EINVAL for an unknown key
    }

    @Test
    void loadingPrintsNothingExceptTheDocumentedRestrictedMethodWarning() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Shell.Result quiet = Runtime.version().feature() >= 24
                ? Shell.run(Duration.ofSeconds(60), java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                        LoadMain.class.getName())
                : Shell.run(Duration.ofSeconds(60), java, "-cp", cp, LoadMain.class.getName());
        assertThat(quiet.exitCode()).as(quiet.describe()).isZero();
        assertThat(quiet.stdout() + quiet.stderr()).as(quiet.describe()).isEmpty();
        if (Runtime.version().feature() >= 24) {
            Shell.Result warned = Shell.run(Duration.ofSeconds(60), java, "-cp", cp, LoadMain.class.getName());
            assertThat(warned.exitCode()).as(warned.describe()).isZero();
            assertThat(warned.stderr()).contains("restricted method");
        }
    }

    @Test
    void extractsTheLibraryFromAJarToAPrivateTempFile(@TempDir Path dir) throws Exception {
        Path classes = Path.of(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("jmtcp-jni.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        String testClasses = Path.of(LoadMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        // the jar first, so that NativeLibrary and the .so come from it and not from target/classes
        String cp = jar + java.io.File.pathSeparator + testClasses + java.io.File.pathSeparator
                + System.getProperty("java.class.path");
        String java = ProcessHandle.current().info().command().orElse("java");
        Shell.Result r = Runtime.version().feature() >= 24
                ? Shell.run(Duration.ofSeconds(60), java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                        LoadMain.class.getName(), "where")
                : Shell.run(Duration.ofSeconds(60), java, "-cp", cp, LoadMain.class.getName(), "where");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        String where = r.stdout().strip();
        assertThat(where).contains("jmtcp-native-").endsWith("/libjmtcp.so");
        assertThat(where).doesNotContain("target/classes");
        // deleted again when that JVM exited
        assertThat(Path.of(where)).doesNotExist();
        assertThat(Path.of(where).getParent()).doesNotExist();
    }
}
