package io.jmtcp.engine.soak;

import io.jmtcp.engine.api.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * One direction of a soak connection: the sending application writes a {@link PatternStream}
 * into its socket and shuts the output down after the last byte; the receiving application reads
 * until end of stream and checks every byte against the same stream. All calls are non-blocking.
 */
final class Flow {

    final String name;
    final TcpSocket sender;
    final TcpSocket receiver;
    final PatternStream out;
    final PatternStream in;
    boolean shut;
    boolean eof;

    Flow(String name, TcpSocket sender, TcpSocket receiver, long seed, long length) {
        this.name = name;
        this.sender = sender;
        this.receiver = receiver;
        this.out = new PatternStream(seed, length);
        this.in = new PatternStream(seed, length);
    }

    /**
     * Writes what the send ring takes, shuts the output down once everything is written, reads
     * what arrived and checks it.
     *
     * @return bytes moved plus state changes (0: nothing happened)
     * @throws IOException the socket's failure (reset, timeout)
     * @throws AssertionError at the first wrong byte, or at an early end of stream
     */
    int pump(ByteBuffer readBuffer) throws IOException {
        int work = 0;
        while (!out.done()) {
            int n = out.writeTo(sender::write);
            if (n <= 0) {
                break;
            }
            work += n;
        }
        if (out.done() && !shut) {
            sender.shutdownOutput();
            shut = true;
            work++;
        }
        while (!eof) {
            readBuffer.clear();
            int n = receiver.read(readBuffer);
            if (n < 0) {
                if (!in.done()) {
                    throw new AssertionError(name + ": end of stream after " + in.position() + " of " + in.length()
                            + " bytes");
                }
                eof = true;
                work++;
                break;
            }
            if (n == 0) {
                break;
            }
            readBuffer.flip();
            long bad = in.verify(readBuffer);
            if (bad >= 0) {
                throw new AssertionError(name + ": byte " + bad + " of the stream differs from what was sent"
                        + " (or arrived beyond its " + in.length() + " bytes)");
            }
            work += n;
        }
        return work;
    }

    boolean complete() {
        return eof && shut;
    }

    String sha(boolean sent) {
        return HexFormat.of().formatHex(sent ? out.digest() : in.digest());
    }

    @Override
    public String toString() {
        return name + " written=" + out.position() + " received=" + in.position() + "/" + in.length()
                + (shut ? " shut" : "") + (eof ? " eof" : "");
    }
}
