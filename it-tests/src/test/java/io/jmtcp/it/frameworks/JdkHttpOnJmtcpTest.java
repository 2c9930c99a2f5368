package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.apps.JdkHttpApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own HTTP server ({@code com.sun.net.httpserver}) and {@code java.net.http.HttpClient}
 * on jmtcp ({@link JdkHttpApp}): both take their channels and selectors from the provider.
 */
class JdkHttpOnJmtcpTest {

    @Test
    void jdkHttpServerAndHttpClientRunOnTheProvider() throws Exception {
        try (ForkedApp app = ForkedApp.start(true, Libs.JDK_ONLY, JdkHttpApp.class, String.valueOf(8L << 20))) {
            app.finish(Duration.ofSeconds(60));
            assertThat(app.fact("get.status")).isEqualTo("200,200");
            assertThat(app.fact("get.body")).isEqualTo("hello from com.sun.net.httpserver");
            String[] ports = app.fact("get.server-saw-ports").split(",");
            assertThat(ports[0]).as("keep-alive: both GETs on one connection").isEqualTo(ports[1]);
            assertThat(app.fact("post.status")).isEqualTo("200");
            assertThat(app.fact("post.sha.echoed")).isEqualTo(app.fact("post.sha.sent"));
            NettyOnJmtcpTest.assertOneProbeOnJmtcp(app);
        }
    }
}
