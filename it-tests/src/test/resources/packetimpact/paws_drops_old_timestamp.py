"""RFC 7323 5.3: a segment whose TSval is older than TS.Recent is dropped and answered with an
ACK (ack unchanged, so its data was not taken); a later segment with a fresh TSval is accepted."""

from impact import ECHO, check, flags_of, option, seq_sub


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    check(c.ts, 'timestamps not negotiated')
    c.send_data(b'first')
    c.record(c.expect('echo of first', accept=lambda t: len(t.payload) > 0), 'first')
    c.send('A')

    old = seq_sub(c.ts_val, 1 << 20)
    c.send('PA', data=b'stale', ts_val=old)
    ack = c.record(c.expect('ACK for the PAWS-rejected segment'), 'old tsval')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt and len(ack.payload) == 0,
          'got %s, want a bare ACK of the old point' % c.describe(ack))

    c.send_data(b'fresh')
    echo = c.record(c.expect('echo of fresh', accept=lambda t: len(t.payload) > 0), 'fresh')
    check(bytes(echo.payload) == b'fresh', 'echo %r (stale data must not have been taken)' % bytes(echo.payload))
