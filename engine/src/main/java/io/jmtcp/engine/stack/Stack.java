package io.jmtcp.engine.stack;

import io.jmtcp.engine.api.SocketError;
import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import io.jmtcp.engine.dev.PcapDevice;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.ip.Route;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.tcp.TcpLayer;
import io.jmtcp.engine.wire.MacAddress;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * A running jmtcp stack: one device, one engine per device queue, each engine on its own thread
 * ({@link #start}) or driven by the caller ({@link #manual}, for simulated-time tests), and
 * an MBean per engine.
 *
 * <p>Failure: when one engine fails (see {@link Engine}), the whole stack stops — the other
 * engines are asked to stop too, since flows are spread over engines by hash and a stack with a
 * dead engine would silently lose every flow that hashes to it. Every socket then fails with
 * {@link SocketError#ENGINE_STOPPED} carrying the cause, new connects and listens are refused
 * with the same error, and {@link #failure()} and the {@code ENGINE_FAILURES} counter report it.
 * The device stays open until {@link #close()}.
 *
 * <p>Thread-safe: any thread may ping, read counters, connect, listen or close.
 */
public final class Stack implements AutoCloseable {

    private static final int SIBLING_RING_SLOTS = 1024;

    /** Ports taken by listeners (and so not chosen as ephemeral ports), with their sockets. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, TcpSocket> reservedPorts =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger nextEngine = new java.util.concurrent.atomic.AtomicInteger();

    private final JmtcpConfig config;
    private final NetDevice device;
    private final Route route;
    private final Engine[] engines;
    private final EngineShared shared;
    private final List<AgentRunner> runners = new ArrayList<>();
    /** True when the caller drives the engines ({@link #manual}). */
    private final boolean manual;
    /** Inline engines and/or busy-poll (DESIGN.md 3.4); null when neither is configured. */
    private InlineEngines assist;
    private final List<ObjectName> mbeans = new ArrayList<>();
    private volatile boolean closed;
    /** The first fatal engine error, or null. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Stack(JmtcpConfig config, NetDevice device, NanoClock clock, boolean manual) {
        this.config = config;
        this.manual = manual;
        this.device = device;
        int gateway = config.get(JmtcpConfig.GATEWAY).orElse(Route.NO_ROUTE);
        this.route = new Route(config.get(JmtcpConfig.IP), gateway);
        int n = config.get(JmtcpConfig.ENGINES);
        if (n > device.capabilities().queues()) {
            throw new IllegalArgumentException(JmtcpConfig.ENGINES.name() + "=" + n + " but device " + device.name()
                    + " has only " + device.capabilities().queues() + " queue(s); add queues=" + n + " to the device");
        }
        this.engines = new Engine[n];
        this.shared = EngineShared.create(n, reservedPorts::containsKey);
        String name = config.get(JmtcpConfig.NAME);
        for (int i = 0; i < n; i++) {
            engines[i] = new Engine(i, name, device, i, config, route, clock, shared);
            engines[i].stopListener(this::engineStopped);
        }
        connectSiblings();
    }

    /** One SPSC ring per ordered pair of engines, for what one must pass to another. */
    private void connectSiblings() {
        int n = engines.length;
        if (n < 2) {
            return;
        }
        int slotBytes = device.capabilities().frameCapacity() + 4;
        FrameRing[][] rings = new FrameRing[n][n]; // [from][to]
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (from != to) {
                    rings[from][to] = FrameRing.allocate(SIBLING_RING_SLOTS, slotBytes);
                }
            }
        }
        for (int self = 0; self < n; self++) {
            FrameRing[] in = new FrameRing[n - 1];
            int k = 0;
            for (int other = 0; other < n; other++) {
                if (other != self) {
                    in[k++] = rings[other][self];
                }
            }
            engines[self].connectSiblings(engines.clone(), rings[self].clone(), in);
        }
    }

    /** Opens the configured device and starts one thread per engine. */
    public static Stack start(JmtcpConfig config) {
        NetDevice device = NetDevices.open(config.text(JmtcpConfig.DEVICE), config.get(JmtcpConfig.ENGINES),
                config.get(JmtcpConfig.MTU), config.textsUnder("jmtcp.dpdk."));
        try {
            if (config.get(JmtcpConfig.FAULT).isPresent()) {
                device = new FaultInjectingDevice(device, config.get(JmtcpConfig.FAULT).get());
            }
            if (config.get(JmtcpConfig.PCAP).isPresent()) {
                // outermost, so the capture shows what the engines sent and received
                device = new PcapDevice(device, config.get(JmtcpConfig.PCAP).get());
            }
            return start(config, device);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /**
     * Starts the engines over a device the caller opened (and that the stack now owns): each on
     * its own thread ({@code jmtcp.threading=dedicated}), or run by the application threads that
     * wait for them, with a backstop thread ({@code inline}; DESIGN.md 3.4).
     */
    public static Stack start(JmtcpConfig config, NetDevice device) {
        Stack stack = new Stack(config, device, SystemNanoClock.INSTANCE, false);
        stack.registerMBeans();
        long busyPoll = config.get(JmtcpConfig.BUSY_POLL);
        if ("inline".equals(config.get(JmtcpConfig.THREADING))) {
            stack.assist = new InlineEngines(config.get(JmtcpConfig.NAME), stack.engines, busyPoll);
            stack.assist.start();
            stack.announce();
            return stack;
        }
        if (busyPoll > 0) {
            stack.assist = new InlineEngines(config.get(JmtcpConfig.NAME), new Engine[0], busyPoll);
            stack.assist.start();
        }
        for (Engine e : stack.engines) {
            IdleStrategy idle = "spin".equals(config.get(JmtcpConfig.IDLE))
                    ? new BusySpinIdleStrategy() : new EngineIdleStrategy(e, busyPoll);
            AgentRunner runner = new AgentRunner(idle, Stack::engineError, null, e);
            stack.runners.add(runner);
            AgentRunner.startOnThread(runner, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
        }
        stack.announce();
        return stack;
    }

    /**
     * A stack whose engines do not run by themselves: the caller drives them with
     * {@link Engine#doWork()} and the given clock (tests in simulated time).
     */
    public static Stack manual(JmtcpConfig config, NetDevice device, NanoClock clock) {
        Stack stack = new Stack(config, device, clock, true);
        stack.announce();
        return stack;
    }

    static void engineError(Throwable t) {
        // an engine that fails has already failed its sockets with the cause (Engine.fail); what
        // reaches here is the report of it, and it must be loud: it is a bug or a dead device
        System.err.println("jmtcp: " + t.getMessage());
        (t.getCause() != null ? t.getCause() : t).printStackTrace();
    }

    /** An engine has stopped (its thread): one failure stops the whole stack. */
    private void engineStopped(Engine engine, Throwable cause, boolean fatal) {
        if (!fatal || !failure.compareAndSet(null, cause)) {
            return;
        }
        for (Engine e : engines) {
            if (e != engine) {
                e.requestStop(engine.roleName() + " failed: " + cause, cause);
            }
        }
    }

    /**
     * Why the stack stopped working — the error that made one of its engines fail — or null
     * while it works. Any thread.
     */
    public Throwable failure() {
        return failure.get();
    }

    /** The message and cause new sockets are refused with once an engine stopped, or null. */
    private Engine stoppedEngine() {
        for (Engine e : engines) {
            if (e.stopping()) {
                return e;
            }
        }
        return null;
    }

    private String refusal(Engine e) {
        String detail = e.stopDetail();
        if (detail != null) {
            return detail;
        }
        Throwable f = failure.get();
        return f != null ? "stack " + config.get(JmtcpConfig.NAME) + " failed: " + f
                : "stack " + config.get(JmtcpConfig.NAME) + (closed ? " closed" : " stopping");
    }

    private void announce() {
        if ((route.address() >>> 24) != 127) { // loopback needs no ARP
            for (Engine e : engines) {
                e.submit((engine, now) -> engine.arp().announce());
            }
        }
    }

    /** The engines. */
    public Engine[] engines() {
        return engines.clone();
    }

    /** The engine with the given id. */
    public Engine engine(int id) {
        return engines[id];
    }

    /** What the engines share: the RSS hash and table that decide which engine owns a flow. */
    public EngineShared shared() {
        return shared;
    }

    /** The device. */
    public NetDevice device() {
        return device;
    }

    /** The route table (our address, subnet, gateway). */
    public Route route() {
        return route;
    }

    /** The configuration it runs with. */
    public JmtcpConfig config() {
        return config;
    }

    /** One counter summed over engines. */
    public long counter(Counter c) {
        long sum = 0;
        for (Engine e : engines) {
            sum += e.counters().get(c);
        }
        return sum;
    }

    /** Non-zero counters summed over engines. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            long v = counter(c);
            if (v != 0) {
                out.put(c.name(), v);
            }
        }
        return out;
    }

    // ================================================================= TCP sockets

    /**
     * Starts listening on {@code localIp:port} (0 = any address; port 0 = an ephemeral port) in
     * every engine; all feed the returned socket's accept queue.
     *
     * @throws java.net.BindException when the port is taken
     */
    public TcpSocket listen(int localIp, int port, int backlog) throws java.net.BindException {
        Engine down = stoppedEngine();
        if (down != null) {
            throw refused(down);
        }
        TcpSocket socket = TcpSocket.listener(backlog);
        int chosen = port;
        if (chosen == 0) {
            chosen = ephemeralListenPort(socket);
        } else if (reservedPorts.putIfAbsent(chosen, socket) != null) {
            throw new java.net.BindException("Address already in use: port " + port + " is taken");
        }
        int p = chosen;
        socket.addresses(localIp, p, 0, 0);
        socket.setState(TcpSocket.LISTENING);
        for (Engine e : engines) {
            if (!e.submit((engine, now) -> engine.tcp().listen(socket, localIp, p))) {
                reservedPorts.remove(p, socket);
                if (e.stopping()) {
                    // engines that did take it fail the socket as they stop
                    throw refused(e);
                }
                throw new IllegalStateException("engine " + e.id() + " command queue is full");
            }
        }
        awaitCommands();
        return socket;
    }

    /** A bind refused because the stack no longer runs: the JDK's type for a failed bind, with the cause. */
    private java.net.BindException refused(Engine e) {
        java.net.BindException b = new java.net.BindException(SocketError.ENGINE_STOPPED.message() + ": " + refusal(e));
        Throwable f = failure.get();
        if (f != null) {
            b.initCause(f);
        }
        return b;
    }

    private int ephemeralListenPort(TcpSocket socket) throws java.net.BindException {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 65536; i++) {
            int p = 32768 + r.nextInt(28232);
            if (reservedPorts.putIfAbsent(p, socket) == null) {
                return p;
            }
        }
        throw new java.net.BindException("Cannot assign requested address: no free port to listen on");
    }

    /** Stops a listener in every engine and frees its port. */
    public void closeListener(TcpSocket listener) {
        int port = listener.localPort();
        for (Engine e : engines) {
            e.submit((engine, now) -> engine.tcp().unlisten(port, listener));
        }
        reservedPorts.remove(port, listener);
        listener.clearState(TcpSocket.LISTENING);
        listener.setState(TcpSocket.FINISHED);
        listener.signal();
        // connections still waiting in the accept queue are reset, as the kernel does
        for (TcpSocket child = listener.accept(); child != null; child = listener.accept()) {
            child.lingerSeconds(0);
            child.close();
        }
    }

    /**
     * Connects a new socket to {@code remoteIp:remotePort} from our address; the engine picks an
     * ephemeral port that maps back to itself. Non-blocking: wait with
     * {@link TcpSocket#awaitConnected} or a readiness sink.
     */
    public TcpSocket connect(int remoteIp, int remotePort) {
        return connect(new TcpSocket(), 0, remoteIp, remotePort);
    }

    /** Connects {@code socket} (options already set) from {@code localPort} (0 = ephemeral). */
    public TcpSocket connect(TcpSocket socket, int localPort, int remoteIp, int remotePort) {
        int localIp = route.isLocal(remoteIp) && (remoteIp >>> 24) == 127 ? remoteIp : route.address();
        // an ephemeral port is chosen by the engine to map back to itself, so spread those round
        // robin; a given port fixes the 4-tuple and so its owner (DESIGN.md 3.3): open it there,
        // or the SYN-ACK reaches an engine without the connection and is answered with a RST
        Engine e = localPort != 0 && engines.length > 1
                ? engines[shared.rss().queueFor(shared.toeplitz().hash(remoteIp, localIp, remotePort, localPort))]
                : engines[Math.floorMod(nextEngine.getAndIncrement(), engines.length)];
        socket.link(e.tcp());
        socket.setState(TcpSocket.CONNECTING);
        ConnectCommand command = new ConnectCommand(socket, localIp, localPort, remoteIp, remotePort);
        if (!e.submit(command)) {
            if (e.stopping()) {
                command.abandon(refusal(e), failure.get());
            } else {
                command.abandon("engine command queue full", null);
            }
        }
        return socket;
    }

    /** Opens a connection on the engine; if the engine stopped first, fails the socket instead. */
    private static final class ConnectCommand implements EngineCommand {
        private final TcpSocket socket;
        private final int localIp;
        private final int localPort;
        private final int remoteIp;
        private final int remotePort;

        ConnectCommand(TcpSocket socket, int localIp, int localPort, int remoteIp, int remotePort) {
            this.socket = socket;
            this.localIp = localIp;
            this.localPort = localPort;
            this.remoteIp = remoteIp;
            this.remotePort = remotePort;
        }

        @Override
        public void execute(Engine engine, long now) {
            engine.tcp().connect(socket, localIp, localPort, remoteIp, remotePort, now);
        }

        @Override
        public void abandon(String detail, Throwable cause) {
            // fail is first-wins, so abandoning twice (engine and submitter) is harmless; the
            // wake-up reaches a thread in awaitConnected, the sink a selector waiting for OP_CONNECT
            socket.fail(SocketError.ENGINE_STOPPED, detail, cause);
            socket.signal();
            io.jmtcp.engine.api.ReadinessSink sink = socket.sink();
            if (sink != null) {
                sink.offer(socket);
                sink.signal();
            }
        }
    }

    /** Waits until every engine has run the commands submitted so far (bounded; tests and setup). */
    private void awaitCommands() {
        if (manual) {
            return; // manual stacks: the caller drives the engines
        }
        CountDownLatch done = new CountDownLatch(engines.length);
        for (Engine e : engines) {
            EngineCommand mark = new EngineCommand() {
                private final AtomicBoolean counted = new AtomicBoolean();

                @Override
                public void execute(Engine engine, long now) {
                    abandon(null, null);
                }

                @Override
                public void abandon(String detail, Throwable cause) {
                    if (counted.compareAndSet(false, true)) {
                        done.countDown();
                    }
                }
            };
            if (!e.submit(mark)) {
                mark.abandon(null, null);
            }
        }
        try {
            awaitLatch(done, TimeUnit.SECONDS.toNanos(5));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a latch that engine commands count down. With inline engines the waiting thread
     * runs them itself meanwhile (DESIGN.md 3.4), else it just waits.
     *
     * @return false on timeout
     */
    private static boolean awaitLatch(CountDownLatch done, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        java.util.function.BooleanSupplier counted = () -> done.getCount() == 0;
        while (done.getCount() != 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            if (!EngineAssistant.instance().awaitPolling(counted, deadline)) {
                return done.await(remaining, TimeUnit.NANOSECONDS);
            }
        }
        return true;
    }

    /**
     * Sums {@code query} over the running engines, each on its own thread (bounded wait; a
     * stopped engine counts 0). For the shutdown sequence, not for hot paths.
     */
    private int sumOverEngines(ToIntFunction<TcpLayer> query) {
        AtomicInteger sum = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(engines.length);
        for (Engine e : engines) {
            EngineCommand ask = new EngineCommand() {
                private final AtomicBoolean counted = new AtomicBoolean();

                @Override
                public void execute(Engine engine, long now) {
                    sum.addAndGet(query.applyAsInt(engine.tcp()));
                    abandon(null, null);
                }

                @Override
                public void abandon(String detail, Throwable cause) {
                    if (counted.compareAndSet(false, true)) {
                        done.countDown();
                    }
                }
            };
            if (!e.submit(ask)) {
                ask.abandon(null, null);
            }
        }
        try {
            if (!awaitLatch(done, TimeUnit.SECONDS.toNanos(1))) {
                return -1; // an engine did not answer: unknown, the caller stops waiting on it
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return sum.get();
    }

    /** The result of {@link #ping}. */
    public record PingResult(int sent, int received, long[] rttNanos) {
        /** Round-trip times of the replies, in microseconds (fractional). */
        public double[] rttMicros() {
            double[] out = new double[rttNanos.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = rttNanos[i] / 1000.0;
            }
            return out;
        }
    }

    /**
     * Sends {@code count} echo requests from engine 0, {@code intervalNanos} apart, and waits up
     * to {@code timeoutNanos} after the last for replies, which every engine listens for. Needs running engines ({@link #start}).
     */
    public PingResult ping(int destination, int count, long intervalNanos, long timeoutNanos, int dataLength)
            throws InterruptedException {
        Engine engine = engines[0];
        int identifier = ThreadLocalRandom.current().nextInt(1, 0x10000);
        AtomicLongArray sentAt = new AtomicLongArray(count);
        AtomicLongArray repliedAt = new AtomicLongArray(count);
        Icmp.Listener listener = new Icmp.Listener() {
            @Override
            public void onEchoReply(int source, int id, int sequence, long now) {
                if (id == identifier && source == destination && sequence < count && sentAt.get(sequence) != 0) {
                    repliedAt.compareAndSet(sequence, 0, now);
                }
            }
        };
        // a reply may arrive on any engine's queue (devices place ICMP by address pair, or not at all)
        for (Engine e : engines) {
            e.submit((en, now) -> en.icmp().listener(listener));
        }
        int sent = 0;
        for (int seq = 0; seq < count; seq++) {
            int s = seq;
            if (engine.submit((e, now) -> {
                sentAt.set(s, now);
                e.icmp().sendEchoRequest(destination, identifier, s, dataLength);
            })) {
                sent++;
            }
            if (seq + 1 < count) {
                TimeUnit.NANOSECONDS.sleep(intervalNanos);
            }
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline && replies(repliedAt) < sent) {
            Thread.sleep(1);
        }
        for (Engine e : engines) {
            e.submit((en, now) -> en.icmp().listener(new Icmp.Listener() { }));
        }
        List<Long> rtts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (repliedAt.get(i) != 0) {
                rtts.add(repliedAt.get(i) - sentAt.get(i));
            }
        }
        return new PingResult(sent, rtts.size(), rtts.stream().mapToLong(Long::longValue).toArray());
    }

    private static int replies(AtomicLongArray repliedAt) {
        int n = 0;
        for (int i = 0; i < repliedAt.length(); i++) {
            if (repliedAt.get(i) != 0) {
                n++;
            }
        }
        return n;
    }

    private void registerMBeans() {
        if (!config.get(JmtcpConfig.JMX)) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String stackName = config.get(JmtcpConfig.NAME);
        for (Engine e : engines) {
            try {
                ObjectName name = new ObjectName("io.jmtcp:type=Engine,stack=" + stackName + ",id=" + e.id());
                if (server.isRegistered(name)) {
                    name = new ObjectName("io.jmtcp:type=Engine,stack=" + stackName + "-" + System.identityHashCode(this)
                            + ",id=" + e.id());
                }
                server.registerMBean(new EngineMBeanImpl(e, this), name);
                mbeans.add(name);
            } catch (javax.management.JMException ex) {
                throw new IllegalStateException("cannot register the engine MBean: " + ex, ex);
            }
        }
    }

    /** How long {@link #shutdown} lets FINs and data leave at least, after the grace. */
    private static final long FLUSH_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long SHUTDOWN_POLL_MILLIS = 10;

    /**
     * Shuts the stack down as a process exit closes its sockets, after giving the application
     * time to close them itself (the JVM-exit path: frameworks close their connections
     * gracefully in their own shutdown hooks, which run concurrently with ours):
     * <ol>
     * <li>waits until the application has closed every connection, at most {@code graceNanos};
     * <li>closes the connections still open as the kernel does at exit: FIN after the data
     * written, RST where data was never read or SO_LINGER is 0;
     * <li>lets the engines send what is left and the FINs be acknowledged, until the grace ends
     * but at least {@value #FLUSH_MIN_NANOS} ns after step 2;
     * <li>{@link #close()}: the engines stop and the device is released.
     * </ol>
     * Listeners are not waited for: they hold no data, and at exit nothing more is accepted.
     * Blocks the calling thread; needs running engines ({@link #start}). Idempotent.
     */
    public void shutdown(long graceNanos) {
        if (closed || manual) {
            close();
            return;
        }
        long start = System.nanoTime();
        long deadline = start + Math.max(0, graceNanos);
        try {
            while (System.nanoTime() - deadline < 0 && stoppedEngine() == null
                    && sumOverEngines(TcpLayer::openConnections) > 0) {
                Thread.sleep(SHUTDOWN_POLL_MILLIS);
            }
            if (stoppedEngine() == null) {
                sumOverEngines(TcpLayer::closeAll);
                long flushUntil = Math.max(deadline - System.nanoTime(), FLUSH_MIN_NANOS) + System.nanoTime();
                while (System.nanoTime() - flushUntil < 0 && stoppedEngine() == null
                        && sumOverEngines(TcpLayer::closing) > 0) {
                    Thread.sleep(SHUTDOWN_POLL_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /**
     * Stops the engines — every socket still open fails with {@link SocketError#ENGINE_STOPPED}
     * ("stack NAME closed"), waking blocked threads and selectors — releases the device and
     * unregisters MBeans. Use {@link #shutdown} to close connections gracefully first. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String detail = "stack " + config.get(JmtcpConfig.NAME) + " closed";
        if (manual) {
            // manual stacks: the caller drives the engines, so it is the engines' thread
            for (Engine e : engines) {
                e.stopNow(detail, null);
            }
        }
        for (Engine e : engines) {
            e.requestStop(detail, null);
        }
        for (AgentRunner r : runners) {
            r.close();
        }
        if (assist != null) {
            // inline: run the stop in this thread where no other runs the engine (bounded)
            assist.close(TimeUnit.SECONDS.toNanos(2));
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName n : mbeans) {
            try {
                server.unregisterMBean(n);
            } catch (javax.management.JMException ignored) {
                // already gone
            }
        }
        device.close();
    }

    /** The engine's JMX view. */
    private static final class EngineMBeanImpl implements EngineMXBean {
        private final Engine engine;
        private final Stack stack;

        EngineMBeanImpl(Engine engine, Stack stack) {
            this.engine = engine;
            this.stack = stack;
        }

        @Override
        public Map<String, Long> getCounters() {
            return engine.counters().snapshot(true);
        }

        @Override
        public String getInterface() {
            return stack.device.name() + " " + MacAddress.format(stack.device.macAddress()) + " " + stack.route.subnet()
                    + " mtu " + stack.device.capabilities().mtu() + " queue " + engine.queue();
        }

        @Override
        public String[] getNeighbours() {
            return engine.arp().describe();
        }

        @Override
        public String[] getConnections() {
            // the TCBs belong to the engine thread (DESIGN.md 3.1): ask it, never read them from here
            CompletableFuture<String[]> listing = new CompletableFuture<>();
            if (!engine.submit((e, now) -> listing.complete(e.tcp().describe().toArray(String[]::new)))) {
                return new String[] {"engine " + engine.id() + " command queue full; try again"};
            }
            try {
                return listing.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return new String[] {"interrupted"};
            } catch (ExecutionException | TimeoutException ex) {
                return new String[] {"engine " + engine.id() + " did not answer: " + ex};
            }
        }
    }
}
