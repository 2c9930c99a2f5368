"""RFC 9293 3.10.7.1 (CLOSED): a segment without ACK to a port nobody listens on is answered by
<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, where SYN counts one. Tried with a SYN and with data."""

from impact import CLOSED, check, flags_of, seq_add


def run(h):
    c = h.conn(CLOSED)
    c.send('S', seq=1000, ack=0, options=[])
    rst = c.record(c.expect('RST for SYN'), 'syn')
    check(flags_of(rst) == 'RA', 'flags %s, want RST+ACK' % flags_of(rst))
    check(rst.seq == 0 and rst.ack == 1001, 'seq/ack %d/%d, want 0/1001' % (rst.seq, rst.ack))

    c.send('', seq=5000, ack=0, data=b'x' * 10, options=[])
    rst = c.record(c.expect('RST for data without ACK'), 'data')
    check(flags_of(rst) == 'RA', 'flags %s, want RST+ACK' % flags_of(rst))
    check(rst.seq == 0 and rst.ack == seq_add(5000, 10), 'seq/ack %d/%d, want 0/5010' % (rst.seq, rst.ack))
