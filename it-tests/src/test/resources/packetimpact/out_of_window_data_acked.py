"""RFC 9293 3.10.7.4 first check: an unacceptable segment (beyond the window, or entirely old) is
dropped and answered with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; its data is never delivered."""

from impact import ECHO, check, flags_of, seq_add, seq_sub


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    c.send('PA', seq=seq_add(c.snd_nxt, 1 << 24), data=b'far future')
    ack = c.record(c.expect('ACK for data beyond the window'), 'beyond window')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt, 'got %s' % c.describe(ack))

    c.send_data(b'abc')
    c.record(c.expect('echo', accept=lambda t: len(t.payload) > 0), 'echo')
    c.send('A')
    c.send('PA', seq=seq_sub(c.snd_nxt, 3), data=b'abc')
    ack = c.expect('ACK for an old duplicate')
    check(flags_of(ack) == 'A' and ack.ack == c.snd_nxt and len(ack.payload) == 0, 'got %s' % c.describe(ack))
    # Linux adds a D-SACK block (RFC 2883, optional): compare only the ACK itself
    h.note('old duplicate: A ack=%d' % (ack.ack - c.iss))
    c.expect_none('a second echo of the duplicate', accept=lambda t: len(t.payload) > 0)
    h.note('duplicate not echoed')
