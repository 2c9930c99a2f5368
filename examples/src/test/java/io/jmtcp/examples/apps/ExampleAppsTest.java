package io.jmtcp.examples.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example app starts on the kernel, on jmtcp through the provider property and on jmtcp
 * through {@code -javaagent:jmtcp.jar}, and answers requests, in a JVM of its own. Two kinds of
 * client:
 * <ul>
 * <li>the app's {@code --self-test 10}: ten connections from inside the app's JVM through
 * {@code SocketChannel.open()}, so on jmtcp they run through the user-level stack end to end;
 * the app reports how many connections jmtcp's engines opened, which must be all ten on jmtcp
 * and "none" on the kernel (so a run that fell back to the kernel fails);</li>
 * <li>this test's own {@code java.net.Socket} (the kernel's), which on jmtcp reaches the app
 * through the provider's kernel-side listener (DESIGN.md 5), as curl would.</li>
 * </ul>
 */
class ExampleAppsTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final int SELF_TEST = 10;
    private static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    private static final Pattern BANNER =
            Pattern.compile("(\\w+) listening on 127\\.0\\.0\\.1:(\\d+) with SelectorProvider (\\S+)");

    /** How the app's JVM is told which stack to use. */
    enum Stack {
        KERNEL, JMTCP_PROPERTY, JMTCP_AGENT
    }

    static Stream<Arguments> appsAndStacks() {
        List<Arguments> all = new ArrayList<>();
        for (Class<?> app : List.of(NettyEcho.class, NettyHttpHello.class, JettyHello.class, UndertowHello.class)) {
            for (Stack stack : Stack.values()) {
                all.add(Arguments.of(app.getSimpleName(), stack));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("appsAndStacks")
    void startsAndAnswersOnEachStack(String app, Stack stack) throws Exception {
        Class<?> main = Class.forName(ExampleAppsTest.class.getPackageName() + "." + app);
        try (AppProcess p = start(stack, main)) {
            Matcher banner = BANNER.matcher(p.await(app + " listening on ", START));
            assertThat(banner.matches()).as(p.transcript()).isTrue();
            int port = Integer.parseInt(banner.group(2));
            if (stack == Stack.KERNEL) {
                assertThat(banner.group(3)).as("the JDK's own provider").startsWith("sun.nio.ch.");
            } else {
                assertThat(banner.group(3)).isEqualTo(PROVIDER);
            }

            String selfTest = p.await("self-test " + app + ": ", START);
            String expected = "self-test " + app + ": " + SELF_TEST + "/" + SELF_TEST
                    + " connections answered; jmtcp connections opened: "
                    + (stack == Stack.KERNEL ? "none (no jmtcp stack in this JVM)" : String.valueOf(SELF_TEST));
            assertThat(selfTest).as(p.transcript()).isEqualTo(expected);

            assertThat(askFromOutside(app, port)).as(p.transcript()).isEqualTo(expectedAnswer(app));
        }
    }

    private static AppProcess start(Stack stack, Class<?> main) {
        List<String> flags = new ArrayList<>();
        List<String> classPath;
        switch (stack) {
            case KERNEL -> classPath = testClassPath();
            case JMTCP_PROPERTY -> {
                flags.add("-Djava.nio.channels.spi.SelectorProvider=" + PROVIDER);
                classPath = testClassPath();
            }
            default -> {
                // as a user runs it: the app and its framework, and jmtcp only through the agent jar
                flags.add("-javaagent:" + agentJar());
                classPath = appClassPath();
            }
        }
        return AppProcess.start(main.getSimpleName() + " on " + stack, flags, classPath, main, "0", "--self-test",
                String.valueOf(SELF_TEST));
    }

    /** The test class path (the app's classes, the frameworks, jmtcp's modules): kernel and property runs share it. */
    private static List<String> testClassPath() {
        return Arrays.asList(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator));
    }

    /** The examples' classes and the frameworks' jars only: what examples/target/examples.jar holds. */
    private static List<String> appClassPath() {
        List<String> fragments = List.of("/io/netty/", "/org/eclipse/jetty/", "/org/slf4j/", "/io/undertow/",
                "/org/jboss/", "/org/wildfly/", "/io/smallrye/");
        List<String> keep = new ArrayList<>();
        for (String entry : testClassPath()) {
            String e = entry.replace('\\', '/');
            if (e.matches(".*examples/target/classes/?") || fragments.stream().anyMatch(e::contains)) {
                keep.add(entry);
            }
        }
        return keep;
    }

    /** agent/target/jmtcp.jar; skips the agent runs (fails under jmtcp.it.require) when it was not built. */
    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("jmtcp.examples.jar", "../agent/target/jmtcp.jar")).toAbsolutePath().normalize();
        Prerequisites.check(Files.isRegularFile(jar), "the agent jar " + jar + " (built by the agent module's package phase)");
        return jar;
    }

    private static String expectedAnswer(String app) {
        return switch (app) {
            case "NettyEcho" -> "ping through the kernel";
            case "NettyHttpHello" -> "200 hello from netty";
            case "JettyHello" -> "200 hello from jetty";
            case "UndertowHello" -> "200 hello from undertow";
            default -> throw new IllegalArgumentException(app);
        };
    }

    /** One exchange over a kernel socket of this (JDK-provider) JVM: an echo, or one HTTP/1.1 GET. */
    private static String askFromOutside(String app, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (app.equals("NettyEcho")) {
                byte[] message = "ping through the kernel".getBytes(StandardCharsets.US_ASCII);
                out.write(message);
                out.flush();
                return new String(in.readNBytes(message.length), StandardCharsets.US_ASCII);
            }
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = response.split(" ", 3)[1];
            return status + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
