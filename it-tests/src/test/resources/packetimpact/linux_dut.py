"""The Linux target's services, run inside the DUT namespace (see PacketImpactTest).

usage: linux_dut.py serve            -- echo on 7 (urgent data in line), hold on 9 (never reads,
                                        small receive buffer), nothing on 1
       linux_dut.py connect IP PORT LOCALPORT  -- one active open, held for a few seconds

The jmtcp target runs the same services inside the test JVM (impact.JmtcpTarget).
"""

import socket
import sys
import threading
import time

ECHO_PORT = 7
HOLD_PORT = 9
HOLD_RCVBUF = 4096


def echo(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def hold(conn):
    held.append(conn)


held = []


def serve():
    listeners = []
    for port, handler, rcvbuf in ((ECHO_PORT, echo, 0), (HOLD_PORT, hold, HOLD_RCVBUF)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # RFC 6093 recommends urgent data in line; Linux needs SO_OOBINLINE for that (set on the
        # listener so accepted sockets have it before their first segment arrives)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.bind(('0.0.0.0', port))
        s.listen(64)
        listeners.append((s, handler))

    def accept_loop(s, handler):
        while True:
            conn, _ = s.accept()
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    for s, handler in listeners:
        threading.Thread(target=accept_loop, args=(s, handler), daemon=True).start()
    print('ready', flush=True)
    while True:
        time.sleep(3600)


def connect(ip, port, local_port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', local_port))
    s.settimeout(5)
    try:
        s.connect((ip, port))
        print('connected', flush=True)
        time.sleep(3)
    except OSError as e:
        print('connect failed: %s' % e, flush=True)
    finally:
        s.close()


if __name__ == '__main__':
    if sys.argv[1] == 'serve':
        serve()
    else:
        connect(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
