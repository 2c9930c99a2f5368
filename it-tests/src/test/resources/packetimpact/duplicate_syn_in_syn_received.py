"""A retransmitted SYN (same ISN) while the DUT is in SYN-RECEIVED means our side did not get the
SYN-ACK: the DUT answers with its SYN-ACK again (same ISN, acking ISS+1; RFC 9293 3.8.1, the
SYN-ACK is retransmittable) and the connection then completes normally."""

from impact import ECHO, check, flags_of


def run(h):
    c = h.conn(ECHO)
    c.send_syn()
    first = c.expect_synack()
    c.record(first, 'first')
    c.send_syn()
    again = c.record(c.expect('answer to the duplicate SYN'), 'again')
    check(flags_of(again) == 'SA' and again.seq == first.seq and again.ack == first.ack,
          'got %s, want the same SYN-ACK' % c.describe(again))
    c.send('A')
    c.send_data(b'ok')
    echo = c.record(c.expect('echo', accept=lambda t: len(t.payload) > 0), 'echo')
    check(bytes(echo.payload) == b'ok', 'echo %r' % bytes(echo.payload))
