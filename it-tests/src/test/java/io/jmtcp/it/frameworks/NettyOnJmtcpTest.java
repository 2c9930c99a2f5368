package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.ForkedApp.Probe;
import io.jmtcp.it.frameworks.apps.NettyApp;
import io.jmtcp.testing.Shell;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Netty 4.2 NIO, unchanged, on jmtcp's in-stack loopback: server and client in one forked JVM
 * ({@link NettyApp}), only the provider property differs from a kernel run. Every scenario ends
 * with a held keep-alive connection that must be in jmtcp's listing and absent from the kernel's.
 */
class NettyOnJmtcpTest {

    private static final Duration RUN = Duration.ofSeconds(90);

    @Test
    void servesGetsOnOneKeepAliveConnection() throws Exception {
        try (ForkedApp app = ForkedApp.start(true, Libs.NETTY, NettyApp.class, "get")) {
            app.finish(RUN);
            assertThat(app.fact("get.status")).isEqualTo("200,200");
            assertThat(app.fact("get.body")).isEqualTo("hello from netty");
            String port = app.fact("get.client-port");
            assertThat(app.fact("get.server-saw-ports")).as("both requests on the same connection").isEqualTo(port + "," + port);
            assertOneProbeOnJmtcp(app);
        }
    }

    @Test
    void servesTlsWithSslHandlerAndSelfSignedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Shell.check(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "jmtcp-test", "-keypass", "jmtcp-test");
        try (ForkedApp app = ForkedApp.start(true, Libs.NETTY, NettyApp.class, "tls", keystore.toString(), "jmtcp-test")) {
            app.finish(RUN);
            assertThat(app.fact("tls.status")).isEqualTo("200,200");
            assertThat(app.fact("tls.body")).isEqualTo("hello from netty");
            assertThat(app.fact("stream.bytes")).isEqualTo(String.valueOf(4 << 20));
            assertThat(app.fact("stream.sha.received")).isNotNull().isEqualTo(app.fact("stream.sha.sent"));
            assertOneProbeOnJmtcp(app);
        }
    }

    @Test
    void streams256MiBResponseIntact() throws Exception {
        long bytes = 256L << 20;
        try (ForkedApp app = ForkedApp.start(true, Libs.NETTY, NettyApp.class, "stream", String.valueOf(bytes))) {
            app.finish(RUN);
            assertThat(app.fact("stream.status")).isEqualTo("200");
            assertThat(app.fact("stream.bytes")).isEqualTo(String.valueOf(bytes));
            assertThat(app.fact("stream.sha.received")).isNotNull().isEqualTo(app.fact("stream.sha.sent"));
            System.out.printf("netty on jmtcp: 256 MiB streamed in %s ms%n", app.fact("stream.ms"));
            assertOneProbeOnJmtcp(app);
        }
    }

    @Test
    void serves10000ShortConnections() throws Exception {
        try (ForkedApp app = ForkedApp.start(true, Libs.NETTY, NettyApp.class, "short", "10000")) {
            app.finish(RUN);
            assertThat(app.fact("short.first-failure")).isNull();
            assertThat(app.fact("short.ok")).isEqualTo("10000");
            System.out.printf("netty on jmtcp: 10000 short connections in %s ms%n", app.fact("short.ms"));
            assertOneProbeOnJmtcp(app);
        }
    }

    /** The control: the same app on the JDK's provider is seen by the kernel check and not by jmtcp's. */
    @Test
    void checksSeeKernelTrafficWhenTheJdkProviderRuns() throws Exception {
        try (ForkedApp app = ForkedApp.start(false, Libs.NETTY, NettyApp.class, "get")) {
            app.finish(RUN);
            assertThat(app.fact("get.status")).isEqualTo("200,200");
            assertThat(app.probes()).hasSize(1);
            Probe p = app.probes().get(0);
            assertThat(p.jmx()).as("no jmtcp engine in a kernel run").isNull();
            assertThat(p.kernelEstablished()).as("ss sees both ends of the kernel connection").hasSize(2);
        }
    }

    /**
     * One held connection, proven on jmtcp, and nothing the framework found worth a warning (Netty,
     * for one, warns when it rebuilds a selector that returned early).
     */
    static void assertOneProbeOnJmtcp(ForkedApp app) {
        assertThat(app.probes()).as(app.transcript()).hasSize(1);
        app.probes().get(0).assertOnJmtcp();
        assertThat(app.warnings()).as("warnings logged by the app\n%s", app.transcript()).isEmpty();
    }
}
