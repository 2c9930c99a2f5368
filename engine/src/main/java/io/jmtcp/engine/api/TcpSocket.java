package io.jmtcp.engine.api;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * One TCP socket as application threads see it: the state word the engine publishes, the two
 * byte rings shared with the engine, the requests the application posts to the engine, the
 * accept queue of a listener, and a waiter for blocking calls (DESIGN.md 3.2).
 *
 * <p>Threads: the owning engine writes the state word, fills the accept queue and signals; the
 * application reads and writes data through the rings (one reader and one writer at a time,
 * which NIO's channel locks guarantee) and posts requests. Methods marked "engine thread" are
 * for the owning engine only. No method on the data path locks; none allocates on heap.
 *
 * <p>Rings are made lazily, so that an idle connection holds no ring memory (issue 3 item 6):
 * the engine makes the receive ring when the first payload byte arrives; the application's
 * first write makes the send ring itself, from the engine's {@link RingSlab} (the slab's lock,
 * once per ring), and the engine picks it up with the {@link #REQ_SEND} that follows. The send
 * ring is guarded by a small state word, the send gate: a writer holds it ({@code WRITER}) for
 * the duration of one write call; the engine takes it ({@code ENGINE}) only to release an empty
 * send ring of an idle connection, and closes it ({@code CLOSED}) when the connection is over,
 * leaving the last release to a writer still inside. So a ring is never freed under a writer's
 * copy, and a ring attached by a write that races with the end of the connection is freed too.
 */
public final class TcpSocket {

    private static final VarHandle REQUESTS;
    private static final VarHandle SEND_GATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            REQUESTS = lookup.findVarHandle(TcpSocket.class, "requests", int.class);
            SEND_GATE = lookup.findVarHandle(TcpSocket.class, "sendGate", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Send gate: an application thread is inside a write. */
    private static final int GATE_WRITER = 1;
    /** Send gate: the engine is releasing the idle send ring. */
    private static final int GATE_ENGINE = 2;
    /** Send gate: the connection is over; the send ring is (or is about to be) released for good. */
    private static final int GATE_CLOSED = 4;

    // ---- state bits, written by the engine
    /** A connect is in progress. */
    public static final int CONNECTING = 1;
    /** The connection is synchronized (ESTABLISHED or any later state). */
    public static final int CONNECTED = 1 << 1;
    /** The peer sent FIN and every byte before it is in the receive ring. */
    public static final int INPUT_EOF = 1 << 2;
    /** The application shut the output down (or closed). */
    public static final int OUTPUT_SHUT = 1 << 3;
    /** The connection is gone (CLOSED, or TIME-WAIT reached after both sides closed). */
    public static final int FINISHED = 1 << 4;
    /** Listening. */
    public static final int LISTENING = 1 << 5;
    /** Failed: see {@link #error()}. */
    public static final int FAILED = 1 << 6;

    // ---- request bits, posted by the application
    /** Bytes were added to the send ring. */
    public static final int REQ_SEND = 1;
    /** The application drained the receive ring enough to open the window. */
    public static final int REQ_WINDOW = 1 << 1;
    /** Shut the output down after the data already written (FIN). */
    public static final int REQ_SHUTDOWN_OUTPUT = 1 << 2;
    /** The application closed the socket. */
    public static final int REQ_CLOSE = 1 << 3;
    /** Abort with RST (SO_LINGER 0, or close of a listener's unaccepted child). */
    public static final int REQ_ABORT = 1 << 4;
    /** Socket options changed. */
    public static final int REQ_OPTIONS = 1 << 5;

    private volatile int state;
    private volatile SocketError error = SocketError.NONE;
    private volatile String errorDetail;
    /** What made the socket fail, when it is a Throwable (an engine's fatal error); or null. */
    private volatile Throwable errorCause;
    private volatile ByteRing receive;
    /** Written only while holding the send gate (an application writer, or the engine). */
    private volatile ByteRing send;
    /** Where the send ring comes from, published by the engine before {@link #CONNECTED}. */
    private volatile RingSlab slab;
    /** The engine's default SO_SNDBUF, published with {@link #slab}. */
    private volatile int defaultSendBufferSize;
    /**
     * A writer found less room than {@link #writeLowWater} (Linux's SOCK_NOSPACE): set by the
     * application when it reports the socket not writable, cleared by the engine when it reports
     * the room back. Without a waiting writer, acknowledgements wake nobody.
     */
    private volatile boolean spaceWanted;
    /** The last send ring allocation failed; cleared by the engine when memory came back. */
    private volatile boolean sendStarved;
    @SuppressWarnings("unused") // accessed through SEND_GATE
    private volatile int sendGate;
    private volatile EngineLink link;
    private volatile ReadinessSink sink;
    private volatile Object attachment;
    /** The application shut its input down (SHUT_RD); written by the application. */
    private volatile boolean inputShut;
    @SuppressWarnings("unused") // accessed through REQUESTS
    private volatile int requests;
    private final Waiter waiter = new Waiter();

    private volatile int localAddress;
    private volatile int localPort;
    private volatile int remoteAddress;
    private volatile int remotePort;

    /** What the engine advertised as free receive space, in bytes (for window updates). */
    private volatile int advertisedFree;
    private volatile int receiveMss = 536;

    // options: written by the application, read by the engine after REQ_OPTIONS
    private volatile boolean noDelay;
    private volatile boolean keepAlive;
    private volatile int keepIdleSeconds = 7200;
    private volatile int keepIntervalSeconds = 75;
    private volatile int keepCount = 9;
    private volatile int lingerSeconds = -1;
    private volatile int receiveBufferSize;
    private volatile int sendBufferSize;
    private volatile int typeOfService;
    private volatile boolean quickAck;
    private volatile String congestionControl;

    private final MpscAtomicArrayQueue<TcpSocket> acceptQueue;

    /** Engine-private state (the TCB); engine thread only. */
    private Object engineState;

    // conditions for blocking waits, made on the first wait of each kind and kept (an idle
    // socket that nobody blocks on does not pay for them; a blocking one allocates only once)
    private BooleanSupplier readReady;
    private BooleanSupplier writeReady;
    private BooleanSupplier connectReady;
    private BooleanSupplier acceptReady;

    /** A socket for connecting or accepting (no accept queue). */
    public TcpSocket() {
        this.acceptQueue = null;
    }

    private TcpSocket(int backlog) {
        this.acceptQueue = new MpscAtomicArrayQueue<>(Math.max(2, backlog));
    }

    /** A listening socket with an accept queue of {@code backlog} connections. */
    public static TcpSocket listener(int backlog) {
        return new TcpSocket(backlog);
    }

    // =========================================================== application side

    /** The state bits. */
    public int state() {
        return state;
    }

    /** Whether all of {@code bits} are set. */
    public boolean is(int bits) {
        return (state & bits) == bits;
    }

    /** Why the socket failed, or {@link SocketError#NONE}. */
    public SocketError error() {
        return error;
    }

    /** The exception for the failure, or null; its cause is the error that stopped the engine, if that was it. */
    public IOException failure() {
        SocketError e = error;
        if (e == SocketError.NONE) {
            return null;
        }
        IOException x = e.exception(errorDetail);
        Throwable cause = errorCause;
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }

    /**
     * Reads what the receive ring holds into {@code dst}, without blocking.
     *
     * @return bytes read, 0 if none are there yet, -1 at end of stream
     * @throws IOException the connection's failure (reset, timed out, ...) once no data is left
     */
    public int read(ByteBuffer dst) throws IOException {
        if (inputShut) {
            return -1;
        }
        ByteRing ring = receive;
        if (ring != null) {
            int n = ring.read(dst);
            if (n > 0) {
                afterRead(ring);
                return n;
            }
        }
        return nothingToRead();
    }

    /** Scattering form of {@link #read(ByteBuffer)}. */
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (inputShut) {
            return -1;
        }
        ByteRing ring = receive;
        if (ring != null) {
            long n = ring.read(dsts, offset, length);
            if (n > 0) {
                afterRead(ring);
                return n;
            }
        }
        return nothingToRead();
    }

    private int nothingToRead() throws IOException {
        int s = state;
        if ((s & FAILED) != 0) {
            throw failure();
        }
        if ((s & INPUT_EOF) != 0) {
            ByteRing ring = receive;
            // the FIN is published after the last byte: re-check the ring before saying EOF
            if (ring != null && ring.readableBytes() > 0) {
                return 0;
            }
            return -1;
        }
        return 0;
    }

    private void afterRead(ByteRing ring) {
        // RFC 1122 4.2.3.3 (receiver SWS avoidance) and RFC 9293 3.8.6.2.2: tell the engine to
        // send a window update only once the window can open by a useful amount: at least twice
        // what was last advertised and at least two segments more.
        int free = ring.capacity() - ring.readableBytes();
        int advertised = advertisedFree;
        if (free >= 2 * advertised && free - advertised >= 2 * receiveMss) {
            request(REQ_WINDOW);
        }
    }

    /**
     * Copies as much of {@code src} as fits into the send ring, without blocking.
     *
     * @return bytes written (0 if the ring is full or the connection not yet established)
     * @throws IOException if the output is shut down or the connection failed
     */
    public int write(ByteBuffer src) throws IOException {
        if (!src.hasRemaining()) {
            checkWritable();
            return 0;
        }
        ByteRing ring = beginWrite();
        if (ring == null) {
            return 0;
        }
        int n;
        try {
            n = ring.write(src);
        } finally {
            endWrite();
        }
        if (n > 0) {
            request(REQ_SEND);
        }
        return n;
    }

    /** Gathering form of {@link #write(ByteBuffer)}. */
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteRing ring = beginWrite();
        if (ring == null) {
            return 0;
        }
        long n;
        try {
            n = ring.write(srcs, offset, length);
        } finally {
            endWrite();
        }
        if (n > 0) {
            request(REQ_SEND);
        }
        return n;
    }

    private void checkWritable() throws IOException {
        int s = state;
        if ((s & FAILED) != 0) {
            throw failure();
        }
        if ((s & OUTPUT_SHUT) != 0) {
            throw new SocketException("Socket output is already shutdown");
        }
    }

    /**
     * Takes the send gate and returns the send ring, made now on the first write; or null, with
     * the gate not held, when nothing can be written yet (not established, or no ring memory:
     * then {@link #isWritable()} stays false until the engine reports memory back).
     */
    private ByteRing beginWrite() throws IOException {
        checkWritable();
        if ((state & CONNECTED) == 0) {
            return null;
        }
        for (;;) {
            int gate = (int) SEND_GATE.getVolatile(this);
            if ((gate & GATE_CLOSED) != 0) {
                throw new SocketException("Socket is closed");
            }
            if ((gate & GATE_WRITER) != 0) {
                throw new IllegalStateException("two threads write to one socket at once");
            }
            if (gate == 0 && SEND_GATE.compareAndSet(this, 0, GATE_WRITER)) {
                break;
            }
            // the engine holds the gate for a few instructions while it releases an idle ring
            Thread.onSpinWait();
        }
        ByteRing ring = send;
        if (ring == null) {
            ring = attachSendRing();
            if (ring == null) {
                endWrite();
            }
        }
        return ring;
    }

    /** Gives the send gate back; releases the ring if the connection ended during the write. */
    private void endWrite() {
        int gate = (int) SEND_GATE.getAndBitwiseAnd(this, ~GATE_WRITER);
        if ((gate & GATE_CLOSED) != 0) {
            // the engine closed the gate while this write was inside: the release is ours
            releaseSendRing();
        }
    }

    /** Holding the send gate: makes the send ring from the engine's slab (the slab's lock). */
    private ByteRing attachSendRing() {
        RingSlab memory = slab;
        if (memory == null) {
            return null;
        }
        ByteRing ring = memory.tryNewRing(sendRingCapacity(memory));
        if (ring == null) {
            // the engine counts it (TCP_NO_MEMORY) and reports writable once memory is back
            sendStarved = true;
            request(REQ_SEND);
            return null;
        }
        sendStarved = false;
        send = ring;
        return ring;
    }

    private int sendRingCapacity(RingSlab memory) {
        int want = sendBufferSize > 0 ? sendBufferSize : defaultSendBufferSize;
        return RingSlab.sliceSizeFor(Math.min(Math.max(want, RingSlab.MIN_SLICE), memory.maxSlice()));
    }

    private void releaseSendRing() {
        ByteRing ring = send;
        send = null;
        if (ring != null) {
            ring.releaseProducer();
            ring.releaseConsumer();
        }
    }

    /** Bytes waiting in the receive ring. */
    public int readableBytes() {
        ByteRing ring = receive;
        return ring == null ? 0 : ring.readableBytes();
    }

    /**
     * Free bytes in the send ring: before the first write (no ring yet) the size the ring will
     * have; 0 before the connection is established, after the output is shut, and while the
     * engine's ring memory is exhausted.
     */
    public int writableBytes() {
        int s = state;
        if ((s & OUTPUT_SHUT) != 0) {
            return 0;
        }
        ByteRing ring = send;
        if (ring != null) {
            return ring.writableBytes();
        }
        RingSlab memory = slab;
        return (s & CONNECTED) == 0 || memory == null || sendStarved ? 0 : sendRingCapacity(memory);
    }

    /** Readable: data, end of stream or a failure is there to be reported. */
    public boolean isReadable() {
        int s = state;
        return readableBytes() > 0 || (s & (INPUT_EOF | FAILED)) != 0 || inputShut;
    }

    /**
     * Writable: room for at least {@link #writeLowWater} bytes in the send ring, or a failure to
     * report. A write may still succeed below the mark (it takes what fits), as on Linux, where
     * poll reports POLLOUT only once a third of the send buffer is free: a writer woken for every
     * acknowledgement would copy one segment per wakeup. Application thread: a false answer
     * records that a writer waits, so the engine reports the room when it comes back.
     */
    public boolean isWritable() {
        int s = state;
        if ((s & FAILED) != 0) {
            return true;
        }
        if ((s & CONNECTED) == 0) {
            return false;
        }
        if (writableBytes() >= writeLowWater()) {
            return true;
        }
        spaceWanted = true;
        // Dekker with writeSpaceReturned: our flag store before our re-read of the consumer's
        // position, the engine's position store before its read of the flag; one sees the other
        VarHandle.fullFence();
        return writableBytes() >= writeLowWater();
    }

    /** Free bytes that make the socket writable: half the send ring (1 before it exists). */
    private int writeLowWater() {
        ByteRing ring = send;
        return ring == null ? 1 : lowWaterOf(ring);
    }

    private static int lowWaterOf(ByteRing ring) {
        return ring.capacity() >>> 1;
    }

    /**
     * Engine thread, after acknowledged bytes left {@code ring} (this socket's send ring): whether
     * a writer that found the socket not writable should now hear that it is, because half the
     * ring is free (Linux's sk_stream_write_space). Clears the writer's flag when it answers true.
     */
    public boolean writeSpaceReturned(ByteRing ring) {
        VarHandle.fullFence(); // the consumer's release store of its position before the flag read
        if (!spaceWanted || ring.capacity() - ring.readableBytes() < lowWaterOf(ring)) {
            return false;
        }
        spaceWanted = false;
        return true;
    }

    /** A connect has completed or failed. */
    public boolean isConnectFinished() {
        int s = state;
        return (s & (CONNECTED | FAILED)) != 0;
    }

    /** A connection is waiting in the accept queue (or the listener failed). */
    public boolean isAcceptable() {
        return (acceptQueue != null && !acceptQueue.isEmpty()) || (state & FAILED) != 0;
    }

    /** Takes one accepted connection, or null. Any thread (one at a time). */
    public TcpSocket accept() {
        return acceptQueue == null ? null : acceptQueue.relaxedPoll();
    }

    /** Waits until readable, up to {@code timeoutNanos} (negative: forever); returns a {@link Waiter} result. */
    public int awaitReadable(long timeoutNanos) {
        BooleanSupplier ready = readReady;
        if (ready == null) {
            readReady = ready = this::isReadable;
        }
        return waiter.await(Waiter.READER, ready, timeoutNanos);
    }

    /** Waits until writable; returns a {@link Waiter} result. */
    public int awaitWritable(long timeoutNanos) {
        BooleanSupplier ready = writeReady;
        if (ready == null) {
            writeReady = ready = this::isWritable;
        }
        return waiter.await(Waiter.WRITER, ready, timeoutNanos);
    }

    /** Waits until a connect finished; returns a {@link Waiter} result. */
    public int awaitConnected(long timeoutNanos) {
        BooleanSupplier ready = connectReady;
        if (ready == null) {
            connectReady = ready = this::isConnectFinished;
        }
        return waiter.await(Waiter.READER, ready, timeoutNanos);
    }

    /** Waits until a connection can be accepted; returns a {@link Waiter} result. */
    public int awaitAcceptable(long timeoutNanos) {
        BooleanSupplier ready = acceptReady;
        if (ready == null) {
            acceptReady = ready = this::isAcceptable;
        }
        return waiter.await(Waiter.READER, ready, timeoutNanos);
    }

    /** Shuts the output down once the data already written has been sent (FIN). */
    public void shutdownOutput() {
        request(REQ_SHUTDOWN_OUTPUT);
    }

    /**
     * Shuts the input down, as shutdown(SHUT_RD) does for the JDK's channels: from now on reads
     * report end of stream and a thread blocked reading wakes up. Nothing is sent to the peer;
     * data that still arrives stays unread (so a later close resets, RFC 2525 2.17). Any thread.
     */
    public void shutdownInput() {
        inputShut = true;
        waiter.signal(Waiter.READER);
    }

    /** Whether {@link #shutdownInput()} was called. */
    public boolean isInputShut() {
        return inputShut;
    }

    /** Closes: FIN after pending data, or RST if SO_LINGER is 0. The socket must not be used afterwards. */
    public void close() {
        request(lingerSeconds == 0 ? REQ_ABORT : REQ_CLOSE);
        waiter.close();
    }

    /** Where readiness changes are reported (null: nowhere). */
    public void readinessSink(ReadinessSink sink) {
        this.sink = sink;
    }

    /** The application's attachment (e.g. a selection key). */
    public Object attachment() {
        return attachment;
    }

    public void attachment(Object attachment) {
        this.attachment = attachment;
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteAddress() {
        return remoteAddress;
    }

    public int remotePort() {
        return remotePort;
    }

    // options ----------------------------------------------------------------

    public boolean noDelay() {
        return noDelay;
    }

    /** TCP_NODELAY: disable Nagle's algorithm (RFC 1122 4.2.3.4). */
    public void noDelay(boolean on) {
        noDelay = on;
        request(REQ_OPTIONS);
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /** SO_KEEPALIVE (RFC 1122 4.2.3.6), off by default as on sockets. */
    public void keepAlive(boolean on) {
        keepAlive = on;
        request(REQ_OPTIONS);
    }

    public int keepIdleSeconds() {
        return keepIdleSeconds;
    }

    public int keepIntervalSeconds() {
        return keepIntervalSeconds;
    }

    public int keepCount() {
        return keepCount;
    }

    /** TCP_KEEPIDLE, TCP_KEEPINTERVAL, TCP_KEEPCOUNT. */
    public void keepAliveParameters(int idleSeconds, int intervalSeconds, int count) {
        if (idleSeconds < 1 || intervalSeconds < 1 || count < 1) {
            throw new IllegalArgumentException("keepalive idle, interval and count must be positive");
        }
        keepIdleSeconds = idleSeconds;
        keepIntervalSeconds = intervalSeconds;
        keepCount = count;
        request(REQ_OPTIONS);
    }

    public int lingerSeconds() {
        return lingerSeconds;
    }

    /** SO_LINGER: -1 off, 0 abort on close (RST), else the linger time (close does not block here). */
    public void lingerSeconds(int seconds) {
        lingerSeconds = seconds;
    }

    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * SO_RCVBUF; 0 = the engine's default. Takes effect when the receive ring is made (the first
     * payload byte); a larger value set later lets the engine grow the ring when it is empty.
     */
    public void receiveBufferSize(int bytes) {
        receiveBufferSize = bytes;
        request(REQ_OPTIONS);
    }

    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** SO_SNDBUF; 0 = the engine's default. Takes effect when the send ring is made (the first write). */
    public void sendBufferSize(int bytes) {
        sendBufferSize = bytes;
    }

    public int typeOfService() {
        return typeOfService;
    }

    /** IP_TOS of the packets sent. */
    public void typeOfService(int tos) {
        typeOfService = tos & 0xff;
        request(REQ_OPTIONS);
    }

    public boolean quickAck() {
        return quickAck;
    }

    /** TCP_QUICKACK: acknowledge at once instead of delaying. */
    public void quickAck(boolean on) {
        quickAck = on;
        request(REQ_OPTIONS);
    }

    public String congestionControl() {
        return congestionControl;
    }

    /** The congestion control algorithm ("cubic", "newreno"); null = the engine's default. */
    public void congestionControl(String name) {
        congestionControl = name;
        request(REQ_OPTIONS);
    }

    /** Posts requests to the owning engine; cheap when one is already pending. Any thread. */
    public void request(int bits) {
        int prev;
        do {
            prev = (int) REQUESTS.getVolatile(this);
            if ((prev & bits) == bits) {
                return;
            }
        } while (!REQUESTS.compareAndSet(this, prev, prev | bits));
        EngineLink l = link;
        if (prev == 0 && l != null) {
            l.post(this);
        }
    }

    // =========================================================== engine side

    /** Takes and clears the pending requests. Engine thread. */
    public int takeRequests() {
        return (int) REQUESTS.getAndSet(this, 0);
    }

    /** Binds the socket to its engine; requests posted before are delivered now. Engine thread or before use. */
    public void link(EngineLink link) {
        this.link = link;
        if ((int) REQUESTS.getVolatile(this) != 0) {
            link.post(this);
        }
    }

    /** The engine it is linked to, or null. */
    public EngineLink link() {
        return link;
    }

    /** Sets state bits. Engine thread. */
    public void setState(int bits) {
        state |= bits;
    }

    /** Clears state bits. Engine thread. */
    public void clearState(int bits) {
        state &= ~bits;
    }

    /** Records a failure (first one wins) and sets {@link #FAILED}. Engine thread. */
    public void fail(SocketError why, String detail) {
        fail(why, detail, null);
    }

    /**
     * Records a failure with the throwable behind it (first one wins), which {@link #failure()}
     * attaches as the cause, and sets {@link #FAILED}. Engine thread, or a thread failing a
     * socket that no engine took (its engine stopped).
     */
    public void fail(SocketError why, String detail, Throwable cause) {
        if (error == SocketError.NONE) {
            errorDetail = detail;
            errorCause = cause;
            error = why; // last: the volatile write that publishes detail and cause
        }
        state |= FAILED;
    }

    /** Records the addresses. Engine thread (or the binding thread before the socket is linked). */
    public void addresses(int localAddress, int localPort, int remoteAddress, int remotePort) {
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
    }

    /**
     * Publishes where the application's first write takes its send ring from, and the engine's
     * default send buffer size. Engine thread, before {@link #CONNECTED} is set.
     */
    public void ringMemory(RingSlab slab, int defaultSendBufferSize) {
        this.defaultSendBufferSize = defaultSendBufferSize;
        this.slab = slab;
    }

    /** Attaches (or, with null, detaches) the receive ring. Engine thread. */
    public void attachReceiveRing(ByteRing ring) {
        this.receive = ring;
    }

    /** The receive ring (engine: producer side), or null before the first payload byte. */
    public ByteRing receiveRing() {
        return receive;
    }

    /**
     * The send ring (engine: consumer side), or null before the application's first write. The
     * engine takes it when it handles a {@link #REQ_SEND} and has none yet.
     */
    public ByteRing sendRing() {
        return send;
    }

    /** Whether the application's last attempt to make a send ring found the slab exhausted. */
    public boolean sendStarved() {
        return sendStarved;
    }

    /** Ring memory may be available again: the next write retries. Engine thread. */
    public void clearSendStarved() {
        sendStarved = false;
    }

    /**
     * Engine thread: releases the send ring of an idle connection, if no write is in progress
     * and the ring holds nothing (every byte acknowledged); a later write makes a new one.
     * The caller must drop its own reference first and must know that nothing is in flight.
     *
     * @return true if the ring was released (or there was none)
     */
    public boolean releaseIdleSendRing() {
        if (!SEND_GATE.compareAndSet(this, 0, GATE_ENGINE)) {
            return false; // a writer is inside (or the connection is over)
        }
        try {
            ByteRing ring = send;
            // the writer published its bytes before giving the gate back, so this sees them
            if (ring != null && ring.readableBytes() != 0) {
                return false;
            }
            releaseSendRing();
            return true;
        } finally {
            SEND_GATE.setVolatile(this, 0);
        }
    }

    /**
     * Engine thread, once, when the connection is over and the application has closed the
     * socket: both rings go back to the slab. A write still inside releases the send ring when
     * it leaves; later writes fail.
     */
    public void releaseRings() {
        ByteRing rx = receive;
        receive = null;
        if (rx != null) {
            rx.releaseProducer();
            rx.releaseConsumer();
        }
        int gate = (int) SEND_GATE.getAndBitwiseOr(this, GATE_CLOSED);
        if ((gate & (GATE_CLOSED | GATE_WRITER)) == 0) {
            releaseSendRing();
        }
    }

    /** Publishes what the engine advertised, for the application's window-update decision. Engine thread. */
    public void advertised(int freeBytes, int mss) {
        this.advertisedFree = freeBytes;
        this.receiveMss = mss;
    }

    /** Queues an accepted child. Engine thread. @return false when the accept queue is full. */
    public boolean offerAccepted(TcpSocket child) {
        return acceptQueue != null && acceptQueue.offer(child);
    }

    /** Whether the accept queue has no room left. Any thread. */
    public boolean acceptQueueFull() {
        return acceptQueue != null && acceptQueue.size() >= acceptQueue.capacity();
    }

    /**
     * Wakes the blocked threads whose condition now holds (the readiness sink is reported to
     * separately). Engine thread, once per cycle in which the socket changed.
     */
    public void signal() {
        waiter.signalIfReady(Waiter.READER | Waiter.WRITER);
    }

    /** The readiness sink, or null. */
    public ReadinessSink sink() {
        return sink;
    }

    /** Engine-private state. Engine thread only. */
    public Object engineState() {
        return engineState;
    }

    /** Engine-private state. Engine thread only. */
    public void engineState(Object state) {
        this.engineState = state;
    }

    @Override
    public String toString() {
        return "TcpSocket[" + fmt(localAddress) + ":" + localPort + " -> " + fmt(remoteAddress) + ":" + remotePort
                + " state=0x" + Integer.toHexString(state) + (error != SocketError.NONE ? " " + error : "") + "]";
    }

    private static String fmt(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }
}
