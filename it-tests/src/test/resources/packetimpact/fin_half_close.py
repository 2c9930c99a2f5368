"""RFC 9293 3.6 and 3.10.7.4 eighth step: our FIN (sent with data) is acknowledged and the DUT
may go on sending in the other direction (half-close): the echo service echoes the data, then
closes, so its FIN follows the data and is acknowledged by us; after our final ACK the
connection is gone and a further segment draws a RST."""

from impact import ECHO, check, flags_of, seq_diff


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send_data(b'hello', flags='FPA')
    got = b''
    fin = None
    acked_fin = False
    while fin is None:
        expected = c.rcv_nxt
        seg = c.expect('echo and FIN after our FIN (have %r)' % got)  # takes in-order data and FIN
        acked_fin = acked_fin or seg.ack == c.snd_nxt
        if seg.seq == expected and c.rcv_nxt != expected:
            got += c.payload(seg)
            if int(seg.flags) & 0x01:
                fin = seg
    check(got == b'hello', 'echoed %r' % got)
    check(acked_fin, 'our FIN was never acknowledged')
    check(seq_diff(fin.seq, c.irs) + len(c.payload(fin)) == 6, 'FIN at %d, want after the 5 echoed bytes'
          % seq_diff(fin.seq, c.irs))
    h.note('data+FIN acked; echoed %r then FIN at 6' % got)

    c.send('A')
    c.expect_none('our last ACK')
    c.send('A', data=b'late')
    rst = c.record(c.expect('RST for data after close'), 'after close')
    check(flags_of(rst) == 'R', 'got %s' % c.describe(rst))
    c.irs = None
