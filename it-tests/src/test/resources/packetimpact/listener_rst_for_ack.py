"""RFC 9293 3.10.7.2 (LISTEN): an ACK reaching a listener is answered by <SEQ=SEG.ACK><CTL=RST>,
a RST is ignored, and the listener keeps working (a SYN afterwards still gets a SYN-ACK)."""

from impact import ECHO, check, flags_of


def run(h):
    c = h.conn(ECHO)
    c.send('A', seq=9000, ack=424242, options=[])
    rst = c.record(c.expect('RST for ACK to listener'), 'ack')
    check(flags_of(rst) == 'R' and rst.seq == 424242, 'got %s seq %d, want RST seq 424242' % (flags_of(rst), rst.seq))

    c.send('R', seq=9000, ack=0, options=[])
    c.expect_none('RST to a listener')
    h.note('rst: no answer')

    c.send_syn()
    c.expect_synack()
    h.note('syn afterwards: syn-ack')
