"""RFC 6093 (updating RFC 9293 3.8.5): urgent data is delivered in line: a segment with URG and
an urgent pointer reaches the application as ordinary bytes, in order (Linux needs SO_OOBINLINE,
which its echo service sets)."""

from impact import ECHO, check


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send_data(b'abc')
    c.send_data(b'XYZ', flags='PAU', urgptr=3)
    c.send_data(b'def')
    echoed = c.collect(9, 'echo of all nine bytes')
    check(echoed == b'abcXYZdef', 'echoed %r' % echoed)
    h.note('echoed %r' % echoed)
