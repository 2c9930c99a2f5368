package io.jmtcp.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Network.Ipam;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.services.HttpResponder;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.provider.JmtcpSelectorProvider;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Busybox containers on a user-defined Docker network (198.18.7.0/24; containers get addresses
 * from .128/25) reach an application on jmtcp at 198.18.7.2, whose TAP is a port of the
 * network's bridge: {@code wget} fetches {@code /bytes/N} from jmtcp's HTTP responder and the
 * bytes are checked, and {@code nc} talks to a plain NIO server running on the jmtcp provider.
 * The containers are real peers: a Linux network stack in their own namespace, behind a veth,
 * on the same bridge as jmtcp's TAP.
 */
@Tag("interop")
class ContainerPeerTest {

    private static final String SUBNET = "198.18.7.0/24";
    private static final String CONTAINER_RANGE = "198.18.7.128/25";
    private static final String JMTCP_IP = "198.18.7.2";
    private static final int HTTP_PORT = 8080;
    private static final int NIO_PORT = 9000;

    private static Network network;
    private static String bridge;
    private static String tap;
    private static Stack stack;
    private static ImageFromDockerfile image;

    /** Why the tests cannot run here, or null; each test reports it (a class-level skip shows nowhere). */
    private static String missing;

    @BeforeAll
    static void setUp() throws Exception {
        Path busybox = Path.of("/usr/bin/busybox");
        if (!Prerequisites.isRoot() || !Files.exists(Path.of("/dev/net/tun")) || !Prerequisites.onPath("ip")) {
            missing = "root, /dev/net/tun and ip(8), for jmtcp's TAP on the Docker bridge";
        } else if (!Files.isExecutable(busybox) || !isStatic(busybox)) {
            missing = "a statically linked /usr/bin/busybox (apt-get install busybox-static) for the container image";
        } else if (!dockerAvailable()) {
            missing = "a Docker daemon at DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + " (.ci/run starts one: dockerd -H unix:///tmp/jmtcp-docker.sock)";
        }
        if (missing != null) {
            return;
        }

        // FROM scratch needs no registry; busybox itself is the entry point, so no symlinks
        image = new ImageFromDockerfile("jmtcp/busybox-peer", false)
                .withFileFromPath("busybox", busybox)
                .withDockerfileFromBuilder(d -> d.from("scratch").copy("busybox", "/bin/busybox")
                        .entryPoint(new String[] {"/bin/busybox"}).build()); // exec form: there is no /bin/sh

        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        bridge = "jmtcpbr" + suffix;
        tap = "jmtcptap" + suffix;
        // a user-defined bridge with a name we choose, so the TAP can be enslaved to it; never the
        // default 172.17 bridge
        network = Network.builder()
                .driver("bridge")
                .createNetworkCmdModifier(cmd -> cmd
                        .withName("jmtcp-it-" + suffix)
                        .withOptions(Map.of("com.docker.network.bridge.name", bridge))
                        .withIpam(new Ipam().withConfig(new Ipam.Config()
                                .withSubnet(SUBNET).withIpRange(CONTAINER_RANGE).withGateway("198.18.7.1"))))
                .build();
        network.getId(); // creates it
        Shell.check("sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");

        try {
            stack = Stack.start(JmtcpConfig.of(Map.of("device", "tap:" + tap, "ip", JMTCP_IP + "/24",
                    "jmx", "false", "name", "container-it")));
            Shell.check("sysctl", "-q", "-w", "net.ipv6.conf." + tap + ".disable_ipv6=1");
            Shell.check("ip", "link", "set", "dev", tap, "master", bridge);
            Shell.check("ip", "link", "set", "dev", tap, "up");
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @BeforeEach
    void prerequisites() {
        Prerequisites.check(missing == null, missing);
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.close(); // the TAP goes with its fd
            stack = null;
        }
        if (network != null) {
            network.close();
            network = null;
        }
        if (tap != null && Shell.run("ip", "link", "show", "dev", tap).ok()) {
            Shell.run("ip", "link", "del", "dev", tap);
        }
    }

    private static boolean isStatic(Path binary) {
        Shell.Result r = Shell.run("file", "-L", binary.toString());
        return !r.ok() || r.stdout().contains("statically linked"); // without file(1), let the image build tell
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code busybox sh -c script} in a container on the network and returns its output
     * (stdout and stderr) followed by {@code exit=STATUS}: the container itself always exits 0,
     * so a failing command shows up in the assertion message rather than as a bare launch error.
     */
    private static String runInContainer(String script) {
        try (GenericContainer<?> peer = new GenericContainer<>(image)
                .withNetwork(network)
                .withCommand("sh", "-c", "(" + script + ") 2>&1; echo exit=$?")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            peer.start();
            return peer.getLogs();
        }
    }

    @Test
    void containerFetchesBytesFromTheJmtcpHttpResponderOverTheBridge() throws Exception {
        int n = 3 * 1024 * 1024 + 17;
        try (HttpResponder http = new HttpResponder()) {
            http.start(stack, HTTP_PORT);
            // the image is FROM scratch: no /tmp, but / is the container's own writable layer
            String out = runInContainer("busybox wget -q -O /body http://" + JMTCP_IP + ":" + HTTP_PORT
                    + "/bytes/" + n + " && busybox wc -c < /body && busybox sha256sum /body");

            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(HttpResponder.pattern(n)));
            List<String> lines = out.lines().map(String::strip).toList();
            assertThat(lines).as(out).contains("exit=0", Integer.toString(n));
            assertThat(lines).as(out).anySatisfy(l -> assertThat(l).startsWith(expected));
            assertThat(http.accepted()).isEqualTo(1);
        }
    }

    @Test
    void containerTalksToAnNioServerOnTheJmtcpProvider() throws Exception {
        JmtcpSelectorProvider provider = new JmtcpSelectorProvider(stack);
        try (ServerSocketChannel listener = provider.openServerSocketChannel()) {
            listener.bind(new InetSocketAddress(JMTCP_IP, NIO_PORT));
            Thread server = new Thread(() -> serveOneUpperCase(listener), "nio-upper");
            server.setDaemon(true);
            server.start();

            String out = runInContainer("echo hello from a container | busybox nc " + JMTCP_IP + " " + NIO_PORT);

            assertThat(out).contains("HELLO FROM A CONTAINER").contains("exit=0");
            server.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(server.isAlive()).isFalse();
        }
    }

    /** Plain blocking NIO: reads one line, answers it in upper case, closes. */
    private static void serveOneUpperCase(ServerSocketChannel listener) {
        try (SocketChannel c = listener.accept()) {
            ByteBuffer in = ByteBuffer.allocate(256);
            while (c.read(in) > 0) {
                if (in.get(in.position() - 1) == '\n') {
                    break;
                }
            }
            in.flip();
            String line = StandardCharsets.US_ASCII.decode(in).toString();
            c.write(ByteBuffer.wrap(line.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
