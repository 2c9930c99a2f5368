package io.jmtcp.provider.channel;

import io.jmtcp.engine.api.ByteRing;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.provider.select.ChannelKeys;
import io.jmtcp.provider.select.JmtcpSelectable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A {@link Pipe} in pure Java over a 64 KiB byte ring (the size of a Linux pipe), so that pipes
 * register with the jmtcp selector (XNIO's workers and some selectors use them). The semantics
 * are a kernel pipe's as the JDK exposes it: a read returns -1 once the sink is closed and the
 * ring is drained; a write after the source is closed fails with {@code IOException("Broken
 * pipe")}; blocking reads and writes park (interruptible, closing the channel as NIO requires).
 *
 * <p>Threads: one reader and one writer at a time (each end's lock); readiness changes are
 * queued to the selectors of the other end's keys by the thread that causes them.
 */
public final class JmtcpPipe extends Pipe {

    private static final int CAPACITY = 64 * 1024;

    private final ByteRing ring = ByteRing.allocate(CAPACITY);
    private final Waiter waiter = new Waiter();
    private final SourceEnd source;
    private final SinkEnd sink;

    /** A pipe of {@code provider}. */
    public JmtcpPipe(SelectorProvider provider) {
        this.source = new SourceEnd(provider);
        this.sink = new SinkEnd(provider);
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    private final class SourceEnd extends SourceChannel implements JmtcpSelectable {

        /** As {@code JmtcpSocketChannel.stopWaiting}: an interrupted wait closes the channel itself (JDK 21+ ordering). */
        private boolean stopWaiting(int waitResult) {
            if (waitResult == Waiter.INTERRUPTED) {
                begin();
                return true;
            }
            return waitResult != Waiter.READY;
        }
        private final ReentrantLock lock = new ReentrantLock();
        private final ChannelKeys keys = new ChannelKeys();
        private final BooleanSupplier readable = this::readable;

        SourceEnd(SelectorProvider provider) {
            super(provider);
        }

        private boolean readable() {
            return ring.readableBytes() > 0 || !sink.isOpen() || !isOpen();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            Objects.requireNonNull(dst);
            if (dst.isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
            lock.lock();
            try {
                boolean blocking = isBlocking();
                int n = 0;
                try {
                    if (blocking) {
                        begin();
                    }
                    ensureOpen(this);
                    n = ring.read(dst);
                    while (n == 0 && dst.hasRemaining() && sink.isOpen() && blocking && isOpen()) {
                        if (stopWaiting(waiter.await(Waiter.READER, readable, -1))) {
                            break;
                        }
                        n = ring.read(dst);
                    }
                } finally {
                    if (blocking) {
                        end(n > 0);
                    }
                }
                if (n > 0) {
                    waiter.signal(Waiter.WRITER);
                    sink.keys.readinessChanged();
                    return n;
                }
                return dst.hasRemaining() && !sink.isOpen() && ring.readableBytes() == 0 ? -1 : 0;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, dsts.length);
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                int n = read(dsts[i]);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (n == 0 || dsts[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        @Override
        protected void implCloseSelectableChannel() {
            waiter.signal(Waiter.READER | Waiter.WRITER);
            sink.keys.readinessChanged(); // a writer must now see the broken pipe
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            lock.lock();
            lock.unlock();
        }

        @Override
        public int readyOps(int interestOps) {
            return (interestOps & SelectionKey.OP_READ) != 0 && readable() ? SelectionKey.OP_READ : 0;
        }

        @Override
        public ChannelKeys channelKeys() {
            return keys;
        }

        @Override
        public void keysChanged() {
            keys.readinessChanged();
        }
    }

    private final class SinkEnd extends SinkChannel implements JmtcpSelectable {

        /** As {@code JmtcpSocketChannel.stopWaiting}: an interrupted wait closes the channel itself (JDK 21+ ordering). */
        private boolean stopWaiting(int waitResult) {
            if (waitResult == Waiter.INTERRUPTED) {
                begin();
                return true;
            }
            return waitResult != Waiter.READY;
        }
        private final ReentrantLock lock = new ReentrantLock();
        private final ChannelKeys keys = new ChannelKeys();
        private final BooleanSupplier writable = this::writable;

        SinkEnd(SelectorProvider provider) {
            super(provider);
        }

        private boolean writable() {
            return ring.writableBytes() > 0 || !source.isOpen() || !isOpen();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            Objects.requireNonNull(src);
            lock.lock();
            try {
                boolean blocking = isBlocking();
                int n = 0;
                try {
                    if (blocking) {
                        begin();
                    }
                    ensureOpen(this);
                    n = transfer(src);
                    while (blocking && src.hasRemaining() && isOpen()) {
                        if (stopWaiting(waiter.await(Waiter.WRITER, writable, -1))) {
                            break;
                        }
                        n += transfer(src);
                    }
                } finally {
                    if (blocking) {
                        end(n > 0);
                    }
                }
                return n;
            } finally {
                lock.unlock();
            }
        }

        private int transfer(ByteBuffer src) throws IOException {
            if (!source.isOpen()) {
                throw new IOException("Broken pipe");
            }
            int n = ring.write(src);
            if (n > 0) {
                waiter.signal(Waiter.READER);
                source.keys.readinessChanged();
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, srcs.length);
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!srcs[i].hasRemaining()) {
                    continue;
                }
                int n = write(srcs[i]);
                total += n;
                if (srcs[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        protected void implCloseSelectableChannel() {
            waiter.signal(Waiter.READER | Waiter.WRITER);
            source.keys.readinessChanged(); // the reader now sees end of stream
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            lock.lock();
            lock.unlock();
        }

        @Override
        public int readyOps(int interestOps) {
            if ((interestOps & SelectionKey.OP_WRITE) == 0) {
                return 0;
            }
            return writable() ? SelectionKey.OP_WRITE : 0;
        }

        @Override
        public ChannelKeys channelKeys() {
            return keys;
        }

        @Override
        public void keysChanged() {
            keys.readinessChanged();
        }
    }

    private static void ensureOpen(java.nio.channels.Channel c) throws ClosedChannelException {
        if (!c.isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
