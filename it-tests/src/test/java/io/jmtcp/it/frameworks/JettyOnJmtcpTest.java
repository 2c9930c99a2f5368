package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.apps.JettyApp;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Jetty 12.1, unchanged, on jmtcp's in-stack loopback ({@link JettyApp}): a {@code ServerConnector}
 * with its default blocking acceptors serving GET, a 100 MiB POST whose SHA-256 it echoes, chunked
 * responses and HTTP/2 cleartext, to the JDK's {@code HttpClient} in the same JVM, also on jmtcp.
 */
class JettyOnJmtcpTest {

    @Test
    void servesGetPostOf100MiBChunkedAndH2cOnBlockingAcceptors() throws Exception {
        try (ForkedApp app = ForkedApp.start(true, Libs.JETTY, JettyApp.class, String.valueOf(100L << 20))) {
            app.finish(Duration.ofSeconds(120));
            assertThat(Integer.parseInt(app.fact("jetty.acceptors"))).as("blocking acceptor threads").isPositive();
            assertThat(app.fact("get.status")).isEqualTo("200,200");
            assertThat(app.fact("get.body")).isEqualTo("hello from jetty");
            String[] ports = app.fact("get.server-saw-ports").split(",");
            assertThat(ports[0]).as("keep-alive: both GETs on one connection").isEqualTo(ports[1]);

            assertThat(app.fact("post.status")).isEqualTo("200");
            assertThat(app.fact("post.sha.echoed")).isEqualTo(app.fact("post.sha.sent"));
            System.out.printf("jetty on jmtcp: 100 MiB POST in %s ms%n", app.fact("post.ms"));

            assertThat(app.fact("chunked.status")).isEqualTo("200");
            assertThat(app.fact("chunked.transfer-encoding")).isEqualTo("chunked");
            assertThat(app.fact("chunked.body")).isEqualTo(
                    IntStream.range(0, 16).mapToObj(i -> "chunk-" + i + "|").collect(Collectors.joining()));

            assertThat(app.fact("h2c.status")).isEqualTo("200,200");
            assertThat(app.fact("h2c.version")).isEqualTo("HTTP_2,HTTP_2");
            assertThat(app.fact("h2c.body")).isEqualTo("hello from jetty");

            NettyOnJmtcpTest.assertOneProbeOnJmtcp(app);
        }
    }
}
