"""RFC 5961 3.2 / RFC 9293 3.10.7.4: a RST with exactly RCV.NXT resets the connection without an
answer; the next segment on that 4-tuple then meets no connection and gets <SEQ=SEG.ACK><CTL=RST>."""

from impact import ECHO, check, flags_of


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send('R', seq=c.snd_nxt, ack=0)
    c.expect_none('exact RST')
    h.note('exact rst: no answer')

    c.send_data(b'anyone there?')
    rst = c.record(c.expect('RST for data after reset'), 'data after reset')
    check(flags_of(rst) == 'R' and rst.seq == c.rcv_nxt, 'got %s, want RST seq=SEG.ACK' % c.describe(rst))
    c.irs = None  # nothing left to clean up
