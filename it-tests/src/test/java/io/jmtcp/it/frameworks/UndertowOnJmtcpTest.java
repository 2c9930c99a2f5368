package io.jmtcp.it.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.apps.UndertowApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Undertow 2.3 over XNIO, unchanged, on jmtcp's in-stack loopback ({@link UndertowApp}), with no
 * XNIO property: the provider property alone moves XNIO's selectors, pipes and channels to jmtcp.
 */
class UndertowOnJmtcpTest {

    @Test
    void servesGetAndPostThroughXnio() throws Exception {
        try (ForkedApp app = ForkedApp.start(true, Libs.UNDERTOW, UndertowApp.class, String.valueOf(16L << 20))) {
            app.finish(Duration.ofSeconds(90));
            assertThat(app.fact("get.status")).isEqualTo("200,200");
            assertThat(app.fact("get.body")).isEqualTo("hello from undertow");
            String[] ports = app.fact("get.server-saw-ports").split(",");
            assertThat(ports[0]).as("keep-alive: both GETs on one connection").isEqualTo(ports[1]);
            assertThat(app.fact("post.status")).isEqualTo("200");
            assertThat(app.fact("post.sha.echoed")).isEqualTo(app.fact("post.sha.sent"));
            NettyOnJmtcpTest.assertOneProbeOnJmtcp(app);
        }
    }
}
