"""RFC 9293 3.10.7.4 fifth step and RFC 5961 5.2: an ACK for data the DUT never sent
(SEG.ACK > SND.NXT) is dropped and answered with an ACK; data on it is not taken; the
connection goes on."""

from impact import ECHO, check, flags_of, seq_add


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send('PA', ack=seq_add(c.rcv_nxt, 5000), data=b'bogus')
    ack = c.record(c.expect('ACK for an ACK of unsent data'), 'unsent ack')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt and len(ack.payload) == 0,
          'got %s, want a bare ACK not covering the data' % c.describe(ack))

    c.send_data(b'real')
    echo = c.record(c.expect('echo', accept=lambda t: len(t.payload) > 0), 'echo')
    check(bytes(echo.payload) == b'real', 'echo %r (the bogus data must not be taken)' % bytes(echo.payload))
