package io.jmtcp.it.contract;

import static io.jmtcp.it.contract.ContractSupport.LONG_MS;
import static io.jmtcp.it.contract.ContractSupport.SETTLE_MS;
import static io.jmtcp.it.contract.ContractSupport.ascii;
import static io.jmtcp.it.contract.ContractSupport.awaitSelected;
import static io.jmtcp.it.contract.ContractSupport.background;
import static io.jmtcp.it.contract.ContractSupport.blockingCall;
import static io.jmtcp.it.contract.ContractSupport.checkClosedByInterrupt;
import static io.jmtcp.it.contract.ContractSupport.check;
import static io.jmtcp.it.contract.ContractSupport.checkEquals;
import static io.jmtcp.it.contract.ContractSupport.checkSameBytes;
import static io.jmtcp.it.contract.ContractSupport.expectThrows;
import static io.jmtcp.it.contract.ContractSupport.fill;
import static io.jmtcp.it.contract.ContractSupport.pair;
import static io.jmtcp.it.contract.ContractSupport.pattern;
import static io.jmtcp.it.contract.ContractSupport.readFully;
import static io.jmtcp.it.contract.ContractSupport.sleep;
import static io.jmtcp.it.contract.ContractSupport.writeFully;

import io.jmtcp.it.contract.ContractSupport.Background;
import io.jmtcp.it.contract.ContractSupport.Outcome;
import io.jmtcp.it.contract.ContractSupport.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code Pipe}: both ends in both modes, selectable on the same selector as socket channels
 * (XNIO's workers and older selectors use pipes), EOF, broken pipe, interrupts and closes.
 */
public final class PipeCases {

    private PipeCases() {}

    /** A pipe whose ends close together. */
    private record Ends(Pipe.SourceChannel source, Pipe.SinkChannel sink) implements AutoCloseable {
        static Ends open() throws IOException {
            Pipe p = Pipe.open();
            return new Ends(p.source(), p.sink());
        }

        @Override
        public void close() throws IOException {
            ContractSupport.closeAll(source, sink);
        }
    }

    public static void pipeCarriesBytesFromSinkToSource() throws Exception {
        try (Ends p = Ends.open()) {
            check(p.source().isBlocking() && p.sink().isBlocking(), "new pipe ends are not blocking");
            ByteBuffer sent = pattern(10_000, 21);
            Background<ByteBuffer> reader = background("source", () -> readFully(p.source(), 10_000));
            writeFully(p.sink(), sent.duplicate());
            checkSameBytes(sent, reader.await(LONG_MS), "pipe");
        }
    }

    public static void pipeScatteringReadAndGatheringWrite() throws Exception {
        try (Ends p = Ends.open()) {
            long n = p.sink().write(new ByteBuffer[] {ascii("ab"), ascii("cde")});
            checkEquals(5L, n, "gathering write to the sink");
            ByteBuffer a = ByteBuffer.allocate(1);
            ByteBuffer b = ByteBuffer.allocate(4);
            long got = 0;
            while (got < 5) {
                got += p.source().read(new ByteBuffer[] {a, b});
            }
            checkEquals("a", ascii(a), "first buffer");
            checkEquals("bcde", ascii(b), "second buffer");
        }
    }

    public static void blockingPipeReadWaitsForTheWriter() throws Exception {
        try (Ends p = Ends.open()) {
            Background<Integer> reader = background("source", () -> p.source().read(ByteBuffer.allocate(8)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "pipe read returned without data");
            writeFully(p.sink(), ascii("late"));
            checkEquals(4, reader.await(LONG_MS), "bytes from the blocked pipe read");
        }
    }

    public static void nonBlockingPipeReadReturnsZeroWithoutData() throws Exception {
        try (Ends p = Ends.open()) {
            p.source().configureBlocking(false);
            checkEquals(0, p.source().read(ByteBuffer.allocate(8)), "non-blocking pipe read without data");
        }
    }

    public static void pipeSourceReadsMinusOneAfterSinkClose() throws Exception {
        try (Ends p = Ends.open()) {
            writeFully(p.sink(), ascii("last"));
            p.sink().close();
            checkEquals("last", ascii(readFully(p.source(), 4)), "data written before the sink closed");
            checkEquals(-1, background("source", () -> p.source().read(ByteBuffer.allocate(8))).await(LONG_MS), "pipe read after sink close");
        }
    }

    public static void pipeSourceSelectedForDataAndAtEof() throws Exception {
        try (Ends p = Ends.open(); Selector selector = Selector.open()) {
            p.source().configureBlocking(false);
            SelectionKey key = p.source().register(selector, SelectionKey.OP_READ);
            checkEquals(0, selector.selectNow(), "selectNow on an empty pipe");
            writeFully(p.sink(), ascii("x"));
            awaitSelected(selector, key, SelectionKey.OP_READ);
            checkEquals(1, p.source().read(ByteBuffer.allocate(8)), "bytes after OP_READ");
            selector.selectedKeys().clear();
            p.sink().close();
            awaitSelected(selector, key, SelectionKey.OP_READ);
            checkEquals(-1, p.source().read(ByteBuffer.allocate(8)), "read after OP_READ at EOF");
        }
    }

    public static void pipeSinkIsWritableOnASelector() throws Exception {
        try (Ends p = Ends.open(); Selector selector = Selector.open()) {
            p.sink().configureBlocking(false);
            SelectionKey key = p.sink().register(selector, SelectionKey.OP_WRITE);
            checkEquals(1, selector.selectNow(), "selectNow for an empty pipe's sink");
            check(key.isWritable(), "sink key not writable");
        }
    }

    public static void pipeSinkFillsAndOpWriteFiresWhenDrained() throws Exception {
        try (Ends p = Ends.open(); Selector selector = Selector.open()) {
            p.sink().configureBlocking(false);
            long total = fill(p.sink());
            check(total > 0, "nothing fitted into the pipe");
            SelectionKey key = p.sink().register(selector, SelectionKey.OP_WRITE);
            checkEquals(0, selector.selectNow(), "selectNow for a full pipe");
            ContractSupport.drain(p.source(), total);
            awaitSelected(selector, key, SelectionKey.OP_WRITE);
        }
    }

    public static void pipeWriteAfterSourceCloseThrowsIOException() throws Exception {
        try (Ends p = Ends.open()) {
            p.source().close();
            expectThrows(IOException.class, "write to a pipe whose source is closed", () -> p.sink().write(ascii("x")));
            check(!(expectThrows(IOException.class, "second write", () -> p.sink().write(ascii("x"))) instanceof ClosedChannelException),
                    "the sink itself reports closed although only the source was closed");
        }
    }

    public static void pipeAndSocketChannelsShareOneSelector() throws Exception {
        try (Ends p = Ends.open(); Pair s = pair(); Selector selector = Selector.open()) {
            p.source().configureBlocking(false);
            s.accepted().configureBlocking(false);
            SelectionKey pipeKey = p.source().register(selector, SelectionKey.OP_READ);
            SelectionKey socketKey = s.accepted().register(selector, SelectionKey.OP_READ);
            writeFully(p.sink(), ascii("p"));
            writeFully(s.client(), ascii("s"));
            Set<SelectionKey> seen = new HashSet<>();
            long deadline = System.nanoTime() + LONG_MS * 1_000_000;
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                selector.select(LONG_MS);
                seen.addAll(selector.selectedKeys());
            }
            checkEquals(Set.of(pipeKey, socketKey), seen, "keys selected for a pipe and a socket on one selector");
        }
    }

    public static void interruptedBlockingPipeReadThrowsClosedByInterrupt() throws Exception {
        try (Ends p = Ends.open()) {
            Background<Outcome> reader = blockingCall("source", () -> p.source().read(ByteBuffer.allocate(8)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "pipe read returned without data");
            reader.thread.interrupt();
            checkClosedByInterrupt(reader.await(LONG_MS), "interrupted pipe read");
            check(!p.source().isOpen(), "source still open after ClosedByInterruptException");
        }
    }

    public static void closeFromAnotherThreadEndsABlockedPipeRead() throws Exception {
        try (Ends p = Ends.open()) {
            Background<Integer> reader = background("source", () -> p.source().read(ByteBuffer.allocate(8)));
            sleep(SETTLE_MS);
            check(!reader.isDone(), "pipe read returned without data");
            p.source().close();
            reader.awaitFailure(AsynchronousCloseException.class, LONG_MS, "pipe read blocked while another thread closed the source");
        }
    }
}
