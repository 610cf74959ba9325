# Three "hosts" as Linux network namespaces joined by veth pairs on a bridge, for chaos.sh and
# discovery.sh (sourced, not run). With PREFIX hc and NET 10.213.77: namespaces hc1..hc3, each
# with eth0 at 10.213.77.1..3/24 and a multicast route, their veth ends hcv1..hcv3 on bridge hcbr
# (10.213.77.254). Only root can make them; namespaces_usable says whether this machine lets us.

namespaces_usable() { # PREFIX
  [ "$(id -u)" = 0 ] && ip netns add "$1-probe" 2>/dev/null && ip netns del "$1-probe"
}

hosts_down() { # PREFIX
  for i in 1 2 3; do ip netns del "$1$i" 2>/dev/null || true; ip link del "$1v$i" 2>/dev/null || true; done
  ip link del "$1br" 2>/dev/null || true
}

hosts_up() { # PREFIX NET
  local p=$1 net=$2
  hosts_down "$p"
  ip link add "${p}br" type bridge
  ip addr add "$net.254/24" dev "${p}br"
  ip link set "${p}br" up
  for i in 1 2 3; do
    ip netns add "$p$i"
    ip link add "${p}v$i" type veth peer name eth0 netns "$p$i"
    ip link set "${p}v$i" master "${p}br" up
    ip -n "$p$i" addr add "$net.$i/24" dev eth0
    ip -n "$p$i" link set eth0 up
    ip -n "$p$i" link set lo up
    # multicast leaves by the segment's interface (a namespace has no default route)
    ip -n "$p$i" route add 224.0.0.0/4 dev eth0
  done
}
