package io.jmtcp.engine.stack;

import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.FrameRing;
import io.jmtcp.engine.dev.NetDevice;
import io.jmtcp.engine.dev.NetDevices;
import io.jmtcp.engine.dev.PcapDevice;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.ip.Route;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.MacAddress;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * <p>Thread-safe: any thread may ping, read counters or close.
 */
public final class Stack implements AutoCloseable {

    private static final int SIBLING_RING_SLOTS = 256;

    private final JmtcpConfig config;
    private final NetDevice device;
    private final Route route;
    private final Engine[] engines;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<ObjectName> mbeans = new ArrayList<>();
    private volatile boolean closed;

    private Stack(JmtcpConfig config, NetDevice device, NanoClock clock) {
        this.config = config;
        this.device = device;
        int gateway = config.get(JmtcpConfig.GATEWAY).orElse(Route.NO_ROUTE);
        this.route = new Route(config.get(JmtcpConfig.IP), gateway);
        int n = config.get(JmtcpConfig.ENGINES);
        if (n > device.capabilities().queues()) {
            throw new IllegalArgumentException(JmtcpConfig.ENGINES.name() + "=" + n + " but device " + device.name()
                    + " has only " + device.capabilities().queues() + " queue(s); add queues=" + n + " to the device");
        }
        this.engines = new Engine[n];
        String name = config.get(JmtcpConfig.NAME);
        for (int i = 0; i < n; i++) {
            engines[i] = new Engine(i, name, device, i, config, route, clock);
        }
        connectSiblings();
    }

    /** One SPSC ring per ordered pair of engines, for what one must pass to another. */
    private void connectSiblings() {
        int n = engines.length;
        if (n < 2) {
            return;
        }
        FrameRing[][] rings = new FrameRing[n][n]; // [from][to]
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (from != to) {
                    rings[from][to] = FrameRing.allocate(SIBLING_RING_SLOTS, 64);
                }
            }
        }
        for (int self = 0; self < n; self++) {
            Engine[] others = new Engine[n - 1];
            FrameRing[] out = new FrameRing[n - 1];
            FrameRing[] in = new FrameRing[n - 1];
            int k = 0;
            for (int other = 0; other < n; other++) {
                if (other != self) {
                    others[k] = engines[other];
                    out[k] = rings[self][other];
                    in[k] = rings[other][self];
                    k++;
                }
            }
            engines[self].connectSiblings(others, out, in);
        }
    }

    /** Opens the configured device and starts one thread per engine. */
    public static Stack start(JmtcpConfig config) {
        NetDevice device = NetDevices.open(config.text(JmtcpConfig.DEVICE), config.get(JmtcpConfig.ENGINES),
                config.get(JmtcpConfig.MTU));
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

    /** Starts engines on threads over a device the caller opened (and that the stack now owns). */
    public static Stack start(JmtcpConfig config, NetDevice device) {
        Stack stack = new Stack(config, device, SystemNanoClock.INSTANCE);
        stack.registerMBeans();
        for (Engine e : stack.engines) {
            IdleStrategy idle = "spin".equals(config.get(JmtcpConfig.IDLE))
                    ? new BusySpinIdleStrategy() : new EngineIdleStrategy(e);
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
        Stack stack = new Stack(config, device, clock);
        stack.announce();
        return stack;
    }

    private static void engineError(Throwable t) {
        // An exception out of an engine is a bug: make it loud, keep the engine running.
        System.err.println("jmtcp: engine error: " + t);
        t.printStackTrace();
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
     * to {@code timeoutNanos} after the last for replies. Needs running engines ({@link #start}).
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
        engine.submit((e, now) -> e.icmp().listener(listener));
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
        engine.submit((e, now) -> e.icmp().listener(new Icmp.Listener() { }));
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

    /** Stops the engines, releases the device and unregisters MBeans. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AgentRunner r : runners) {
            r.close();
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
    }
}
