#!/bin/bash
set -e
A=jmtwire-a; B=jmtwire-b; D=/tmp/jmtwire
cleanup() { [ -n "$TDPID" ] && kill $TDPID 2>/dev/null; [ -n "$SRVPID" ] && kill $SRVPID 2>/dev/null; ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; true; }
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip link add jmtw-a netns $A type veth peer name jmtw-b netns $B
for n in $A:jmtw-a:1 $B:jmtw-b:2; do IFS=: read ns dev h <<<"$n"
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
  ip netns exec $ns ip link set lo up
  ip netns exec $ns ip link set $dev address 02:00:00:00:99:0$h
  ip netns exec $ns ethtool -K $dev tx off rx off tso off gso off gro off tx-vlan-offload off rx-vlan-offload off >/dev/null 2>&1 || ip netns exec $ns ethtool -K $dev tx off
  ip netns exec $ns ip addr add 198.18.99.$h/24 dev $dev
  ip netns exec $ns ip link set $dev mtu 1500 up
done
ip netns exec $A ethtool -k jmtw-a | grep -E 'tx-checksumming|vlan' || true
ip netns exec $A tcpdump -i jmtw-a -U -s 0 -w $D/cap.pcap 2>$D/tcpdump.err & TDPID=$!
sleep 1
ip netns exec $A ping -c1 -W1 198.18.99.2
ip netns exec $A ping -c1 -W1 -s 3000 198.18.99.2
# kernel lacks CONFIG_VLAN_8021Q: inject one 802.1Q-tagged echo request (scapy builds it, AF_PACKET sends it)
ip netns exec $A /usr/bin/python3 -c '
from scapy.all import Ether, Dot1Q, IP, ICMP, Raw, sendp
sendp(Ether(src="02:00:00:00:99:01", dst="02:00:00:00:99:02")/Dot1Q(prio=5, vlan=100)/IP(src="198.18.100.1", dst="198.18.100.2", id=0x1234, flags="DF", ttl=64)/ICMP(id=0x77, seq=1)/Raw(b"vlan-tagged jmtcp"), iface="jmtw-a", verbose=0)
'
ip netns exec $B /usr/bin/python3 -c '
import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.bind(("198.18.99.2",5000)); s.listen(1)
u=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("198.18.99.2",5001))
c,_=s.accept(); d=c.recv(100); c.sendall(b"pong " + d); c.recv(100); c.close()
print("udp got", u.recvfrom(100))
' & SRVPID=$!
sleep 0.5
ip netns exec $A /usr/bin/python3 -c '
import socket, time
c=socket.create_connection(("198.18.99.2",5000)); c.sendall(b"hello jmtcp\n"); print(c.recv(100)); c.shutdown(socket.SHUT_WR); time.sleep(0.2); c.close()
u=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("198.18.99.1",40001))
u.sendto(b"udp hello jmtcp", ("198.18.99.2",5001))
u.sendto(b"nobody home", ("198.18.99.2",5002))
time.sleep(0.3)
'
wait $SRVPID; SRVPID=
sleep 0.5
kill $TDPID; wait $TDPID || true; TDPID=
cat $D/tcpdump.err
