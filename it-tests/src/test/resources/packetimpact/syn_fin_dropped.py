"""SYN+FIN to a listener is an invalid combination (RFC 9293 3.10.7.2 processes SYN in LISTEN and
leaves other controls to be ignored; stacks drop SYN+FIN outright, as scanners use it). Both
targets must not open a connection for it: no SYN-ACK. A clean SYN after it works."""

from impact import ECHO, check


def run(h):
    c = h.conn(ECHO)
    c.send('SF', seq=c.iss, ack=0, options=c.syn_options())
    c.expect_none('SYN+FIN to a listener', accept=lambda t: int(t.flags) & 0x12 == 0x12)
    h.note('syn+fin: no syn-ack')
    c.send_syn()
    c.expect_synack()
    h.note('syn afterwards: syn-ack')
