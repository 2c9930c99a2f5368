"""packetimpact-style harness: crafts TCP segments for a device under test (DUT) and checks answers.

The harness owns one side of a link (a veth into a namespace where the Linux kernel listens, or
the kernel side of the TAP that jmtcp runs on) and talks to the DUT with raw Ethernet frames over
an AF_PACKET socket, so nothing of the harness namespace's own TCP stack takes part (its TCP output
is dropped by nftables, see PacketImpactTest).

Every behaviour script defines ``run(h)`` and uses ``Harness``/``Conn`` to send segments and
``expect``/``expect_none`` to check answers. The RFC rule is asserted in the script itself; what the
DUT sent is also recorded as a *normalised trace* (sequence numbers relative to the DUT's ISN,
acknowledgements relative to ours, no window sizes, no timestamp values, no MACs, options as a
sorted set) that the Java side compares between Linux and jmtcp. A script records only facts the
RFC decides; where the two stacks may legitimately differ it says so and records less.
"""

import os
import random
import select
import socket
import struct
import time

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

# the DUT's services (linux_dut.py and PacketImpactTest's jmtcp target serve the same)
ECHO = 7      # echoes what it reads, urgent data in line; closes after the peer's FIN
HOLD = 9      # accepts and never reads; 4 KiB receive buffer
CLOSED = 1    # nobody listens

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
MOD = 1 << 32

# default wait for an answer the RFC says must come now (no timer involved)
ANSWER = 1.0
# how long silence must last to count as "no answer"
SILENCE = 0.6


def seq_add(a, n):
    return (a + n) % MOD


def seq_sub(a, n):
    return (a - n) % MOD


def seq_diff(a, b):
    """a - b as a signed 32-bit distance."""
    d = (a - b) % MOD
    return d - MOD if d >= 1 << 31 else d


def flags_of(tcp):
    """The flags as a fixed-order string (S F R A U), e.g. 'SA' for a SYN-ACK.

    PSH is left out: when to set it is the sender's choice (RFC 9293 3.9.1.2)."""
    f = int(tcp.flags)
    names = [(0x02, 'S'), (0x01, 'F'), (0x04, 'R'), (0x10, 'A'), (0x20, 'U')]
    return ''.join(n for bit, n in names if f & bit)


def option_kinds(tcp):
    """Option names present, sorted, without NOP/EOL padding (their placement is a free choice)."""
    kinds = sorted({name for name, _ in tcp.options if name not in ('NOP', 'EOL')})
    return ','.join(kinds)


def option(tcp, name):
    for n, v in tcp.options:
        if n == name:
            return v
    return None


class ScriptFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise ScriptFailure(message)


