package io.jmtcp.provider.shm;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The other process of the two-JVM shm tests (run with {@code java -cp <test class path>
 * io.jmtcp.provider.shm.ShmPeer ROLE FILE [BYTES]}), and the exchange both sides run.
 *
 * <p>Roles: {@code client} — a stack at 198.18.0.2 that connects to 198.18.0.1:9000 and runs
 * {@link #exchange} both ways, then prints {@code RESULT ok} or {@code RESULT fail ...};
 * {@code stream} — connects twice, keeps one connection busy sending and the other idle, until
 * killed; {@code hold} — opens the bare device and waits until killed; {@code idle} — a stack
 * (address from BYTES, e.g. 198.18.0.1) that does nothing until killed. Each prints
 * {@code READY} once it is up.
 */
public final class ShmPeer {

    static final int PORT = 9000;
    static final int SERVER_IP = Cidr.parseAddress("198.18.0.1");
    private static final long SECOND = 1_000_000_000L;

    private ShmPeer() {}

    public static void main(String[] args) throws Exception {
        String role = args[0];
        Path file = Path.of(args[1]);
        switch (role) {
            case "client" -> {
                try (Stack stack = stack(file, "198.18.0.2", "shm-client")) {
                    TcpSocket s = connect(stack);
                    System.out.println("READY");
                    String error = exchange(s, Long.parseLong(args[2]), 7, 3, 300 * SECOND);
                    System.out.println(error == null ? "RESULT ok" : "RESULT fail " + error);
                    s.close();
                    // let the last data and the FIN be acknowledged before this process (and its
                    // end of the wire) goes: the survivor treats a vanished peer as a link failure
                    stack.shutdown(10 * SECOND);
                    System.exit(error == null ? 0 : 1);
                }
            }
            case "stream" -> {
                Stack stack = stack(file, "198.18.0.2", "shm-stream");
                TcpSocket busy = connect(stack);
                TcpSocket idle = connect(stack);
                System.out.println("READY");
                ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                while (true) {
                    buf.clear();
                    if (busy.write(buf) == 0) {
                        busy.awaitWritable(SECOND);
                    }
                    if (idle.failure() != null) {
                        throw idle.failure();
                    }
                }
            }
            case "hold" -> {
                ShmDevice.open(file, 1, 0, ShmDevice.Options.defaults());
                System.out.println("READY");
                Thread.sleep(Long.MAX_VALUE);
            }
            case "idle" -> {
                stack(file, args[2], "shm-idle-" + args[2]);
                System.out.println("READY");
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException("unknown role " + role);
        }
    }

    static Stack stack(Path file, String ip, String name) {
        return Stack.start(JmtcpConfig.of(Map.of("device", "shm:" + file, "ip", ip + "/24", "jmx", "false",
                "name", name)));
    }

    private static TcpSocket connect(Stack stack) throws IOException {
        TcpSocket s = stack.connect(SERVER_IP, PORT);
        if (s.awaitConnected(20 * SECOND) != Waiter.READY || s.failure() != null || !s.is(TcpSocket.CONNECTED)) {
            throw new IOException("connect to 198.18.0.1:" + PORT + " failed: " + s.failure());
        }
        return s;
    }

    /**
     * Sends {@code bytes} pseudo-random bytes (seed {@code sendSeed}) followed by their SHA-256,
     * while receiving the peer's stream (seed {@code receiveSeed}) and checking it against the
     * digest that follows it and against the same generator; then shuts the output.
     *
     * @return null when both directions completed and every byte matched, else what went wrong
     */
    static String exchange(TcpSocket s, long bytes, long sendSeed, long receiveSeed, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        AtomicReference<String> writeError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                Stream stream = new Stream(sendSeed);
                ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                for (long left = bytes; left > 0; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    stream.fill(buf);
                    buf.flip();
                    sha.update(buf.duplicate());
                    left -= buf.remaining();
                    writeFully(s, buf, deadline);
                }
                writeFully(s, ByteBuffer.wrap(sha.digest()), deadline);
                s.shutdownOutput();
            } catch (Exception e) {
                writeError.set("send: " + e);
            }
        }, "shm-exchange-writer");
        writer.start();
        String readError = null;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            Stream stream = new Stream(receiveSeed);
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            ByteBuffer reference = ByteBuffer.allocateDirect(64 * 1024);
            ByteBuffer trailer = ByteBuffer.allocate(32);
            long received = 0;
            while (true) {
                buf.clear();
                int n = s.read(buf);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException("timed out after " + received + " bytes");
                    }
                    s.awaitReadable(SECOND);
                    continue;
                }
                buf.flip();
                long dataLeft = bytes - received;
                if (dataLeft > 0) {
                    int data = (int) Math.min(dataLeft, n);
                    ByteBuffer part = buf.duplicate().limit(data);
                    sha.update(part.duplicate());
                    reference.clear().limit(data);
                    stream.fill(reference);
                    reference.flip();
                    expected.update(reference);
                    buf.position(data);
                }
                received += n;
                if (received > bytes + 32) {
                    throw new IOException("received " + received + " bytes, more than " + (bytes + 32));
                }
                trailer.put(buf);
            }
            if (received != bytes + 32) {
                throw new IOException("stream ended after " + received + " of " + (bytes + 32) + " bytes");
            }
            byte[] got = sha.digest();
            if (!Arrays.equals(got, trailer.array())) {
                throw new IOException("SHA-256 of the received bytes " + HexFormat.of().formatHex(got)
                        + " differs from the sender's " + HexFormat.of().formatHex(trailer.array()));
            }
            if (!Arrays.equals(got, expected.digest())) {
                throw new IOException("received bytes differ from the generator's");
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            readError = "receive: " + e;
        }
        writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (writer.isAlive()) {
            writer.interrupt();
            return "send did not finish" + (readError == null ? "" : "; " + readError);
        }
        String w = writeError.get();
        return readError != null ? readError + (w == null ? "" : "; " + w) : w;
    }

    private static void writeFully(TcpSocket s, ByteBuffer buf, long deadline) throws IOException {
        while (buf.hasRemaining()) {
            if (s.write(buf) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("timed out with " + buf.remaining() + " bytes unsent");
                }
                s.awaitWritable(SECOND);
            }
        }
    }

    /** A deterministic byte stream: 8 pseudo-random bytes at a time, continued across calls. */
    private static final class Stream {
        private final SplittableRandom random;
        private long word;
        private int left;

        Stream(long seed) {
            random = new SplittableRandom(seed);
        }

        void fill(ByteBuffer b) {
            while (b.hasRemaining()) {
                if (left == 0) {
                    word = random.nextLong();
                    left = 8;
                }
                if (left == 8 && b.remaining() >= 8) {
                    b.putLong(word);
                    left = 0;
                } else {
                    b.put((byte) (word >>> (8 * --left)));
                }
            }
        }
    }
}
