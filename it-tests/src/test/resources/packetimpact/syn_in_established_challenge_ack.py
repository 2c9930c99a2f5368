"""RFC 5961 4.2 (adopted by RFC 9293 3.10.7.4 fourth check): a SYN in a synchronized state, in
window or not, draws a challenge ACK and the connection survives."""

from impact import ECHO, check, flags_of, seq_add


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send('S', seq=seq_add(c.snd_nxt, 100), ack=0, options=c.syn_options())
    ack = c.record(c.expect('challenge ACK for SYN'), 'syn')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt, 'got %s, want a challenge ACK' % c.describe(ack))

    c.send_data(b'ping')
    echo = c.record(c.expect('echo after the SYN', accept=lambda t: len(t.payload) > 0), 'echo')
    check(bytes(echo.payload) == b'ping', 'echo %r' % bytes(echo.payload))
