"""RFC 9293 3.10.7.1 (CLOSED): a segment with ACK to a port nobody listens on is answered by
<SEQ=SEG.ACK><CTL=RST> (no ACK bit); a RST there is dropped without answer."""

from impact import CLOSED, check, flags_of


def run(h):
    c = h.conn(CLOSED)
    c.send('A', seq=7000, ack=123456, options=[])
    rst = c.record(c.expect('RST for ACK'), 'ack')
    check(flags_of(rst) == 'R', 'flags %s, want RST alone' % flags_of(rst))
    check(rst.seq == 123456, 'seq %d, want SEG.ACK 123456' % rst.seq)

    c.send('PA', seq=7000, ack=555, data=b'hello', options=[])
    rst = c.record(c.expect('RST for data with ACK'), 'data')
    check(flags_of(rst) == 'R' and rst.seq == 555, 'got %s seq %d, want RST seq 555' % (flags_of(rst), rst.seq))

    c.send('R', seq=7000, ack=0, options=[])
    c.expect_none('RST to a closed port')
    h.note('rst: no answer')
