"""RFC 9293 3.10.7.4 fifth step (SYN-RECEIVED): an ACK that does not acknowledge the SYN-ACK
(SEG.ACK outside SND.UNA+1..SND.NXT) is answered by <SEQ=SEG.ACK><CTL=RST>, and the half-open
connection stays: the right ACK afterwards completes it."""

from impact import ECHO, check, flags_of, seq_add


def run(h):
    c = h.conn(ECHO)
    c.send_syn()
    c.expect_synack()
    bad = seq_add(c.rcv_nxt, 1000)
    c.send('A', ack=bad)
    rst = c.record(c.expect('RST for a bad ACK'), 'bad ack')
    check(flags_of(rst) == 'R' and rst.seq == bad, 'got %s, want RST seq=SEG.ACK' % c.describe(rst))

    c.send('A')
    c.send_data(b'later')
    echo = c.record(c.expect('echo', accept=lambda t: len(t.payload) > 0), 'echo')
    check(bytes(echo.payload) == b'later', 'echo %r' % bytes(echo.payload))
