package io.jmtcp.it.frameworks;

import static io.jmtcp.it.frameworks.AgentAttachTest.attach;
import static io.jmtcp.it.frameworks.AgentAttachTest.awaitFact;
import static io.jmtcp.it.frameworks.AgentAttachTest.javaHome;
import static io.jmtcp.it.frameworks.AgentAttachTest.kernelListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.it.frameworks.AgentAttachTest.Cli;
import io.jmtcp.it.frameworks.ForkedApp.Libs;
import io.jmtcp.it.frameworks.ForkedApp.Probe;
import io.jmtcp.it.frameworks.apps.AttachJettyApp;
import io.jmtcp.it.frameworks.apps.AttachNioApp;
import io.jmtcp.it.frameworks.apps.AttachUndertowApp;
import io.jmtcp.testing.Shell;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attach semantics of issue 6 beyond Netty, each in a running JVM that the test attaches
 * jmtcp to with {@code java -jar jmtcp.jar attach PID OPTIONS} (helpers shared with
 * {@link AgentAttachTest}): Jetty servers and connectors made after the attach run on jmtcp while
 * the first server keeps the kernel; Jetty's own client made before the attach cannot open new
 * connections after it (the documented limit, pinned: a clear {@code IllegalSelectorException},
 * no hang); an Undertow instance (a new XNIO worker) made after the attach runs on jmtcp; plain
 * NIO selectors and listeners on both sides of the attach, mixed both ways; blocking
 * {@code java.net} sockets stay on the kernel before and after. The options turn jmtcp's kernel-side listener off ({@code route.kernel-listen=false})
 * so that {@code ss -ltn} shows exactly the kernel's own listeners.
 */
class AgentAttachFrameworksTest {

    static final String OPTIONS = AgentAttachTest.OPTIONS + ",route.kernel-listen=false";

