package io.jmtcp.it.exit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Netns;
import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 item 7 in a forked JVM started the way users start one (the provider property,
 * jmtcp.jar on the class path, the device and address as {@code jmtcp.*} properties), on a TAP
 * inside a namespace whose kernel is the peer: when the JVM exits (SIGTERM) while the
 * application still holds a connection that its own shutdown hook closes, the peer receives the
 * hook's last line and then a FIN — not a reset, and not silence.
 */
@Tag("interop")
class JvmExitTest {

    private static final String PROVIDER = "io.jmtcp.provider.JmtcpSelectorProvider";
    private static final int PORT = 8090;

    /** The kernel peer: connects, reads to the end, and says how the stream ended. */
    private static final String PEER = String.join("\n",
            "import socket, sys",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)",
            "open(sys.argv[3], 'w').write('CONNECTED\\n')",
            "data = b''",
            "try:",
            "    while True:",
            "        d = s.recv(4096)",
            "        if not d:",
            "            print('EOF ' + repr(data)); break",
            "        data += d",
            "except ConnectionResetError:",
            "    print('RESET ' + repr(data))",
            "except socket.timeout:",
            "    print('TIMEOUT ' + repr(data))",
            "");

    @Test
    void peerSeesTheLastDataAndFinWhenTheAppClosesInItsShutdownHook(@TempDir Path dir) throws Exception {
        Prerequisites.requireTapAndNetns();
        Path python = Path.of("/usr/bin/python3");
        Prerequisites.check(Files.isExecutable(python), "/usr/bin/python3 (the kernel peer)");
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar")).toAbsolutePath();
        Prerequisites.check(Files.isRegularFile(jar), "the shaded jar " + jar + " was not built");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String ifname = "jmtx" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Path serverMarker = dir.resolve("server.marker");
        Path peerMarker = dir.resolve("peer.marker");
        Path peerScript = dir.resolve("peer.py");
        Files.writeString(peerScript, PEER);

        try (Netns ns = Netns.create()) {
            Shell.Background app = ns.start(java,
                    "-Djava.nio.channels.spi.SelectorProvider=" + PROVIDER,
                    "-Djmtcp.device=tap:" + ifname, "-Djmtcp.ip=198.18.0.2/24", "-Djmtcp.shutdown.grace=10s",
                    "-cp", classesDir() + File.pathSeparator + jar,
                    ExitingServer.class.getName(), serverMarker.toString(), "198.18.0.2", Integer.toString(PORT));
            awaitLine(serverMarker, "LISTENING", app, Duration.ofSeconds(30));
            assertThat(Files.readString(serverMarker)).contains("PROVIDER " + PROVIDER);
            ns.configure(ifname, "198.18.0.1/24");

            Shell.Background peer = ns.start(python.toString(), peerScript.toString(), "198.18.0.2",
                    Integer.toString(PORT), peerMarker.toString());
            awaitLine(peerMarker, "CONNECTED", peer, Duration.ofSeconds(30));
            awaitLine(serverMarker, "ACCEPTED", app, Duration.ofSeconds(10));

            Shell.check("kill", "-TERM", Long.toString(app.pid()));
            Shell.Result exited = app.await(Duration.ofSeconds(30));
            Shell.Result seen = peer.await(Duration.ofSeconds(30));

            assertThat(Files.readString(serverMarker)).as(exited.describe()).contains("CLOSED");
            assertThat(seen.stdout().strip()).as(seen.describe()).isEqualTo("EOF b'bye\\n'");
        }
    }

    private static void awaitLine(Path marker, String line, Shell.Background process, Duration limit)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(marker) && Files.readAllLines(marker).contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("exited before " + line + ": " + process.await(Duration.ofSeconds(1)).describe());
            }
            Thread.sleep(20);
        }
        throw new AssertionError(line + " not reached within " + limit);
    }

    private static Path classesDir() {
        try {
            return Path.of(ExitingServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
