package io.jmtcp.provider.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.stack.Stack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shm wire between two JVMs, each with its own stack: this test's JVM and a forked
 * {@link ShmPeer}. No root needed. The file lives in /dev/shm where it exists (as in use).
 */
@Timeout(300)
class ShmTwoProcessTest {

    private static final long SECOND = 1_000_000_000L;

    private final List<Forked> children = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path file;

    @BeforeEach
    void pickFile() throws IOException {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Files.createTempDirectory("shm");
        file = dir.resolve("jmtcp-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".wire");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Forked c : children) {
            c.process.destroyForcibly().waitFor();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        Files.deleteIfExists(file);
    }

    /** A forked JVM running {@link ShmPeer}; its output is collected and READY awaited. */
    private static final class Forked {
        final Process process;
        final StringBuffer output = new StringBuffer();
        final CountDownLatch ready = new CountDownLatch(1);

        Forked(Process process) {
            this.process = process;
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                        if (line.equals("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            }, "shm-peer-output");
            pump.setDaemon(true);
            pump.start();
        }

        void awaitReady() throws InterruptedException {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("peer not READY within 60 s; alive " + process.isAlive() + ", output:\n" + output);
            }
        }
    }

    private Forked fork(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ShmPeer.class.getName());
        command.addAll(List.of(args));
        Forked f = new Forked(new ProcessBuilder(command).redirectErrorStream(true).start());
        children.add(f);
        return f;
    }

    private Stack server() {
        Stack s = ShmPeer.stack(file, "198.18.0.1", "shm-server");
        open.add(s);
        return s;
    }

    private static TcpSocket accept(TcpSocket listener) {
        assertThat(listener.awaitAcceptable(60 * SECOND)).isEqualTo(Waiter.READY);
        TcpSocket s = listener.accept();
        assertThat(s).isNotNull();
        return s;
    }

    @Test
    void twoJvmsExchange256MiBBothWaysWithMatchingSha256() throws Exception {
        long bytes = 256L << 20;
        Stack stack = server();
        TcpSocket listener = stack.listen(0, ShmPeer.PORT, 16);
        Forked client = fork("client", file.toString(), Long.toString(bytes));
        TcpSocket s = accept(listener);
        long t0 = System.nanoTime();
        String error = ShmPeer.exchange(s, bytes, 3, 7, 240 * SECOND);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(error).as("server side of the exchange").isNull();
        assertThat(client.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(client.output.toString()).as("client output").contains("RESULT ok");
        assertThat(client.process.exitValue()).isZero();
        System.out.printf("shm two-JVM exchange: %d MiB each way in %.2f s, %.0f MiB/s per direction%n",
                bytes >> 20, seconds, (bytes >> 20) / seconds);
        s.close();
    }

    @Test
    void killedPeerFailsTheSurvivorsConnectionsWithAnIOExceptionInBoundedTime() throws Exception {
        Stack stack = server();
        TcpSocket listener = stack.listen(0, ShmPeer.PORT, 16);
        Forked peer = fork("stream", file.toString());
        TcpSocket busy = accept(listener);
        TcpSocket idle = accept(listener);
        peer.awaitReady();
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long received = 0;
        while (received < (1 << 20)) {
            buf.clear();
            int n = busy.read(buf);
            if (n == 0) {
                busy.awaitReadable(SECOND);
            }
            received += Math.max(n, 0);
        }
        long killed = System.nanoTime();
        peer.process.destroyForcibly();
        for (TcpSocket s : new TcpSocket[] {busy, idle}) {
            assertThatThrownBy(() -> {
                while (System.nanoTime() - killed < 20 * SECOND) {
                    buf.clear();
                    if (s.read(buf) == 0) {
                        s.awaitReadable(SECOND);
                    }
                }
            }).as("a read on the survivor fails").isInstanceOf(IOException.class)
                    .hasStackTraceContaining("is gone").hasStackTraceContaining(file.toString());
        }
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("shm peer crash: both connections failed %.3f s after the kill%n", seconds);
        assertThat(seconds).as("detected well before any TCP timer would").isLessThan(10);
        assertThat(stack.failure()).isNotNull();
    }

    @Test
    void staleFileOfAKilledProcessIsRefusedWhileItsPeerLivesThenRecovered() throws Exception {
        Forked holder = fork("hold", file.toString());
        holder.awaitReady();
        long holderPid = holder.process.pid();
        ShmDevice b = ShmDevice.open(file, 1, 0, ShmDevice.Options.defaults());
        open.add(b);
        assertThat(b.wire().side()).as("attached to the forked creator").isOne();
        assertThatThrownBy(() -> ShmWire.open(file, new ShmWire.Request(1, 0, 0, 0)))
                .hasMessageContaining(file.toString()).hasMessageContaining("in use by pid " + holderPid + " (side A)");

        holder.process.destroyForcibly().waitFor();
        long deadline = System.nanoTime() + 10 * SECOND;
        while (b.linkDown() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(b.linkDown()).as("the survivor saw its peer die").isNotNull();
        assertThat(b.linkDown().getMessage()).contains("peer pid " + holderPid, "is gone");
        assertThatThrownBy(() -> ShmWire.open(file, new ShmWire.Request(1, 0, 0, 0)))
                .as("side B still lives: the down wire is not taken over")
                .hasMessageContaining("side A (pid " + holderPid + ") is gone")
                .hasMessageContaining("side B (pid " + ProcessHandle.current().pid() + ") is live");

        b.close();
        try (ShmWire recovered = ShmWire.open(file, new ShmWire.Request(1, 0, 0, 0))) {
            assertThat(recovered.side()).isZero();
            assertThat(recovered.recovered()).isTrue();
            assertThat(recovered.generation()).isEqualTo(2);
        }
        assertThat(file).as("the new creator removed it").doesNotExist();
    }

    @Test
    void twoAttachedIdleStacksUseLittleCpu() throws Exception {
        Forked a = fork("idle", file.toString(), "198.18.0.1");
        a.awaitReady();
        Forked b = fork("idle", file.toString(), "198.18.0.2");
        b.awaitReady();
        Thread.sleep(3000); // JIT and start-up settle
        long[] before = {cpuTicks(a.process.pid()), cpuTicks(b.process.pid())};
        long t0 = System.nanoTime();
        Thread.sleep(5000);
        double wall = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < 2; i++) {
            Forked f = i == 0 ? a : b;
            double cpu = (cpuTicks(f.process.pid()) - before[i]) / 100.0 / wall;
            System.out.printf("shm idle: side %s uses %.1f%% of a core%n", i == 0 ? "A" : "B", cpu * 100);
            assertThat(f.process.isAlive()).as(f.output.toString()).isTrue();
            assertThat(cpu).as("an idle attached stack does not burn a core").isLessThan(0.5);
        }
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux), from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }
}
