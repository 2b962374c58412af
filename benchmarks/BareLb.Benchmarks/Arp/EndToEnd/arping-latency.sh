#!/bin/bash
# arping's own reply times against BareLb (198.18.0.100, barelb-speaker standalone) and, in the
# same run, the kernel (198.18.0.2, the node's own veth address): corroboration of the
# BenchmarkDotNet end-to-end figures with the real tool. Needs root; build the speaker first
# (dotnet build src/BareLb.Hosts/BareLb.Speaker -c Release). Namespaces blt-PID-*, removed on exit.
set -e
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
C=blt-$$-arpc; N=blt-$$-arpn
trap 'ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; kill $SP 2>/dev/null || true' EXIT
ip netns add $C; ip netns add $N
ip link add vc netns $C type veth peer name vn netns $N
ip netns exec $N sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
ip netns exec $C ip addr add 198.18.0.1/24 dev vc; ip netns exec $N ip addr add 198.18.0.2/24 dev vn
ip netns exec $N ip addr add 198.18.0.100/32 dev lo
for ns in $C $N; do ip netns exec $ns ip link set lo up; done
ip netns exec $C ip link set vc up; ip netns exec $N ip link set vn up
ip netns exec $N "$ROOT"/src/BareLb.Hosts/BareLb.Speaker/bin/Release/net10.0/barelb-speaker standalone -i vn -a 198.18.0.100 --rate-limit 0 ${BUSY:+--busy-poll $BUSY} >/dev/null 2>&1 & SP=$!
sleep 2
stats() { sort -n | awk '{a[NR]=$1} END {printf "n=%d median=%.1fus p99=%.1fus max=%.1fus\n", NR, a[int(NR*0.5)+1], a[int(NR*0.99)], a[NR]}'; }
for i in 1 2; do
for t in 198.18.0.2 198.18.0.100; do
  echo -n "$t: "; ip netns exec $C arping -c ${COUNT:-500} -W 0.002 -i vc $t | grep -o 'time=[0-9.]* [mu]sec' | awk '{split($1,x,"="); v=x[2]; if ($2=="msec") v*=1000; print v}' | stats
done; done
