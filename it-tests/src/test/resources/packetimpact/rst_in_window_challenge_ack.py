"""RFC 5961 3.2: a RST whose sequence number is in the window but not exactly RCV.NXT draws a
challenge ACK (<SEQ=SND.NXT><ACK=RCV.NXT>) and leaves the connection open; a RST outside the
window is dropped silently (RFC 9293 3.10.7.4 first check)."""

from impact import ECHO, check, flags_of, seq_add


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send('R', seq=seq_add(c.snd_nxt, 1000), ack=0)
    ack = c.record(c.expect('challenge ACK'), 'in-window rst')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt and ack.seq == c.rcv_nxt,
          'got %s, want a challenge ACK' % c.describe(ack))

    c.send('R', seq=seq_add(c.snd_nxt, 1 << 30), ack=0)
    c.expect_none('RST far outside the window')
    h.note('out-of-window rst: no answer')

    c.send_data(b'still open')
    echo = c.record(c.expect('echo after the challenge', accept=lambda t: len(t.payload) > 0), 'echo')
    check(bytes(echo.payload) == b'still open', 'echo %r' % bytes(echo.payload))
