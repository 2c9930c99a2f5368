"""RFC 9293 3.8.6.1 and 3.10.7.4: once a receiver's window is closed, a window probe (one byte
at RCV.NXT) is not acceptable and must be answered with an ACK that shows the current window
(zero) and does not acknowledge the probe byte. The HOLD service never reads, so its small
receive buffer fills and its window closes."""

from impact import HOLD, check, flags_of, seq_diff


def run(h):
    c = h.conn(HOLD)
    c.handshake()
    window = c.synack.window  # SYN-ACK windows are never scaled (RFC 7323 2.2)
    sent = 0
    for _ in range(200):
        if window == 0:
            break
        chunk = min(window, 512)
        c.send_data(b'z' * chunk)
        sent += chunk
        ack = c.expect('ACK for data into the open window', accept=lambda t: seq_diff(t.ack, c.iss) > 0)
        # keep reading ACKs until the one for everything sent (the DUT may ACK in pieces)
        while ack.ack != c.snd_nxt:
            ack = c.expect('ACK up to %d' % sent, accept=lambda t: seq_diff(t.ack, c.iss) > 0)
        window = ack.window << c.dut_wscale
    check(window == 0, 'window still %d after %d bytes' % (window, sent))
    h.note('window closed')

    c.send('A', data=b'?')
    ack = c.expect('ACK for the window probe')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt and ack.window == 0,
          'got %s, want an ACK of RCV.NXT with window 0' % c.describe(ack))
    # how many bytes fit before the window closed depends on buffer sizes: not compared
    h.note('probe answered: ACK of RCV.NXT, window 0')
