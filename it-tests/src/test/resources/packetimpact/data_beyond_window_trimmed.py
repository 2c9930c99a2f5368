"""RFC 9293 3.10.7.4 first step: a segment that starts inside the receive window but runs past its
right edge is acceptable; only the part inside the window may be taken. The HOLD service never
reads, so its window shrinks to a few hundred bytes; a segment 300 bytes longer than the window
must not be acknowledged beyond the window's right edge.

With window scaling the advertised window is rounded down to a multiple of 2^shift; jmtcp keeps
accepting up to the unrounded edge so that nothing it meant to offer is refused (RFC 7323 2.4
leaves the rounding to the receiver), so up to 2^shift - 1 bytes beyond the edge seen on the wire
are tolerated. The 300 excess bytes exceed that for the shifts both targets choose here."""

from impact import HOLD, check, seq_diff


def run(h):
    c = h.conn(HOLD)
    c.handshake()
    window = c.synack.window
    while window > 900 or window == 0:
        check(window != 0, 'window closed before it got small')
        chunk = min(window - 600, 512) if window > 1112 else window - 600
        c.send_data(b'w' * chunk)
        ack = c.expect('ACK', accept=lambda t: t.ack == c.snd_nxt)
        window = ack.window << c.dut_wscale
    edge = seq_diff(c.snd_nxt, c.iss) + window
    c.send('PA', data=b'x' * (window + 300))
    ack = c.expect('ACK for the straddling segment', accept=lambda t: seq_diff(t.ack, c.iss) > 0)
    taken = seq_diff(ack.ack, c.iss)
    slack = (1 << c.dut_wscale) - 1
    check(slack < 300, 'window shift %d too large for this test' % c.dut_wscale)
    check(taken <= edge + slack, 'acknowledged %d bytes beyond the right window edge' % (taken - edge))
    h.note('straddling segment acked up to the window edge at most')
