"""RFC 7323 2.2 and 3.2, RFC 2018 2: a SYN without options gets a SYN-ACK without window scale,
timestamps or SACK-permitted (each may only be sent when the peer offered it). MSS may be sent
anyway (RFC 9293 3.7.1 recommends it), so only the absence of the other three is compared."""

from impact import ECHO, check, option


def run(h):
    c = h.conn(ECHO)
    c.send_syn(options=[])
    synack = c.expect_synack()
    for name in ('SAckOK', 'Timestamp', 'WScale'):
        check(option(synack, name) is None, 'SYN-ACK carries %s though the SYN did not offer it' % name)
    h.note('syn-ack without SAckOK, Timestamp, WScale; ack=ISS+1')
