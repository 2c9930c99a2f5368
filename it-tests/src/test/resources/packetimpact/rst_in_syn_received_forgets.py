"""RFC 9293 3.10.7.4 second step (SYN-RECEIVED from a passive open): a RST with the right
sequence number returns the connection to LISTEN, i.e. forgets it silently; the ACK that would
have completed the handshake then meets only the listener and draws <SEQ=SEG.ACK><CTL=RST>."""

from impact import ECHO, check, flags_of


def run(h):
    c = h.conn(ECHO)
    c.send_syn()
    c.expect_synack()
    c.send('R', seq=c.snd_nxt, ack=0, options=[])
    c.expect_none('RST in SYN-RECEIVED')
    h.note('rst: no answer')

    c.send('A', options=[])
    rst = c.record(c.expect('RST for the late ACK'), 'late ack')
    check(flags_of(rst) == 'R' and rst.seq == c.rcv_nxt, 'got %s, want RST seq=SEG.ACK' % c.describe(rst))
    c.irs = None
