package io.jmtcp.engine.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.wire.Ipv4Address;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The services against jmtcp's own client side on the in-stack loopback device: real engine
 * and service threads, both ends of every connection through the full TCP engine.
 */
@Timeout(60)
class ServicesOnLoopbackTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int LO = Ipv4Address.parse("127.0.0.1");

    private static Stack stack;
    private static HttpResponder http;
    private static EchoService echo;
    private static ChargenService chargen;
    private static DiscardService discard;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.start(JmtcpConfig.of(Map.of("device", "loopback", "jmx", "false")));
        http = (HttpResponder) new HttpResponder().start(stack, 0);
        echo = (EchoService) new EchoService().start(stack, 0);
        chargen = (ChargenService) new ChargenService().start(stack, 0);
        discard = (DiscardService) new DiscardService().start(stack, 0);
    }

    @AfterAll
    static void stop() {
        for (TcpService s : new TcpService[] {http, echo, chargen, discard}) {
            if (s != null) {
                s.close();
            }
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpClient httpClient() throws IOException {
        return HttpClient.connect(stack, new HttpClient.Url(LO, http.port(), "/"), 5 * SECOND, 10 * SECOND);
    }

    private static Connection connect(int port) throws IOException {
        Connection c = new Connection(stack.connect(LO, port), 10 * SECOND);
        c.awaitConnected(5 * SECOND);
        return c;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void getBytesStreamsOneMebibyteOfThePatternWithMatchingSha() throws Exception {
        try (HttpClient c = httpClient()) {
            c.send("GET", "/bytes/1048576", "127.0.0.1", List.of(), null);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            HttpClient.Response r = c.receive("GET", body);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.complete()).isTrue();
            assertThat(r.field("Content-Length")).isEqualTo("1048576");
            assertThat(r.field("Connection")).isEqualTo("keep-alive");
            assertThat(r.bodyBytes()).isEqualTo(1048576);
            byte[] expected = HttpResponder.pattern(1048576);
            assertThat(body.toByteArray()).isEqualTo(expected);
            assertThat(r.sha256Hex()).isEqualTo(sha256(expected));
        }
    }

    @Test
    void postWithContentLengthIsAnsweredWithTheBodysSha() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        try (HttpClient c = httpClient()) {
            c.send("POST", "/upload", "127.0.0.1", List.of("Expect: 100-continue"), data);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            HttpClient.Response r = c.receive("POST", body);

            assertThat(r.status()).isEqualTo(200);
            assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo(sha256(data) + "\n");
        }
    }

    @Test
    void chunkedPostIsDecodedBeforeHashing() throws Exception {
        byte[] part1 = "hello, ".getBytes(StandardCharsets.US_ASCII);
        byte[] part2 = new byte[70_000];
        new Random(7).nextBytes(part2);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(part1.length)
                + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII));
        req.write(part1);
        req.write(("\r\n" + Integer.toHexString(part2.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        req.write(part2);
        req.write("\r\n0\r\nX-Trailer: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(part1);
        whole.write(part2);
        try (HttpClient c = httpClient()) {
            c.sendRaw(req.toByteArray());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            HttpClient.Response r = c.receive("POST", body);

            assertThat(r.status()).isEqualTo(200);
            assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo(sha256(whole.toByteArray()) + "\n");
        }
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        long acceptedBefore = http.accepted();
        try (HttpClient c = httpClient()) {
            for (int i = 0; i < 5; i++) {
                c.send("GET", "/bytes/" + (1000 * i), "127.0.0.1", List.of(), null);
                HttpClient.Response r = c.receive("GET", null);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyBytes()).isEqualTo(1000L * i);
                assertThat(r.keepAlive()).isTrue();
                assertThat(r.sha256Hex()).isEqualTo(sha256(HttpResponder.pattern(1000 * i)));
            }
            c.send("GET", "/", "127.0.0.1", List.of(), null);
            HttpClient.Response greeting = c.receive("GET", null);
            assertThat(greeting.status()).isEqualTo(200);
            assertThat(greeting.bodyBytes()).isEqualTo(HttpResponder.GREETING.length());
        }
        assertThat(http.accepted() - acceptedBefore).as("connections the responder accepted").isEqualTo(1);
    }

    @Test
    void connectionCloseIsHonouredWithAFinAfterTheResponse() throws Exception {
        try (HttpClient c = httpClient()) {
            c.send("GET", "/bytes/10", "127.0.0.1", List.of("Connection: close"), null);
            HttpClient.Response r = c.receive("GET", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.field("connection")).isEqualTo("close");
            assertThat(r.keepAlive()).isFalse();
            assertThat(c.connection().read(ByteBuffer.allocate(16))).as("end of stream after the response").isEqualTo(-1);
        }
    }

    @Test
    void answersUnknownPathsWith404AndOtherMethodsWith405() throws Exception {
        try (HttpClient c = httpClient()) {
            c.send("GET", "/nothing-here", "127.0.0.1", List.of(), null);
            assertThat(c.receive("GET", null).status()).isEqualTo(404);
            c.send("DELETE", "/", "127.0.0.1", List.of(), null);
            HttpClient.Response r = c.receive("DELETE", null);
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.field("allow")).isEqualTo("GET, HEAD, POST");
            c.send("HEAD", "/bytes/5000", "127.0.0.1", List.of(), null);
            HttpClient.Response head = c.receive("HEAD", null);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.field("content-length")).isEqualTo("5000");
            assertThat(head.bodyBytes()).isZero();
            // still usable after all that
            c.send("GET", "/bytes/3", "127.0.0.1", List.of(), null);
            assertThat(c.receive("GET", null).bodyBytes()).isEqualTo(3);
        }
    }

    @Test
    void malformedRequestsGet400AndTheConnectionCloses() throws Exception {
        for (String bad : new String[] {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n" /* no Host */, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
            try (HttpClient c = httpClient()) {
                c.sendRaw(bad.getBytes(StandardCharsets.ISO_8859_1));
                HttpClient.Response r = c.receive("GET", null);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.keepAlive()).as(bad).isFalse();
            }
        }
    }

    @Test
    void anOverlongHeaderLineIsAnswered431() throws Exception {
        try (HttpClient c = httpClient()) {
            c.sendRaw(("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(20_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(c.receive("GET", null).status()).isEqualTo(431);
        }
    }

    @Test
    void echoReturnsEveryByteInOrder() throws Exception {
        byte[] data = new byte[500_000];
        new Random(3).nextBytes(data);
        try (Connection c = connect(echo.port())) {
            // a writer thread, since the echo cannot return more than the rings hold until read
            Thread writer = new Thread(() -> {
                try {
                    c.writeFully(ByteBuffer.wrap(data));
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            ByteBuffer got = ByteBuffer.allocate(data.length + 1);
            while (c.read(got) >= 0) {
                if (!got.hasRemaining()) {
                    break;
                }
            }
            writer.join();
            assertThat(got.position()).isEqualTo(data.length);
            assertThat(java.util.Arrays.copyOf(got.array(), data.length)).isEqualTo(data);
        }
    }

    @Test
    void chargenSendsTheRfc864RotatingPattern() throws Exception {
        int n = 3 * ChargenService.LINES_PER_PERIOD * ChargenService.LINE_BYTES + 100;
        try (Connection c = connect(chargen.port())) {
            ByteBuffer got = ByteBuffer.allocate(n);
            while (got.hasRemaining()) {
                assertThat(c.read(got)).isPositive();
            }
            byte[] expected = ChargenService.expected(n);
            assertThat(got.array()).isEqualTo(expected);
            assertThat(new String(expected, 0, ChargenService.LINE_BYTES, StandardCharsets.US_ASCII))
                    .isEqualTo("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n"
                            .replace("!", " !").substring(0, 72) + "\r\n");
        }
    }

    @Test
    void discardDropsWhatItReceivesAndClosesWhenTheClientDoes() throws Exception {
        long before = discard.discardedBytes();
        try (Connection c = connect(discard.port())) {
            c.writeFully(ByteBuffer.wrap(new byte[200_000]));
            c.shutdownOutput();
            assertThat(c.read(ByteBuffer.allocate(10))).as("the server closes after our FIN").isEqualTo(-1);
        }
        assertThat(discard.discardedBytes() - before).isEqualTo(200_000);
    }

    @Test
    void aClientThatOpensAndSaysNothingDoesNotHoldTheServerPastItsTimeout() throws Exception {
        HttpResponder quick = (HttpResponder) new HttpResponder(SECOND / 2, 4).start(stack, 0);
        try {
            TcpSocket s = stack.connect(LO, quick.port());
            Connection c = new Connection(s, 5 * SECOND);
            c.awaitConnected(5 * SECOND);
            assertThat(c.read(ByteBuffer.allocate(10))).as("closed by the server when idle").isEqualTo(-1);
            c.close();
        } finally {
            quick.close();
        }
    }
}
