package io.jmtcp.it.dpdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jmtcp stacks in two processes joined by DPDK's {@code net_memif} (shared memory, a Unix
 * socket file for the control channel): {@code jmtcp.jar serve --http} as the memif server and
 * {@code jmtcp.jar get} as the client download 256 MiB, whose SHA-256 must be the pattern's.
 * Prints the throughput for the closing note. No namespace: nothing leaves the two processes.
 */
class DpdkMemifTwoProcessTest {

    /** SHA-256 of 256 MiB of the /bytes/N pattern (byte i = i mod 256). */
    private static final String SHA_256_MIB = "486cc817b95d853d3c357ff283b204c0144bd255e73fe2deb1389493b257e3c0";

    @Test
    void getDownloads256MibFromServeOverMemifWithTheRightSha256(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath().normalize();
        boolean hasDpdk = false;
        if (Files.isRegularFile(jar)) {
            try (JarFile j = new JarFile(jar.toFile())) {
                hasDpdk = j.getEntry("io/jmtcp/jni/native/linux-x86_64/libjmtcp-dpdk.so") != null;
            }
        }
        Prerequisites.check(hasDpdk, "jmtcp.jar with libjmtcp-dpdk.so (built with libdpdk-dev installed)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path runDir = Path.of("/var/run/dpdk/rte");
        boolean runDirBefore = Files.exists(runDir);
        Path socket = dir.resolve("memif.sock");
        String memif = "dpdk:net_memif0,socket=" + socket + ",socket-abstract=no,role=";

        try (Shell.Background serve = Shell.start(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-jar",
                jar.toString(), "serve", "--device", memif + "server", "--ip", "198.18.0.2/24", "--http", "8080")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(socket)) {
                assertThat(serve.isAlive()).as("serve is running").isTrue();
                assertThat(System.nanoTime() < deadline).as("memif socket within 60 s").isTrue();
                Thread.sleep(50);
            }
            Shell.Result get = Shell.run(Duration.ofSeconds(240), java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                    "-jar", jar.toString(), "get", "--device", memif + "client", "--ip", "198.18.0.1/24",
                    "--timeout", "60s", "http://198.18.0.2:8080/bytes/" + (256L << 20));
            assertThat(get.ok()).as(get.describe()).isTrue();
            assertThat(get.stdout()).as(get.describe()).contains("HTTP 200").contains("bytes " + (256L << 20))
                    .contains("sha256 " + SHA_256_MIB);
            Matcher m = Pattern.compile("throughput ([0-9.]+) Mbit/s").matcher(get.stdout());
            assertThat(m.find()).isTrue();
            System.out.println("256 MiB over net_memif between two processes: " + m.group(1) + " Mbit/s");

            Shell.check("kill", "-TERM", Long.toString(serve.pid()));
            Shell.Result out = serve.await(Duration.ofSeconds(30));
            assertThat(out.stdout()).as(out.describe()).contains("jmtcp stopped");
        }
        assertThat(Files.exists(socket)).as("memif removes its socket file at close").isFalse();
        if (!runDirBefore) {
            assertThat(Files.exists(runDir)).as("EAL's runtime directory is removed at exit").isFalse();
        }
    }
}
