"""RFC 9293 3.5 (figure 8): both sides send SYN at once. The DUT, in SYN-SENT, takes our SYN,
answers SYN-ACK with its own ISN and our ISS+1, and goes ESTABLISHED on our SYN-ACK; data then
flows (acknowledged)."""

from impact import check, flags_of, option, seq_add


def run(h):
    c = h.conn(dport=h.port(), sport=h.port())
    # the DUT connects from c.dport to our c.sport
    h.control('connect', h.local_ip, c.sport, c.dport)
    syn = c.expect('the DUT\'s SYN', timeout=3.0, accept=lambda t: flags_of(t) == 'S')
    c.irs = syn.seq
    c.rcv_nxt = seq_add(syn.seq, 1)
    h.note('syn opts=' + ','.join(sorted(n for n, _ in syn.options if n not in ('NOP', 'EOL'))))
    c.ts_recent = option(syn, 'Timestamp')[0] if option(syn, 'Timestamp') else 0
    c.send('S', seq=c.iss, ack=0, options=c.syn_options())
    synack = c.record(c.expect('SYN-ACK in answer to our SYN', accept=lambda t: flags_of(t) == 'SA'), 'syn-ack')
    check(synack.seq == syn.seq and synack.ack == seq_add(c.iss, 1), 'got %s' % c.describe(synack))
    c.snd_nxt = seq_add(c.iss, 1)
    c.ts = option(synack, 'Timestamp') is not None
    c.send('SA', seq=c.iss, ack=c.rcv_nxt, options=c.syn_options())
    c.send_data(b'hi')
    ack = c.expect('ACK of our data', accept=lambda t: t.ack == c.snd_nxt)
    check(flags_of(ack) == 'A', 'got %s' % c.describe(ack))
    h.note('data acked: ' + c.describe(ack))
