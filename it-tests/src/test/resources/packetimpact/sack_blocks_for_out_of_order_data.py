"""RFC 2018 4 and RFC 5681 4.2: out-of-order data draws an immediate ACK carrying SACK blocks, the
block holding the most recently received segment first; filling a hole draws an immediate ACK
that moves the cumulative ACK; the application gets the bytes in order."""

from impact import ECHO, check, option, seq_add, seq_diff


def blocks(c, tcp):
    sack = option(tcp, 'SAck') or ()
    return [(seq_diff(sack[i], c.iss), seq_diff(sack[i + 1], c.iss)) for i in range(0, len(sack) - 1, 2)]


def run(h):
    c = h.conn(ECHO)
    c.handshake()
    check(option(c.synack, 'SAckOK') is not None, 'SACK not negotiated')
    base = c.snd_nxt
    data = bytes(range(65, 65 + 26)) * 16  # 416 bytes: four 100-byte pieces and some
    piece = [data[i * 100:(i + 1) * 100] for i in range(4)]

    def send_piece(i):
        c.send('A', seq=seq_add(base, 100 * i), data=piece[i])

    send_piece(1)
    ack = c.expect('dup ACK with SACK for piece 1', accept=lambda t: len(t.payload) == 0)
    check(ack.ack == base and blocks(c, ack) == [(101, 201)], 'got %s' % c.describe(ack))
    h.note('piece 1 ack=%d sack=%s' % (seq_diff(ack.ack, c.iss), blocks(c, ack)))

    send_piece(3)
    ack = c.expect('dup ACK with SACK for pieces 3 and 1', accept=lambda t: len(t.payload) == 0)
    check(ack.ack == base and blocks(c, ack)[:2] == [(301, 401), (101, 201)], 'got %s' % c.describe(ack))
    h.note('piece 3 ack=%d sack=%s' % (seq_diff(ack.ack, c.iss), blocks(c, ack)))

    send_piece(0)
    ack = c.expect('ACK after filling the first hole', accept=lambda t: seq_diff(t.ack, base) > 0)
    check(seq_diff(ack.ack, c.iss) == 201 and blocks(c, ack)[:1] == [(301, 401)], 'got %s' % c.describe(ack))
    h.note('piece 0 ack=%d sack=%s' % (seq_diff(ack.ack, c.iss), blocks(c, ack)[:1]))

    send_piece(2)
    c.snd_nxt = seq_add(base, 400)
    ack = c.expect('ACK after filling the last hole', accept=lambda t: seq_diff(t.ack, c.iss) > 201)
    check(ack.ack == c.snd_nxt and not blocks(c, ack), 'got %s' % c.describe(ack))
    h.note('piece 2 ack=%d sack=%s' % (seq_diff(ack.ack, c.iss), blocks(c, ack)))

    echoed = c.collect(400, 'echo of the four pieces')
    check(echoed == data[:400], 'echo out of order: %r' % echoed[:40])
    h.note('echoed 400 bytes in order')
