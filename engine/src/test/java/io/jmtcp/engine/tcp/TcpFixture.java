package io.jmtcp.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.stack.WireFixture;
import io.jmtcp.engine.stats.Counter;
import io.jmtcp.engine.wire.Icmpv4Packet;
import io.jmtcp.engine.wire.Ipv4Packet;
import io.jmtcp.engine.wire.TcpOptions;
import io.jmtcp.engine.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Scripted segment tests (CONVENTIONS.md "Tests"): one stack under test on a {@link WireFixture}
 * (PairDevice wire, manual clock, engine cycled from the test thread) and the test as the raw
 * peer 198.18.0.1, which writes TCP segments with {@link #send(Seg)} and checks what the stack
 * answers with {@link #expect(Seg)} / {@link #expectNothing()}, moving time with
 * {@link #advance(long)}.
 *
 * <p>Ports: the stack's side is always {@link #PORT}, the peer's {@link #PEER_PORT} (active
 * opens bind {@link #PORT} explicitly), so segments need no port unless a test wants another.
 * After {@link #establishPassive}/{@link #establishActive}, {@link #iss} holds the stack's ISS,
 * {@link #peerIsn} the peer's, and when timestamps were negotiated every segment the test sends
 * carries one automatically (TSval from the clock, TSecr the stack's latest TSval), and every
 * segment the stack sends must carry one.
 */
final class TcpFixture implements AutoCloseable {

    static final int OUR_IP = WireFixture.OUR_IP;
    static final int PEER_IP = WireFixture.PEER_IP;
    static final int PORT = 8080;
    static final int PEER_PORT = 40000;
    static final int PEER_ISN = 1000;

    final WireFixture w;
    final io.jmtcp.engine.stack.Stack stack;
    final TcpLayer tcp;

    /** The stack's ISS once a handshake ran. */
    int iss;
    int peerIsn = PEER_ISN;
    /** The stack-side socket of the connection under test. */
    TcpSocket socket;
    TcpSocket listener;
    /** Timestamps are negotiated: add them to what the peer sends, require them in what the stack sends. */
    boolean autoTs;
    /** The stack's most recent TSval (the peer echoes it). */
    int stackTsVal;
    /** The window field the peer sends when a segment does not give one. */
    int peerWindow = 65535;
    /** Added to the clock's milliseconds for the peer's TSval. */
    int peerTsBase = 5_000;

    private final TcpSegment out = new TcpSegment();
    private final TcpSegment in = new TcpSegment();
    private final TcpOptions inOptions = new TcpOptions();

    private TcpFixture(String... config) {
        w = WireFixture.started(config);
        stack = w.stack;
        tcp = w.engine.tcp();
    }

    /** A started stack (ARP done) with extra configuration key/value pairs. */
    static TcpFixture create(String... config) {
        return new TcpFixture(config);
    }

    static Seg seg() {
        return new Seg();
    }

    // ================================================================ peer -> stack

    /** Sends {@code s} from the peer and runs one duty cycle. */
    TcpFixture send(Seg s) {
        write(s);
        w.send();
        w.cycle();
        return this;
    }

    /** Writes {@code s} into the wire fixture's frame builder without sending it. No allocation. */
    void write(Seg s) {
        TcpOptions o = s.options;
        if (autoTs && !o.hasTimestamps() && !s.noTs && (s.flags & TcpSegment.RST) == 0) {
            o.timestamps(peerTsVal(), stackTsVal);
            s.autoAddedTs = true;
        }
        int optLen = s.rawOptions != null ? s.rawOptions.length : o.encodedLength();
        int payload = s.payloadLength();
        int tcpLen = TcpSegment.MIN_HEADER_LENGTH + optLen + payload;
        w.frame.ipv4(s.srcIp, OUR_IP, Ipv4Packet.PROTOCOL_TCP, tcpLen);
        ByteBuffer b = w.frame.buffer();
        int off = w.frame.l3Offset() + Ipv4Packet.MIN_HEADER_LENGTH;
        out.wrap(b, off, tcpLen);
        out.sourcePort(s.srcPort < 0 ? PEER_PORT : s.srcPort)
                .destinationPort(s.dstPort < 0 ? PORT : s.dstPort)
                .sequenceNumber(s.seq)
                .acknowledgmentNumber(s.ackNo)
                .headerLength(TcpSegment.MIN_HEADER_LENGTH + optLen)
                .flags(s.flags)
                .window(s.has(Seg.WINDOW) ? s.window : peerWindow)
                .checksum(0)
                .urgentPointer(s.urgentPointer);
        if (s.rawOptions != null) {
            for (int i = 0; i < optLen; i++) {
                b.put(off + TcpSegment.MIN_HEADER_LENGTH + i, s.rawOptions[i]);
            }
        } else if (optLen > 0) {
            o.write(b, off + TcpSegment.MIN_HEADER_LENGTH);
        }
        int p = off + TcpSegment.MIN_HEADER_LENGTH + optLen;
        if (s.data != null) {
            for (int i = 0; i < payload; i++) {
                b.put(p + i, s.data[i]);
            }
        } else {
            for (int i = 0; i < payload; i++) {
                b.put(p + i, (byte) (s.seq + i));
            }
        }
        out.computeChecksum(s.srcIp, OUR_IP);
        if (s.autoAddedTs) {
            o.clearTimestamps();
            s.autoAddedTs = false;
        }
    }

    int peerTsVal() {
        return (int) (w.clock.nanoTime() / 1_000_000L) + peerTsBase;
    }

    /**
     * Sends an ICMP error from the peer quoting a segment of ours (IPv4 header plus the first
     * 8 TCP bytes, RFC 792): {@code type}/{@code code}, with {@code mtu} as next-hop MTU.
     */
    TcpFixture icmpError(int type, int code, int mtu, int quotedSeq) {
        int quote = Ipv4Packet.MIN_HEADER_LENGTH + 8;
        w.frame.icmpMessage(PEER_IP, OUR_IP, type, code, 0, mtu, quote);
        ByteBuffer b = w.frame.buffer();
        int icmpOff = w.frame.l3Offset() + Ipv4Packet.MIN_HEADER_LENGTH;
        int q = icmpOff + Icmpv4Packet.HEADER_LENGTH;
        Ipv4Packet quoted = new Ipv4Packet().wrap(b, q, quote);
        quoted.versionAndHeaderLength(Ipv4Packet.MIN_HEADER_LENGTH);
        quoted.typeOfService(0);
        quoted.totalLength(1500);
        quoted.identification(7);
        quoted.flagsAndFragmentOffset(true, false, 0);
        quoted.timeToLive(64);
        quoted.protocol(Ipv4Packet.PROTOCOL_TCP);
        quoted.source(OUR_IP);
        quoted.destination(PEER_IP);
        quoted.computeChecksum();
        b.putShort(q + 20, (short) PORT);
        b.putShort(q + 22, (short) PEER_PORT);
        b.putInt(q + 24, quotedSeq);
        Icmpv4Packet m = new Icmpv4Packet().wrap(b, icmpOff, Icmpv4Packet.HEADER_LENGTH + quote);
        m.computeChecksum();
        w.send();
        w.cycle();
        return this;
    }

    // ================================================================ stack -> peer

    /** The next segment the stack sent; asserts it matches {@code pattern}; returns it parsed. */
    Seg expect(Seg pattern) {
        Seg got = next();
        if (got == null) {
            fail("expected " + pattern.describe() + ", the stack sent nothing; counters " + stack.counters());
        }
        pattern.check(got, this);
        return got;
    }

    /** The next TCP segment the stack sent, parsed (copies), or null. Fails on non-TCP frames. */
    Seg next() {
        WireFixture.Received r = w.pollFrame();
        if (r == null) {
            return null;
        }
        Ipv4Packet ip = r.ip();
        assertThat(ip.protocol()).as("protocol of %s", r).isEqualTo(Ipv4Packet.PROTOCOL_TCP);
        assertThat(ip.source()).isEqualTo(OUR_IP);
        TcpSegment s = in.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertThat(s.checkLength()).as("TCP header length").isTrue();
        assertThat(s.verifyChecksum(ip.source(), ip.destination())).as("TCP checksum").isTrue();
        Seg g = new Seg();
        g.dstIp = ip.destination();
        g.tos = ip.typeOfService();
        g.srcPort = s.sourcePort();
        g.dstPort = s.destinationPort();
        g.seq = s.sequenceNumber();
        g.ackNo = s.acknowledgmentNumber();
        g.flags = s.flags();
        g.window = s.window();
        g.urgentPointer = s.urgentPointer();
        g.rawOptions = new byte[s.optionsLength()];
        ip.buffer().get(s.optionsOffset(), g.rawOptions);
        assertThat(inOptions.parse(ip.buffer(), s.optionsOffset(), s.optionsLength())).as("options parse").isTrue();
        g.options.copyFrom(inOptions);
        g.data = new byte[s.payloadLength()];
        ip.buffer().get(s.payloadOffset(), g.data);
        g.length = g.data.length;
        if (g.options.hasTimestamps()) {
            if (autoTs) {
                assertThat(g.options.tsVal() - stackTsVal).as("TSval never goes back").isGreaterThanOrEqualTo(0);
            }
            stackTsVal = g.options.tsVal();
        } else if (autoTs && (g.flags & TcpSegment.RST) == 0) {
            fail("timestamps were negotiated but the stack sent a segment without one: " + g.describe());
        }
        return g;
    }

    /** Fails if the stack sent anything. */
    void expectNothing() {
        Seg g = next();
        if (g != null) {
            fail("expected nothing, the stack sent " + g.describe());
        }
    }

    /** Advances the clock by {@code millis} (in steps of at most 1 ms, one cycle each), like a real engine loop. */
    TcpFixture advance(long millis) {
        for (long i = 0; i < millis; i++) {
            w.clock.advanceMillis(1);
            w.cycle();
        }
        return this;
    }

    /** Advances and collects every segment sent meanwhile (does not check them). */
    java.util.List<Seg> advanceCollecting(long millis) {
        java.util.List<Seg> got = new java.util.ArrayList<>();
        for (long i = 0; i < millis; i++) {
            w.clock.advanceMillis(1);
            w.cycle();
            for (Seg g = next(); g != null; g = next()) {
                g.at = w.clock.nanoTime();
                got.add(g);
            }
        }
        return got;
    }

    /** Advances 1 ms at a time until the stack sends something (at most {@code maxMillis}); returns it, {@code at} set. */
    Seg advanceUntilSent(long maxMillis) {
        for (long i = 1; i <= maxMillis; i++) {
            w.clock.advanceMillis(1);
            w.cycle();
            Seg g = next();
            if (g != null) {
                g.at = w.clock.nanoTime();
                return g;
            }
        }
        fail("nothing sent within " + maxMillis + " ms");
        return null;
    }

    /** The clock in milliseconds. */
    long nowMillis() {
        return w.clock.nanoTime() / 1_000_000L;
    }

    void cycle() {
        w.cycle();
    }

    long counter(Counter c) {
        return w.counter(c);
    }

    /** The TCB of the connection under test (engine-private; the test thread is the engine thread). */
    Tcb tcb() {
        return tcp.lookup(OUR_IP, PORT, PEER_IP, PEER_PORT);
    }

    TcpState state() {
        Tcb t = tcb();
        return t == null ? TcpState.CLOSED : t.state;
    }

    // ================================================================ handshakes

    /** A listener on {@link #PORT} (backlog 16). */
    TcpSocket listen() {
        return listen(16);
    }

    TcpSocket listen(int backlog) {
        try {
            listener = stack.listen(0, PORT, backlog);
        } catch (java.net.BindException e) {
            throw new AssertionError(e);
        }
        w.cycle();
        return listener;
    }

    /** The SYN a Linux peer sends: MSS 1460, SACK-permitted, timestamps, window scale 7. */
    static Seg linuxSyn() {
        return seg().syn().seq(PEER_ISN).win(64240).mss(1460).sackPermitted().ts(100, 0).ws(7);
    }

    /** Passive open with a Linux-like peer; the peer's window afterwards is 65535 << 7 unless given. */
    TcpSocket establishPassive() {
        return establishPassive(linuxSyn());
    }

    /** Passive open: listen, the peer's {@code syn}, SYN-ACK, final ACK; returns the accepted socket. */
    TcpSocket establishPassive(Seg syn) {
        if (listener == null) {
            listen();
        }
        peerIsn = syn.seq;
        send(syn);
        Seg synAck = expect(seg().syn().ack(peerIsn + 1));
        iss = synAck.seq;
        autoTs = syn.options.hasTimestamps() && synAck.options.hasTimestamps();
        peerWindow = syn.options.windowScale() >= 0 ? 512 : 65535;
        send(seg().ack(iss + 1).seq(peerIsn + 1));
        socket = listener.accept();
        assertThat(socket).as("accepted socket").isNotNull();
        assertThat(state()).isEqualTo(TcpState.ESTABLISHED);
        expectNothing();
        return socket;
    }

    /** Active open towards the peer with its SYN-ACK carrying Linux's options; returns the socket. */
    TcpSocket establishActive() {
        TcpSocket s = connect();
        Seg syn = expect(seg().syn());
        iss = syn.seq;
        send(seg().syn().ack(iss + 1).seq(PEER_ISN).win(65160).mss(1460).sackPermitted()
                .ts(100, syn.options.tsVal()).ws(7));
        autoTs = true;
        expect(seg().ack(PEER_ISN + 1).seq(iss + 1));
        assertThat(state()).isEqualTo(TcpState.ESTABLISHED);
        return s;
    }

    /** Starts a connect from {@link #PORT} to the peer's {@link #PEER_PORT}; the SYN leaves in this cycle. */
    TcpSocket connect() {
        return connect(new TcpSocket());
    }

    TcpSocket connect(TcpSocket s) {
        socket = stack.connect(s, PORT, PEER_IP, PEER_PORT);
        w.cycle();
        return socket;
    }

    /**
     * Sends small in-order segments from {@code seq} until the stack has left its quick-ACK mode
     * of connection start (each is acknowledged at once), reading them; returns the next sequence.
     */
    int burnQuickAcks(int seq) {
        while (tcb().quickAcks > 0) {
            send(seg().ack(tcb().sndNxt).seq(seq).len(10));
            seq += 10;
            expect(seg().ack(seq).seq(tcb().sndNxt));
        }
        read(100_000);
        expectNothing();
        return seq;
    }

    // ================================================================ application

    /** The application writes {@code n} pattern bytes ({@code (start + i) & 0xff}); returns what fit. */
    int write(int n, int start) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (start + i);
        }
        try {
            return socket.write(ByteBuffer.wrap(b));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The application reads up to {@code max} bytes; returns them. */
    byte[] read(int max) {
        ByteBuffer b = ByteBuffer.allocate(max);
        try {
            int n = socket.read(b);
            if (n < 0) {
                return null;
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Override
    public void close() {
        w.close();
    }

    // ================================================================ the segment value

    /**
     * A TCP segment: built by tests to send (fields written as given), used as a pattern by
     * {@link #expect} (only the fields the test set are compared, plus flags, ports and payload
     * length which are always compared), and the parsed result of what the stack sent.
     */
    static final class Seg {
        static final int SEQ = 1;
        static final int ACK_NO = 1 << 1;
        static final int WINDOW = 1 << 2;
        static final int LEN = 1 << 3;
        static final int OPTS = 1 << 4;
        static final int TS_ECR = 1 << 5;
        static final int TS_VAL = 1 << 6;
        static final int SACK = 1 << 7;
        static final int ANY_LEN = 1 << 8;
        static final int ANY_PSH = 1 << 9;
        static final int ANY_PORT = 1 << 10;

        int given;
        int flags;
        int seq;
        int ackNo;
        int window;
        int urgentPointer;
        int srcIp = PEER_IP;
        int dstIp;
        int srcPort = -1;
        int dstPort = -1;
        int tos;
        int length;
        byte[] data;
        byte[] rawOptions;
        boolean noTs;
        boolean autoAddedTs;
        long at;
        final TcpOptions options = new TcpOptions();

        Seg syn() {
            flags |= TcpSegment.SYN;
            return this;
        }

        Seg fin() {
            flags |= TcpSegment.FIN;
            return this;
        }

        Seg rst() {
            flags |= TcpSegment.RST;
            return this;
        }

        Seg psh() {
            flags |= TcpSegment.PSH;
            return this;
        }

        /** In a pattern: PSH may or may not be set. */
        Seg anyPsh() {
            given |= ANY_PSH;
            return this;
        }

        Seg urg(int pointer) {
            flags |= TcpSegment.URG;
            urgentPointer = pointer;
            return this;
        }

        /** ACK flag and acknowledgment number. */
        Seg ack(int ack) {
            flags |= TcpSegment.ACK;
            ackNo = ack;
            given |= ACK_NO;
            return this;
        }

        /** ACK flag without checking the number (patterns). */
        Seg ackFlag() {
            flags |= TcpSegment.ACK;
            return this;
        }

        Seg seq(int seq) {
            this.seq = seq;
            given |= SEQ;
            return this;
        }

        /** The raw 16-bit window field. */
        Seg win(int window) {
            this.window = window;
            given |= WINDOW;
            return this;
        }

        /** {@code n} payload bytes ({@code (seq + i) & 0xff} when sent). */
        Seg len(int n) {
            length = n;
            given |= LEN;
            return this;
        }

        /** In a pattern: any payload length. */
        Seg anyLen() {
            given |= ANY_LEN;
            return this;
        }

        Seg data(byte[] bytes) {
            data = bytes;
            length = bytes.length;
            given |= LEN;
            return this;
        }

        Seg mss(int mss) {
            options.mss(mss);
            given |= OPTS;
            return this;
        }

        Seg ws(int shift) {
            options.windowScale(shift);
            given |= OPTS;
            return this;
        }

        Seg sackPermitted() {
            options.sackPermitted(true);
            given |= OPTS;
            return this;
        }

        Seg ts(int val, int ecr) {
            options.timestamps(val, ecr);
            given |= OPTS | TS_ECR | TS_VAL;
            return this;
        }

        /** In a pattern: timestamps present echoing {@code ecr}. */
        Seg tsEcr(int ecr) {
            options.timestamps(0, ecr);
            given |= TS_ECR;
            return this;
        }

        /** Sent without the automatic timestamp. */
        Seg noTs() {
            noTs = true;
            return this;
        }

        /** In a pattern: exactly no options. */
        Seg noOptions() {
            options.clear();
            given |= OPTS;
            return this;
        }

        /** SACK blocks [left, right) pairs; in a pattern, exactly these blocks. */
        Seg sack(int... edges) {
            for (int i = 0; i < edges.length; i += 2) {
                options.addSackBlock(edges[i], edges[i + 1]);
            }
            given |= SACK;
            return this;
        }

        /** In a pattern: no SACK blocks. */
        Seg noSack() {
            given |= SACK;
            return this;
        }

        Seg from(int ip, int port) {
            srcIp = ip;
            srcPort = port;
            return this;
        }

        /** In a pattern: any destination port (a segment to another of the peer's ports). */
        Seg dstPortAny() {
            given |= ANY_PORT;
            return this;
        }

        Seg toPort(int port) {
            dstPort = port;
            return this;
        }

        /** The options exactly as given, bytes on the wire. */
        Seg rawOptions(byte... bytes) {
            rawOptions = bytes;
            return this;
        }

        boolean has(int bit) {
            return (given & bit) != 0;
        }

        int payloadLength() {
            return data != null ? data.length : length;
        }

        boolean is(int flag) {
            return (flags & flag) != 0;
        }

        /** Sequence space the segment occupies. */
        int segLen() {
            return length + (is(TcpSegment.SYN) ? 1 : 0) + (is(TcpSegment.FIN) ? 1 : 0);
        }

        /** The next sequence number after this segment. */
        int end() {
            return seq + segLen();
        }

        void check(Seg got, TcpFixture f) {
            String what = got.describe() + " expected " + describe();
            int mask = has(ANY_PSH) ? ~TcpSegment.PSH : ~0;
            assertThat(flags(got.flags & mask)).as("flags of %s", what).isEqualTo(flags(flags & mask));
            assertThat(got.srcPort).as("source port of %s", what).isEqualTo(srcPort < 0 ? PORT : srcPort);
            if (!has(ANY_PORT)) {
                assertThat(got.dstPort).as("destination port of %s", what).isEqualTo(dstPort < 0 ? PEER_PORT : dstPort);
            }
            if (has(SEQ)) {
                assertThat(got.seq).as("seq of %s", what).isEqualTo(seq);
            }
            if (has(ACK_NO)) {
                assertThat(got.ackNo).as("ack of %s", what).isEqualTo(ackNo);
            }
            if (has(WINDOW)) {
                assertThat(got.window).as("window of %s", what).isEqualTo(window);
            }
            if (!has(ANY_LEN)) {
                assertThat(got.length).as("payload length of %s", what).isEqualTo(has(LEN) ? payloadLength() : 0);
            }
            if (data != null) {
                assertThat(got.data).as("payload of %s", what).isEqualTo(data);
            }
            TcpOptions g = got.options;
            if (has(OPTS)) {
                assertThat(g.mss()).as("MSS option of %s", what).isEqualTo(options.mss());
                assertThat(g.windowScale()).as("window scale option of %s", what).isEqualTo(options.windowScale());
                assertThat(g.sackPermitted()).as("SACK-permitted of %s", what).isEqualTo(options.sackPermitted());
                assertThat(g.hasTimestamps()).as("timestamps of %s", what).isEqualTo(options.hasTimestamps());
            }
            if (has(TS_ECR)) {
                assertThat(g.hasTimestamps()).as("timestamps of %s", what).isTrue();
                assertThat(g.tsEcr()).as("TSecr of %s", what).isEqualTo(options.tsEcr());
            }
            if (has(TS_VAL)) {
                assertThat(g.tsVal()).as("TSval of %s", what).isEqualTo(options.tsVal());
            }
            if (has(SACK)) {
                assertThat(blocks(g)).as("SACK blocks of %s", what).isEqualTo(blocks(options));
            }
        }

        private static String blocks(TcpOptions o) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < o.sackBlockCount(); i++) {
                sb.append('[').append(Integer.toUnsignedString(o.sackLeft(i))).append(',')
                        .append(Integer.toUnsignedString(o.sackRight(i))).append(") ");
            }
            return sb.toString().trim();
        }

        static String flags(int f) {
            StringBuilder sb = new StringBuilder();
            String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
            for (int i = 0; i < names.length; i++) {
                if ((f & (1 << i)) != 0) {
                    sb.append(sb.length() == 0 ? "" : ",").append(names[i]);
                }
            }
            return "<" + sb + ">";
        }

        String describe() {
            StringBuilder sb = new StringBuilder(flags(flags));
            if ((given & SEQ) != 0 || data != null || dstIp != 0) {
                sb.append(" seq=").append(Integer.toUnsignedString(seq));
            }
            if ((flags & TcpSegment.ACK) != 0 && ((given & ACK_NO) != 0 || dstIp != 0)) {
                sb.append(" ack=").append(Integer.toUnsignedString(ackNo));
            }
            if ((given & WINDOW) != 0 || dstIp != 0) {
                sb.append(" win=").append(window);
            }
            sb.append(" len=").append(payloadLength());
            sb.append(" opts=").append(options);
            return sb.toString();
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