class Harness:
    """One AF_PACKET socket on the harness interface and the bookkeeping of one script run."""

    def __init__(self, iface, local_ip, dut_ip, control_in, control_out):
        self.iface = iface
        self.local_ip = local_ip
        self.dut_ip = dut_ip
        self.control_in = control_in
        self.control_out = control_out
        with open('/sys/class/net/%s/address' % iface) as f:
            self.local_mac = f.read().strip()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((iface, ETH_P_ALL))
        self.dut_mac = self._resolve(dut_ip)
        self.trace = []
        self.conns = []
        self.rng = random.Random(0)
        self.next_sport = 20000

    # ------------------------------------------------------------------ script lifecycle

    def begin(self, name):
        """Resets per-script state; the seed makes our own numbers identical for both targets."""
        self.trace = []
        self.conns = []
        self.rng = random.Random(name)
        self._drain()

    def end(self):
        """Resets every connection the script opened so the DUT forgets it (not traced)."""
        for c in self.conns:
            if c.irs is not None:
                c.send('R', seq=c.snd_nxt, ack=0, options=[])
        self.conns = []

    def note(self, text):
        """Records one normalised fact for the Linux/jmtcp comparison."""
        self.trace.append(text)

    def control(self, *words):
        """Asks the test JVM to make the DUT do something (e.g. connect); returns its answer line."""
        self.control_out.write('CTL ' + ' '.join(str(w) for w in words) + '\n')
        self.control_out.flush()
        answer = self.control_in.readline().strip()
        check(answer.startswith('OK'), 'control %s failed: %s' % (words, answer))
        return answer

    # ------------------------------------------------------------------ frames

    def port(self):
        """A source port no earlier script of this run used (the DUT may still hold old flows)."""
        self.next_sport += 1
        return self.next_sport

    def conn(self, dport, sport=None):
        c = Conn(self, dport, sport or self.port())
        self.conns.append(c)
        return c

    def send_frame(self, l3):
        frame = Ether(src=self.local_mac, dst=self.dut_mac) / l3
        self.sock.send(bytes(frame))

    def receive(self, timeout, accept):
        """The next frame from the DUT for which ``accept(ether)`` holds, or None after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            ether = Ether(data)
            if accept(ether):
                return ether

    def _drain(self):
        while self.receive(0.05, lambda e: True) is not None:
            pass

    def _resolve(self, ip):
        request = Ether(src=self.local_mac, dst='ff:ff:ff:ff:ff:ff') / ARP(
            op=1, hwsrc=self.local_mac, psrc=self.local_ip, pdst=ip)
        for _ in range(10):
            self.sock.send(bytes(request))
            reply = self.receive(0.5, lambda e: ARP in e and e[ARP].op == 2 and e[ARP].psrc == ip)
            if reply is not None:
                return reply[ARP].hwsrc
        raise ScriptFailure('no ARP reply from %s' % ip)


class Conn:
    """The harness's view of one connection (or one 4-tuple when no connection exists)."""

    def __init__(self, h, dport, sport):
        self.h = h
        self.dport = dport
        self.sport = sport
        self.iss = h.rng.randrange(1 << 32)
        self.snd_nxt = self.iss
        self.irs = None
        self.rcv_nxt = None
        self.ts = False
        self.ts_val = h.rng.randrange(1 << 31)
        self.ts_recent = 0
        self.window = 65535
        self.pending = []
        self.received = bytearray()  # all in-order data taken so far

    # ------------------------------------------------------------------ sending

    def next_ts_val(self):
        self.ts_val = seq_add(self.ts_val, 10)
        return self.ts_val

    def send(self, flags, seq=None, ack=None, data=b'', window=None, options=None, urgptr=0, ts_val=None):
        """Sends one segment; defaults: seq=snd_nxt, ack=rcv_nxt, TS option when negotiated."""
        if seq is None:
            seq = self.snd_nxt
        if ack is None:
            ack = self.rcv_nxt if self.rcv_nxt is not None else 0
        if options is None:
            options = []
            if self.ts:
                options = [('NOP', None), ('NOP', None),
                           ('Timestamp', (ts_val if ts_val is not None else self.next_ts_val(), self.ts_recent))]
        tcp = TCP(sport=self.sport, dport=self.dport, seq=seq, ack=ack, flags=flags,
                  window=self.window if window is None else window, options=options, urgptr=urgptr)
        l3 = IP(src=self.h.local_ip, dst=self.h.dut_ip, ttl=64) / tcp
        if data:
            l3 = l3 / Raw(load=data)
        self.h.send_frame(l3)

    def send_data(self, data, flags='PA', **kw):
        """Sends in-order data at snd_nxt and advances snd_nxt."""
        self.send(flags, data=data, **kw)
        self.snd_nxt = seq_add(self.snd_nxt, len(data) + (1 if 'F' in flags else 0))

    # ------------------------------------------------------------------ receiving

    def _mine(self, ether):
        return (IP in ether and TCP in ether and ether[IP].src == self.h.dut_ip
                and ether[TCP].sport == self.dport and ether[TCP].dport == self.sport)

    def expect(self, what, timeout=ANSWER, accept=None):
        """The DUT's next segment on this 4-tuple (optionally the next one ``accept`` likes).

        Fails the script with ``what`` when nothing comes in time.
        """
        tcp = None
        for i, held in enumerate(self.pending):
            if accept is None or accept(held):
                tcp = self.pending.pop(i)
                break
        if tcp is None:
            ether = self.h.receive(timeout, lambda e: self._mine(e) and self._wanted(e[TCP], accept))
            check(ether is not None, 'expected %s within %.1fs, got nothing' % (what, timeout))
            tcp = ether[TCP]
        ts = option(tcp, 'Timestamp')
        if ts is not None:
            self.ts_recent = ts[0]
        # take in-order data and FIN, so later segments acknowledge them
        advance = len(self.payload(tcp)) + (1 if int(tcp.flags) & 0x01 else 0)
        if advance and self.rcv_nxt is not None and tcp.seq == self.rcv_nxt:
            self.rcv_nxt = seq_add(self.rcv_nxt, advance)
            self.received += self.payload(tcp)
        return tcp

    def _wanted(self, tcp, accept):
        if accept is None or accept(tcp):
            return True
        # data or FIN passed over while waiting for something else (say an ACK) is kept for a
        # later expect: losing it would make the script wait for the DUT's retransmission
        if len(tcp.payload) or int(tcp.flags) & 0x01:
            self.pending.append(tcp)
        return False

    def expect_none(self, what, timeout=SILENCE, accept=None):
        """Fails the script if the DUT sends anything (``accept`` narrows what counts)."""
        ether = self.h.receive(timeout, lambda e: self._mine(e) and (accept is None or accept(e[TCP])))
        check(ether is None, 'expected no answer (%s), got %s' % (what, ether and self.describe(ether[TCP])))

    def collect(self, total, what, timeout=2.0):
        """Waits until ``total`` bytes of in-order data arrived on this connection in all (acking as
        it goes, so the DUT need not retransmit); returns everything received so far."""
        deadline = time.monotonic() + timeout
        if self.received:
            # data may have been taken by an earlier expect without being acknowledged; the DUT
            # would hold the rest (Nagle) until that ACK
            self.send('A')
        while len(self.received) < total:
            left = deadline - time.monotonic()
            self.expect('%s (%d of %d bytes so far)' % (what, len(self.received), total), timeout=max(left, 0.01),
                        accept=lambda t: len(t.payload) > 0 and t.seq == self.rcv_nxt)
            self.send('A')
        return bytes(self.received)

    def payload(self, tcp):
        return bytes(tcp.payload) if tcp.payload else b''

    def describe(self, tcp):
        """A normalised one-line description of a DUT segment for the trace."""
        seq = seq_diff(tcp.seq, self.irs) if self.irs is not None else tcp.seq
        parts = [flags_of(tcp), 'seq=%d' % seq]
        if int(tcp.flags) & 0x10:
            parts.append('ack=%d' % seq_diff(tcp.ack, self.iss))
        parts.append('len=%d' % len(self.payload(tcp)))
        if tcp.window == 0 and not int(tcp.flags) & 0x04:  # a RST's window means nothing
            parts.append('win=0')
        kinds = option_kinds(tcp)
        if kinds:
            parts.append('opts=' + kinds)
        sack = option(tcp, 'SAck')
        if sack and self.irs is not None:
            blocks = ['%d-%d' % (seq_diff(sack[i], self.iss), seq_diff(sack[i + 1], self.iss))
                      for i in range(0, len(sack) - 1, 2)]
            parts.append('sack=' + ' '.join(blocks))
        return ' '.join(parts)

    def record(self, tcp, label=''):
        self.h.note((label + ': ' if label else '') + self.describe(tcp))
        return tcp

    # ------------------------------------------------------------------ handshakes

    SYN_OPTIONS_ALL = 'all'

    def syn_options(self, mss=1460, sack=True, ts=True, wscale=7):
        opts = []
        if mss is not None:
            opts.append(('MSS', mss))
        if sack:
            opts.append(('SAckOK', b''))
        if ts:
            opts.append(('Timestamp', (self.next_ts_val(), 0)))
        else:
            opts += [('NOP', None), ('NOP', None)]
        if wscale is not None:
            opts += [('NOP', None), ('WScale', wscale)]
        return opts

    def send_syn(self, options=None, seq=None):
        self.send('S', seq=self.iss if seq is None else seq, ack=0,
                  options=self.syn_options() if options is None else options)

    def expect_synack(self):
        synack = self.expect('SYN-ACK', accept=lambda t: int(t.flags) & 0x12 == 0x12)
        check(synack.ack == seq_add(self.iss, 1), 'SYN-ACK acks %d, not ISS+1' % synack.ack)
        self.irs = synack.seq
        self.rcv_nxt = seq_add(synack.seq, 1)
        self.snd_nxt = seq_add(self.iss, 1)
        self.ts = option(synack, 'Timestamp') is not None
        self.synack = synack
        wscale = option(synack, 'WScale')
        self.dut_wscale = wscale if wscale is not None else 0
        return synack

    def handshake(self, options=None):
        """Active open from the harness: SYN, SYN-ACK, ACK; returns the SYN-ACK."""
        self.send_syn(options)
        synack = self.expect_synack()
        self.send('A')
        return synack
