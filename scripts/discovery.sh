#!/usr/bin/env bash
# Proves a discovery file of cluster/ by starting three real nodes with it, unchanged, and
# waiting until each sees all three: three Hazelcast members (/metrics herald_cluster_members)
# and a heartbeat of every node over the clustered event bus (/ready "cluster").
#
#   scripts/discovery.sh multicast   cluster/multicast.xml: UDP multicast between the hosts
#   scripts/discovery.sh dns         cluster/kubernetes-dns.xml (Hazelcast's Kubernetes discovery,
#                                    DNS lookup mode): the headless Service's name resolves to the
#                                    three hosts' addresses through a hosts file given to each JVM
#                                    (-Djdk.net.hosts.file), as a cluster DNS would answer
#
# The hosts are network namespaces hd1..hd3 on a bridge (10.213.78.0/24), removed at the end:
# needs root and ip netns; exit 3 (and says why) without.
#
# Prints a JSON summary; exit 0 when every node saw every other within 90 s, else 1.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:?usage: scripts/discovery.sh multicast|dns}
case "$mode" in multicast|dns) ;; *) echo "discovery.sh: unknown mode $mode (multicast or dns)" >&2; exit 2 ;; esac
command -v node >/dev/null || { echo "discovery.sh needs node on the PATH" >&2; exit 2; }
jar=target/herald.jar
[ -f "$jar" ] || mvn -q -B -DskipTests package
run_dir=target/discovery/$mode
rm -rf "$run_dir" && mkdir -p "$run_dir"

NET=10.213.78
SERVICE=herald-hazelcast.herald.svc.cluster.local   # the name cluster/kubernetes-dns.xml looks up
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  hosts_down hd
}

. scripts/netns.sh
if ! namespaces_usable hd; then
  echo "discovery.sh: three hosts need network namespaces (root and ip netns), refused here: $mode discovery not proven on this machine" >&2
  exit 3
fi
trap cleanup EXIT
hosts_up hd "$NET"
addr() { echo "$NET.$1"; }
endpoint() { echo "http://$(addr "$1"):8080"; }
if [ "$mode" = multicast ]; then
  file=cluster/multicast.xml
  jvm_extra=()
else
  file=cluster/kubernetes-dns.xml
  # the cluster DNS of a headless Service answers every ready pod's address
  : > "$run_dir/hosts"
  for i in 1 2 3; do echo "$(addr "$i") $SERVICE" >> "$run_dir/hosts"; done
  jvm_extra=("-Djdk.net.hosts.file=$PWD/$run_dir/hosts")
fi

for i in 1 2 3; do
  cat > "$run_dir/node-$i.json" <<EOF
{
  "node": { "name": "disc-$i" },
  "http": { "host": "$(addr "$i")", "port": 8080 },
  "cluster": { "host": "$(addr "$i")", "port": 5701, "configFile": "$PWD/$file", "secret": "discovery-cluster-secret-0123456789", "quorum": 2 },
  "auth": { "devTokens": true },
  "log": { "format": "text" }
}
EOF
done

t0=$(date +%s%N)
for i in 1 2 3; do
  ip netns exec "hd$i" java -Xmx256m "${jvm_extra[@]}" -jar "$jar" -conf "$run_dir/node-$i.json" > "$run_dir/node-$i.log" 2>&1 &
  pids+=("$!")
done

# what node I sees: "<members> <heartbeat nodes>", or "down"
seen() {
  node -e '
    const base = process.argv[1];
    Promise.all([fetch(base + "/metrics").then(r => r.text()), fetch(base + "/ready").then(r => r.json())]).then(([m, r]) => {
      const members = (m.match(/^herald_cluster_members\{[^}]*\} ([0-9.]+)/m) || [])[1];
      console.log(Math.round(+members || 0) + " " + new Set((r.cluster || []).map(b => b.node)).size);
    }).catch(() => console.log("down"));' "$(endpoint "$1")"
}

deadline=$((SECONDS + 90))
declare -A result
while :; do
  all=1
  for i in 1 2 3; do
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { echo "discovery.sh: node $i exited; its log:" >&2; tail -n 20 "$run_dir/node-$i.log" >&2; exit 1; }
    result[$i]=$(seen "$i")
    [ "${result[$i]}" = "3 3" ] || all=0
  done
  [ $all = 1 ] && break
  if [ $SECONDS -ge $deadline ]; then
    echo "discovery.sh: $file did not join three nodes in 90 s (members, heartbeats seen: ${result[1]} | ${result[2]} | ${result[3]})" >&2
    for i in 1 2 3; do echo "--- node $i" >&2; grep -i "members\|join\|discover\|error" "$run_dir/node-$i.log" | tail -n 8 >&2 || true; done
    exit 1
  fi
  sleep 0.5
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cat <<EOF
{
  "discovery": "$mode",
  "file": "$file",
  "hosts": "network namespaces hd1..hd3 on a bridge ($NET.0/24)",
  "nodes": 3,
  "seenByEach": { "members": 3, "heartbeats": 3 },
  "msFromStartToFullCluster": $ms
}
EOF
