package io.jmtcp.engine.soak;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.dev.FaultCounter;
import io.jmtcp.engine.dev.FaultInjectingDevice;
import io.jmtcp.engine.dev.FaultProfile;
import io.jmtcp.engine.dev.PairDevice;
import io.jmtcp.engine.ip.Icmp;
import io.jmtcp.engine.stack.Engine;
import io.jmtcp.engine.stack.Stack;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.timer.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Two manual stacks (198.18.0.1 and 198.18.0.2) on a {@link PairDevice}, each end's transmit side
 * impaired by a {@link FaultInjectingDevice}, all driven from the calling thread in simulated
 * time on one {@link ManualClock}: a minutes-long TCP exchange runs in seconds, the same way for
 * the same seed (up to the stacks' secret ISN and SYN-cookie keys, which change sequence numbers
 * but not the injector's decisions).
 *
 * <p>Each round runs both engines' duty cycles and the applications' work (non-blocking reads and
 * writes of every connection). A round that did something costs {@link #ROUND_NANOS} of
 * simulated time, a stand-in for the duty cycle's own duration that gives the connections a
 * non-zero round-trip time; a round in which nothing happened jumps the clock to the earliest
 * engine timer or held frame. A connection that makes no progress for the stall limit of
 * simulated time fails the run with every connection's TCB state, the counters and the
 * injectors' tallies, so a hang is a clear failure rather than a timeout.
 */
final class SimulatedSoak implements AutoCloseable {

    static final int A_IP = Cidr.parseAddress("198.18.0.1");
    static final int B_IP = Cidr.parseAddress("198.18.0.2");
    static final int PORT = 5001;
    /** Simulated duration of a round in which an engine or an application did something. */
    static final long ROUND_NANOS = 10_000L;
    /** Longest simulated time a connection may go without progress. */
    static final long STALL_NANOS = 120_000_000_000L;

    /** Receive-side drops a corrupted frame can cause: checksums and the structure checks before them. */
    static final Counter[] INTEGRITY_DROPS = {
        Counter.RX_DROP_IP_BAD_CHECKSUM, Counter.RX_DROP_TCP_BAD_CHECKSUM, Counter.RX_DROP_ICMP_BAD_CHECKSUM,
        Counter.RX_DROP_UDP_BAD_CHECKSUM, Counter.RX_DROP_IP_TRUNCATED, Counter.RX_DROP_IP_BAD_VERSION,
        Counter.RX_DROP_IP_BAD_HEADER_LENGTH, Counter.RX_DROP_IP_BAD_TOTAL_LENGTH, Counter.RX_DROP_TCP_TRUNCATED,
        Counter.RX_DROP_TCP_BAD_OPTIONS,
    };

    private final ManualClock clock = new ManualClock();
    private final ImpairmentGate gateA;
    private final ImpairmentGate gateB;
    private final Stack a;
    private final Stack b;
    private final Engine ea;
    private final Engine eb;
    private final int connections;
    private final long bytesPerStream;
    private final long seed;
    private final List<SoakConnection> conns = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private long rounds;

    SimulatedSoak(FaultProfile profile, int connections, long bytesPerStream, long seed) {
        this.connections = connections;
        this.bytesPerStream = bytesPerStream;
        this.seed = seed;
        PairDevice.Wire wire = PairDevice.create(1500, 1, 1024);
        gateA = new ImpairmentGate(new FaultInjectingDevice(wire.a(), profile.toBuilder().seed(seed * 2 + 1).build(), clock));
        gateB = new ImpairmentGate(new FaultInjectingDevice(wire.b(), profile.toBuilder().seed(seed * 2 + 2).build(), clock));
        a = Stack.manual(config("198.18.0.1/24"), capture(gateA, "a", seed), clock);
        b = Stack.manual(config("198.18.0.2/24"), capture(gateB, "b", seed), clock);
        ea = a.engine(0);
        eb = b.engine(0);
    }

    /**
     * With {@code -Djmtcp.soak.pcap=DIR}, what each engine sent (before impairment) and received
     * goes to DIR/soak-SEED-{a,b}.pcap, stamped with simulated time: for diagnosing a failure.
     */
    private io.jmtcp.engine.dev.NetDevice capture(ImpairmentGate gate, String side, long seed) {
        String dir = System.getProperty("jmtcp.soak.pcap");
        if (dir == null || dir.isEmpty()) {
            return gate;
        }
        try {
            return new io.jmtcp.engine.dev.PcapDevice(gate, io.jmtcp.engine.dev.PcapWriter.open(
                    java.nio.file.Path.of(dir, "soak-" + seed + "-" + side + ".pcap")), () -> clock.nanoTime() / 1000);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JmtcpConfig config(String ip) {
        // ARP entries must not expire during the run: an ARP refresh would cross the impaired wire
        // and ARP has no checksum (see ImpairmentGate)
        return JmtcpConfig.of(Map.of("ip", ip, "jmx", "false", "arp.timeout", "1h"));
    }

    /** What a finished run measured. */
    record Result(long simulatedNanos, long transferNanos, long wallNanos, long rounds, Map<Counter, Long> countersA,
            Map<Counter, Long> countersB, Map<FaultCounter, Long> faultsA, Map<FaultCounter, Long> faultsB,
            List<SoakConnection> connections) {

        long counter(Counter c) {
            return countersA.getOrDefault(c, 0L) + countersB.getOrDefault(c, 0L);
        }

        long fault(FaultCounter c) {
            return faultsA.getOrDefault(c, 0L) + faultsB.getOrDefault(c, 0L);
        }

        long integrityDrops() {
            long n = 0;
            for (Counter c : INTEGRITY_DROPS) {
                n += counter(c);
            }
            return n;
        }
    }

    /**
     * Resolves ARP on the clean wire, turns the impairments on, opens the connections, moves every
     * stream, closes every connection and waits until both stacks hold no TCB (TIME-WAIT over).
     *
     * @throws AssertionError on a stall, a failed socket, a wrong byte or an early end of stream
     */
    Result run() throws IOException {
        long wallStart = System.nanoTime();
        long simStart = clock.nanoTime();
        resolveArp();
        gateA.impair();
        gateB.impair();

        TcpSocket listener = b.listen(0, PORT, 64);
        cycle();
        TcpSocket[] clients = new TcpSocket[connections];
        for (int i = 0; i < connections; i++) {
            clients[i] = a.connect(B_IP, PORT);
        }
        acceptAll(listener, clients);

        // the transfer and the close, until every application closed its sockets
        long transferStart = clock.nanoTime();
        long transferNanos = -1;
        while (true) {
            int work = cycle();
            boolean allClosed = true;
            for (SoakConnection c : conns) {
                work += c.pump(readBuffer, clock.nanoTime());
                noteFinished(c);
                allClosed &= c.closed;
                if (c.failed()) {
                    throw failure("socket failed: " + c.client.failure() + " / " + c.server.failure());
                }
            }
            if (transferNanos < 0 && conns.stream().allMatch(c -> c.up.eof && c.down.eof)) {
                transferNanos = clock.nanoTime() - transferStart;
            }
            if (allClosed) {
                break;
            }
            advance(work);
            watchdog();
        }
        b.closeListener(listener);
        // TIME-WAIT and any last retransmitted FIN: run until no TCB is left on either side
        long closeStart = clock.nanoTime();
        while (ea.tcp().connections() > 0 || eb.tcp().connections() > 0) {
            advance(cycle());
            if (clock.nanoTime() - closeStart > STALL_NANOS + 240_000_000_000L) {
                throw failure("TCBs left " + (clock.nanoTime() - closeStart) / 1_000_000_000L + " s after the last close");
            }
        }
        return new Result(clock.nanoTime() - simStart, transferNanos, System.nanoTime() - wallStart, rounds, counters(a), counters(b),
                faults(gateA.fault()), faults(gateB.fault()), List.copyOf(conns));
    }

    /** A pings B on the clean wire: both ARP caches are then filled (B learns A from A's request). */
    private void resolveArp() {
        boolean[] replied = new boolean[1];
        ea.icmp().listener(new Icmp.Listener() {
            @Override
            public void onEchoReply(int source, int identifier, int sequence, long now) {
                replied[0] = true;
            }
        });
        cycle();
        ea.icmp().sendEchoRequest(B_IP, 1, 1, 56);
        for (int i = 0; i < 100 && !replied[0]; i++) {
            cycle();
            clock.advance(ROUND_NANOS);
        }
        if (!replied[0] || ea.arp().cachedMac(B_IP) == 0 || eb.arp().cachedMac(A_IP) == 0) {
            throw new AssertionError("ARP did not resolve on the clean wire");
        }
        ea.icmp().listener(new Icmp.Listener() { });
    }

    private void acceptAll(TcpSocket listener, TcpSocket[] clients) {
        TcpSocket[] servers = new TcpSocket[connections];
        int accepted = 0;
        long start = clock.nanoTime();
        while (accepted < connections) {
            int work = cycle();
            for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                servers[accepted++] = s;
                work++;
            }
            advance(work);
            if (clock.nanoTime() - start > STALL_NANOS) {
                throw failure("only " + accepted + " of " + connections + " connections accepted");
            }
        }
        long now = clock.nanoTime();
        for (int i = 0; i < connections; i++) {
            TcpSocket server = null;
            for (TcpSocket s : servers) {
                if (s.remotePort() == clients[i].localPort()) {
                    server = s;
                }
            }
            if (server == null) {
                throw failure("no accepted socket for client port " + clients[i].localPort());
            }
            conns.add(new SoakConnection(i, clients[i], server, seed, bytesPerStream, now));
        }
    }

    /** One duty cycle of each engine. */
    private int cycle() {
        rounds++;
        return ea.doWork() + eb.doWork();
    }

    /** Moves simulated time: a round's worth after work, else to the next thing that will happen. */
    private void advance(int work) {
        if (work > 0) {
            clock.advance(ROUND_NANOS);
            return;
        }
        long now = clock.nanoTime();
        long next = Math.min(Math.min(ea.timers().earliestDeadline(), eb.timers().earliestDeadline()),
                Math.min(gateA.fault().nextDueNanos(0), gateB.fault().nextDueNanos(0)));
        if (next == Long.MAX_VALUE) {
            if (conns.stream().allMatch(c -> c.closed)) {
                clock.advance(ROUND_NANOS);
                return;
            }
            throw failure("deadlock: no work, no timer armed and no frame held, yet connections are open");
        }
        // the timer wheel fires at tick granularity: step at least a little
        clock.advance(Math.max(next - now, ROUND_NANOS));
    }

    private void noteFinished(SoakConnection c) {
        if (c.clientEnd == null && c.client.is(TcpSocket.FINISHED)) {
            c.clientEnd = state(ea, c.client);
        }
        if (c.serverEnd == null && c.server.is(TcpSocket.FINISHED)) {
            c.serverEnd = state(eb, c.server);
        }
    }

    private static String state(Engine e, TcpSocket s) {
        String d = e.tcp().describe(s);
        return d.substring(0, d.indexOf(' '));
    }

    private void watchdog() {
        long now = clock.nanoTime();
        for (SoakConnection c : conns) {
            if (!c.closed && now - c.lastProgressAt > STALL_NANOS) {
                throw failure("connection " + c.index + " made no progress for " + STALL_NANOS / 1_000_000_000L
                        + " s of simulated time");
            }
        }
    }

    /** An AssertionError with the whole picture: every connection, both TCBs, counters, injectors. */
    AssertionError failure(String what) {
        StringBuilder sb = new StringBuilder(what).append("\n  at simulated t=")
                .append(String.format("%.3f", (clock.nanoTime() - 1_000_000_000L) / 1e9)).append(" s, round ")
                .append(rounds).append('\n');
        for (SoakConnection c : conns) {
            sb.append("  ").append(c).append('\n');
            sb.append("    A tcb: ").append(ea.tcp().describe(c.client)).append('\n');
            sb.append("    B tcb: ").append(eb.tcp().describe(c.server)).append('\n');
        }
        sb.append("  A counters: ").append(a.counters()).append('\n');
        sb.append("  B counters: ").append(b.counters()).append('\n');
        sb.append("  A injector: ").append(gateA.fault()).append('\n');
        sb.append("  B injector: ").append(gateB.fault()).append('\n');
        return new AssertionError(sb.toString());
    }

    private static Map<Counter, Long> counters(Stack s) {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            m.put(c, s.counter(c));
        }
        return m;
    }

    private static Map<FaultCounter, Long> faults(FaultInjectingDevice d) {
        Map<FaultCounter, Long> m = new EnumMap<>(FaultCounter.class);
        for (FaultCounter c : FaultCounter.values()) {
            m.put(c, d.count(c));
        }
        return m;
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