    private ForkedApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void jettyServersMadeAfterTheAttachRunOnJmtcpWhileTheFirstKeepsTheKernel(String jdk) throws Exception {
        Path home = javaHome(jdk);
        app = AgentAttachTest.start(home, Libs.JETTY, AttachJettyApp.class, false);
        int p1 = Integer.parseInt(awaitFact(app, "server1.port"));
        assertThat(app.fact("server1.channel")).startsWith("sun.nio.ch.");
        assertThat(app.fact("before.jetty1")).startsWith("200 hello-from-jetty sun.nio.ch.");
        assertThat(kernelListener(p1)).isNotEmpty();

        attachOrFail(home);
        awaitFact(app, "done");
        assertThat(app.fact("provider")).isEqualTo(ForkedApp.PROVIDER);
        int p2 = Integer.parseInt(app.fact("server2.port"));
        int p3 = Integer.parseInt(app.fact("connector3.port"));
        assertThat(app.fact("server2.channel")).isEqualTo(AgentAttachTest.JMTCP_SERVER);
        assertThat(app.fact("connector3.channel")).isEqualTo(AgentAttachTest.JMTCP_SERVER);
        assertThat(kernelListener(p2)).as("no kernel listener for server 2").isEmpty();
        assertThat(kernelListener(p3)).as("no kernel listener for connector 3").isEmpty();
        assertThat(app.fact("after.client2.server2")).startsWith("200 hello-from-jetty " + AgentAttachTest.JMTCP_CLIENT);
        assertThat(app.fact("after.client2.connector3")).startsWith("200 hello-from-jetty " + AgentAttachTest.JMTCP_CLIENT);
        assertThat(app.probes()).hasSize(1);
        app.probes().get(0).assertOnJmtcp();
        // client 2 (jmtcp) reaches the kernel listener of server 1 through jmtcp's kernel route
        assertThat(app.fact("after.client2.server1")).startsWith("200 hello-from-jetty sun.nio.ch.");
        // the documented limit: the pre-attach Jetty client's selector is the JDK's
        assertThat(app.fact("after.client1.server2")).startsWith("failed java.nio.channels.IllegalSelectorException");
        assertThat(app.fact("after.client1.server1")).startsWith("failed java.nio.channels.IllegalSelectorException");
        // and the first server still serves the kernel's clients from its kernel listener
        assertKernelServes(p1, "hello-from-jetty");
        stopApp();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void undertowMadeAfterTheAttachRunsOnJmtcpWhileTheFirstKeepsTheKernel(String jdk) throws Exception {
        Path home = javaHome(jdk);
        app = AgentAttachTest.start(home, Libs.UNDERTOW, AttachUndertowApp.class, false);
        int p1 = Integer.parseInt(awaitFact(app, "server1.port"));
        assertThat(app.fact("before.server1")).isEqualTo("200 hello-from-undertow");
        assertThat(kernelListener(p1)).isNotEmpty();

        attachOrFail(home);
        awaitFact(app, "done");
        assertThat(app.fact("server2.start")).as(app.transcript()).isEqualTo("ok");
        int p2 = Integer.parseInt(app.fact("server2.port"));
        assertThat(kernelListener(p2)).as("no kernel listener for Undertow 2").isEmpty();
        assertThat(app.fact("client2.channel")).isEqualTo(AgentAttachTest.JMTCP_CLIENT);
        assertThat(app.fact("after.server2")).isEqualTo("200 hello-from-undertow");
        assertThat(app.probes()).hasSize(1);
        app.probes().get(0).assertOnJmtcp();
        assertThat(app.fact("after.server1")).isEqualTo("200 hello-from-undertow");
        assertKernelServes(p1, "hello-from-undertow");
        stopApp();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void plainNioPairsOnBothSidesOfTheAttachAndBlockingSocketsStayOnTheKernel(String jdk) throws Exception {
        Path home = javaHome(jdk);
        app = AgentAttachTest.start(home, Libs.JDK_ONLY, AttachNioApp.class, false);
        awaitFact(app, "nio1.port");
        assertThat(app.fact("before.nio1")).startsWith("echo before-1 sun.nio.ch.");
        assertThat(app.fact("before.blocking1")).isEqualTo("echo before-b1 channel=null");

        attachOrFail(home);
        awaitFact(app, "done");
        assertThat(app.fact("provider")).isEqualTo(ForkedApp.PROVIDER);
        // the pre-attach selector and listener keep working, on the kernel
        assertThat(app.fact("after.nio1")).startsWith("echo after-1 sun.nio.ch.");
        // a pair made after the attach is jmtcp's, its connection in jmtcp's listing only
        assertThat(app.fact("selector2.class")).startsWith("io.jmtcp.provider.");
        assertThat(app.fact("nio2.channel")).isEqualTo(AgentAttachTest.JMTCP_SERVER);
        assertThat(app.fact("nio2.client")).isEqualTo(AgentAttachTest.JMTCP_CLIENT);
        assertThat(kernelListener(Integer.parseInt(app.fact("nio2.port")))).isEmpty();
        assertThat(app.fact("after.nio2")).isEqualTo("echo after-2 " + AgentAttachTest.JMTCP_CLIENT);
        // a selector made after the attach takes a listener made before it (and the channel it accepts)
        assertThat(app.fact("after.nio0")).startsWith("echo after-0 sun.nio.ch.");
        // blocking java.net sockets do not go through SelectorProvider: the kernel's, before and after
        assertThat(app.fact("after.blocking1")).isEqualTo("echo after-b1 channel=null");
        assertThat(app.fact("after.blocking2")).isEqualTo("echo after-b2 channel=null");
        assertThat(kernelListener(Integer.parseInt(app.fact("blocking2.port")))).isNotEmpty();
        assertThat(app.probes()).extracting(Probe::what).containsExactly("nio-after-attach", "blocking-after-attach");
        app.probes().get(0).assertOnJmtcp();
        Probe blocking = app.probes().get(1);
        assertThat(blocking.kernelEstablished()).as("the blocking connection is the kernel's").hasSize(2);
        assertThat(blocking.jmx()).noneMatch(l -> l.contains(blocking.server() + " "));
        // the documented limit: a channel opened after the attach cannot join a selector opened before it
        assertThat(app.fact("after.mixed")).isEqualTo("failed java.nio.channels.IllegalSelectorException");
        stopApp();
    }

    // ------------------------------------------------------------------ helpers

    private void attachOrFail(Path home) throws Exception {
        Cli cli = attach(home, app, OPTIONS);
        assertThat(cli.exit()).as(cli.err() + "\n" + app.transcript()).isZero();
        app.send("attached");
    }

    private static void assertKernelServes(int port, String body) {
        Shell.Result curl = Shell.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "15",
                "http://127.0.0.1:" + port + "/hello");
        assertThat(curl.stdout()).as(curl.describe()).isEqualTo(body);
        assertThat(kernelListener(port)).isNotEmpty();
    }

    private void stopApp() throws InterruptedException {
        app.send("stop");
        assertThat(app.exitCode(Duration.ofSeconds(30))).as(app.transcript()).isZero();
        assertThat(app.output()).as("jmtcp's own errors inside the app").noneMatch(l -> l.startsWith("jmtcp:"));
    }
}
