"""RFC 7323 2.2/3.2, RFC 2018 2, RFC 9293 3.7.1: a SYN offering MSS, SACK-permitted, timestamps
and window scale gets a SYN-ACK that carries all four, echoes our TSval in TSecr, and acks ISS+1."""

from impact import ECHO, check, option


def run(h):
    c = h.conn(ECHO)
    c.send_syn()
    our_ts = c.ts_val
    synack = c.record(c.expect_synack(), 'syn-ack')
    for name in ('MSS', 'SAckOK', 'Timestamp', 'WScale'):
        check(option(synack, name) is not None, 'SYN-ACK lacks %s: %s' % (name, synack.options))
    check(option(synack, 'Timestamp')[1] == our_ts, 'TSecr %d is not our TSval %d'
          % (option(synack, 'Timestamp')[1], our_ts))
    check(0 < option(synack, 'MSS') <= 1460, 'MSS %d does not fit a 1500-byte link' % option(synack, 'MSS'))
