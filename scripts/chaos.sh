#!/usr/bin/env bash
# Fault injection against a real 3-node Herald cluster, then a Jepsen-style check.
#
#   scripts/chaos.sh SCENARIO [--fault-seconds N] [--short] [--repeat N] [--report docs/reliability.md|none]
#   (--short: 12 s faults, past the 10 s failure detection; kill9 restarts after 5 s;
#    --repeat N: the scenario N times, each run's result in target/chaos/SCENARIO-run-K.json,
#    and a line saying how many held; exit 1 if any did not)
#
# SCENARIO: partition  node 3's link down for 30 s (a 1 vs 2 split), then healed
#           partition-master  node 1's link down for 30 s: node 1 started first, so it is
#                      Hazelcast's master (the oldest member), which a cut removes from the
#                      others' view one member at a time
#           partition-owner  the link of the node that owns chaos.c0 (the busiest channel: half
#                      of all publishes) down for 30 s, as GET /api/v1/channels/chaos.c0 names it
#           kill9      SIGKILL of node 2 (it owns about a third of the channels), restarted after 30 s
#           kill9-owner  SIGKILL of the owner of chaos.c0, restarted after 30 s
#           double     SIGKILL of the owner of chaos.c0 and its backup together (two faults at
#                      once), both restarted after 30 s: the channel's log is gone, and what must
#                      happen is a new epoch that every subscriber sees, never a silent fork
#           sigstop    SIGSTOP of node 2 for 20 s (a long GC pause), then SIGCONT
#           rolling    SIGTERM each node in turn, each restarted before the next
#
# Three "hosts": Linux network namespaces hc1..hc3 joined by veth pairs on a bridge (10.213.77.0/24),
# one node and one client process in each. A partition is `ip link set ... down` (no netem here).
# Traffic goes only to loopback and to the namespaces this script makes, which it removes on exit.
# Without root or ip netns it falls back to loopback (and says so; no partition scenario there).
# While the fault runs, each client publishes (every other message with an id) and subscribes on
# its node; afterwards bench's chaos-check compares what they saw with the cluster's history and
# presence, prints a JSON summary and (with --report) appends a row to the table. Exit 1 if any
# acknowledged message was lost, duplicated or forked, presence did not converge, or a drain made
# anyone flap offline; exit 3 if the scenario cannot run here. HERALD_CHAOS_HOSTS=loopback forces
# the fallback.
set -euo pipefail
cd "$(dirname "$0")/.."

scenario=${1:?usage: scripts/chaos.sh partition|partition-master|partition-owner|kill9|kill9-owner|double|sigstop|rolling [--fault-seconds N] [--short] [--repeat N] [--report FILE|none]}
shift
repeat=1
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --repeat ]; then repeat=$2; shift 2; else args+=("$1"); shift; fi
done
if [ "$repeat" -gt 1 ]; then
  held=0
  for k in $(seq 1 "$repeat"); do
    echo "chaos: $scenario, run $k of $repeat"
    if "$0" "$scenario" "${args[@]}"; then held=$((held + 1)); fi
    cp "target/chaos/$scenario/result.json" "target/chaos/$scenario-run-$k.json" 2>/dev/null || true
  done
  echo "chaos: $scenario: $held of $repeat runs held (each in target/chaos/$scenario-run-K.json)"
  [ "$held" = "$repeat" ]
  exit
fi
set -- "${args[@]+"${args[@]}"}"
fault=30
[ "$scenario" = sigstop ] && fault=20
warm=8
settle=25
report=none
while [ $# -gt 0 ]; do
  case "$1" in
    --fault-seconds) fault=$2; shift 2 ;;
    --short) fault=12; case "$scenario" in kill9*|double) fault=5 ;; esac; warm=5; settle=10; shift ;;
    --report) report=$2; shift 2 ;;
    *) echo "chaos.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$scenario" in partition|partition-master|partition-owner|kill9|kill9-owner|double|sigstop|rolling) ;; *) echo "chaos.sh: unknown scenario $scenario" >&2; exit 2 ;; esac

jar=${HERALD_JAR:-target/herald.jar}  # HERALD_JAR: measure another build (an older commit, say)
bench=${HERALD_BENCH_JAR:-bench/target/herald-bench.jar}  # HERALD_BENCH_JAR: the load generator of another build
[ -f "$jar" ] || mvn -q -B -DskipTests package
[ -f "$bench" ] || mvn -q -B -f bench/pom.xml -DskipTests package
run_dir=target/chaos/$scenario
rm -rf "$run_dir" && mkdir -p "$run_dir"

NET=10.213.77
SECRET=chaos-dev-secret-not-for-production-use-0123
CLUSTER_SECRET=chaos-cluster-secret-0123456789
. scripts/netns.sh
hosts=netns
if [ "${HERALD_CHAOS_HOSTS:-}" = loopback ] || ! namespaces_usable hc; then
  hosts=loopback
  if [ "${HERALD_CHAOS_HOSTS:-}" = loopback ]; then
    echo "chaos.sh: HERALD_CHAOS_HOSTS=loopback: hosts are loopback processes" >&2
  else
    echo "chaos.sh: network namespaces refused here (needs root and ip netns): hosts fall back to loopback processes" >&2
  fi
  case "$scenario" in partition*) echo "chaos.sh: a partition needs namespaces; cannot run it here" >&2; exit 3 ;; esac
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$hosts" = netns ]; then hosts_down hc; fi
}
trap cleanup EXIT

addr() { if [ "$hosts" = netns ]; then echo "$NET.$1"; else echo 127.0.0.1; fi; }
http_port() { if [ "$hosts" = netns ]; then echo 8080; else echo $((18080 + $1)); fi; }
hz_port() { if [ "$hosts" = netns ]; then echo 5701; else echo $((15700 + $1)); fi; }
# the command prefix that runs in host I (ip netns exec execs, so $! of "$(in_host I) cmd &" is cmd's pid)
in_host() { if [ "$hosts" = netns ]; then echo "ip netns exec hc$1"; fi; }
endpoint() { echo "$(addr "$1"):$(http_port "$1")"; }
# which host (1-3) holds a channel's log: "owner", or "backup" (its first backup), as node 1..3 answer
# GET /api/v1/channels/NAME (docs/protocol.md), the Hazelcast address mapped back to its host
holder() {
  local role=$1 channel=$2
  for i in 1 2 3; do
    node -e '
      const [url, secret, role] = process.argv.slice(1);
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const body = b64({alg: "HS256", typ: "JWT"}) + "." + b64({sub: "chaos-script", roles: ["service"], iat: now, exp: now + 300});
      const sig = require("crypto").createHmac("sha256", secret).update(body).digest("base64url");
      fetch(url, {headers: {Authorization: "Bearer " + body + "." + sig}}).then(r => r.json()).then(j => {
        const at = role === "owner" ? j.owner : (j.backups || [])[0];
        if (!at) process.exit(1);
        console.log(at);
      }).catch(() => process.exit(1));' "http://$(endpoint "$i")/api/v1/channels/$channel" "$SECRET" "$role" && return 0
  done
  return 1
}
host_of() { # a Hazelcast host:port back to its host number
  for i in 1 2 3; do [ "$1" = "$(addr "$i"):$(hz_port "$i")" ] && { echo "$i"; return 0; }; done
  echo "chaos.sh: $1 is none of the three hosts" >&2; return 1
}

if [ "$hosts" = netns ]; then hosts_up hc "$NET"; fi

members=""
for i in 1 2 3; do members="$members${members:+,}\"$(addr "$i"):$(hz_port "$i")\""; done
for i in 1 2 3; do
  cat > "$run_dir/node-$i.json" <<EOF
{
  "node": { "name": "chaos-$i" },
  "http": { "host": "$(addr "$i")", "port": $(http_port "$i"), "apiRatePerSecond": 100000, "maxConnectionsPerAddress": 100000 },
  "cluster": { "host": "$(addr "$i")", "port": $(hz_port "$i"), "members": [$members], "secret": "$CLUSTER_SECRET" },
  "auth": { "devTokens": false, "jwt": { "algorithm": "HS256", "secret": "$SECRET" } },
  "bridge": { "publishPerSecond": 10000, "commandsPerSecond": 10000, "commandBurst": 10000 },
  "broadcast": { "historySize": 100000, "historyMaxBytes": 67108864 },
  "presence": { "reconcileSeconds": 5 },
  "log": { "format": "text" },
  "roles": { "gateway": 1, "auth": 1, "presence": 1, "heartbeat": 1, "broadcast": 1 }
}
EOF
done

declare -A node_pid
client_pids=()
start_node() {
  $(in_host "$1") java -Xmx256m -jar "$jar" -conf "$run_dir/node-$1.json" >> "$run_dir/node-$1.log" 2>&1 &
  node_pid[$1]=$!
  pids+=("$!")
}
ready() { node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))' "http://$(endpoint "$1")/ready"; }
await_ready() {
  local t0=$SECONDS
  until ready "$1"; do
    kill -0 "${node_pid[$1]}" 2>/dev/null || { echo "node $1 died; its log:" >&2; tail -n 30 "$run_dir/node-$1.log" >&2; exit 1; }
    [ $((SECONDS - t0)) -lt 90 ] || { echo "node $1 not ready after 90 s" >&2; exit 1; }
    sleep 0.3
  done
}
stop_node() { # SIGTERM, wait for the drain and exit
  kill -TERM "${node_pid[$1]}"
  for _ in $(seq 1 150); do kill -0 "${node_pid[$1]}" 2>/dev/null || return 0; sleep 0.2; done
  echo "node $1 did not stop in 30 s" >&2; exit 1
}

for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do await_ready "$i"; done
echo "chaos: 3 nodes ready ($hosts)"

# the clients run until the script touches the stop file ($settle s after the fault is over,
# restarts included), or $total s at most
total=$((warm + fault + settle + 120))
for i in 1 2 3; do
  others=""
  for j in 1 2 3; do [ "$j" = "$i" ] || others="$others,$(endpoint "$j")"; done
  $(in_host "$i") java -Xmx256m -jar "$bench" chaos-client --nodes "$(endpoint "$i")$others" --tag "h$i" \
    --seconds "$total" --stopFile "$run_dir/stop" --secret "$SECRET" --out "$run_dir/client-$i.json" > "$run_dir/client-$i.log" 2>&1 &
  pids+=("$!")
  client_pids+=("$!")
done

sleep "$warm"
t_fault=$SECONDS
case "$scenario" in
  partition)
    what="node 3's link down ${fault} s (a 1 vs 2 split), then up"
    ip link set hcv3 down; sleep "$fault"; ip link set hcv3 up ;;
  partition-master)
    what="node 1's link down ${fault} s (the master, the oldest member, alone against 2), then up"
    ip link set hcv1 down; sleep "$fault"; ip link set hcv1 up ;;
  partition-owner)
    o=$(host_of "$(holder owner chaos.c0)")
    what="the link of node $o, owner of the busiest channel, down ${fault} s, then up"
    ip link set "hcv$o" down; sleep "$fault"; ip link set "hcv$o" up ;;
  kill9-owner)
    o=$(host_of "$(holder owner chaos.c0)")
    what="SIGKILL node $o, owner of the busiest channel, restarted after ${fault} s"
    kill -KILL "${node_pid[$o]}"; sleep "$fault"; start_node "$o"; await_ready "$o" ;;
  double)
    o=$(host_of "$(holder owner chaos.c0)"); b=$(host_of "$(holder backup chaos.c0)")
    [ "$o" != "$b" ] || { echo "chaos.sh: owner and backup of chaos.c0 are both node $o" >&2; exit 1; }
    what="SIGKILL nodes $o and $b together (owner and backup of the busiest channel), both restarted after ${fault} s"
    kill -KILL "${node_pid[$o]}" "${node_pid[$b]}"; sleep "$fault"; start_node "$o"; start_node "$b"; await_ready "$o"; await_ready "$b" ;;
  kill9)
    what="SIGKILL node 2, restarted after ${fault} s"
    kill -KILL "${node_pid[2]}"; sleep "$fault"; start_node 2; await_ready 2 ;;
  sigstop)
    what="SIGSTOP node 2 for ${fault} s, then SIGCONT"
    kill -STOP "${node_pid[2]}"; sleep "$fault"; kill -CONT "${node_pid[2]}" ;;
  rolling)
    what="SIGTERM and restart nodes 1, 2, 3 in turn"
    for i in 1 2 3; do stop_node "$i"; start_node "$i"; await_ready "$i"; done ;;
esac
echo "chaos: fault done in $((SECONDS - t_fault)) s: $what"
sleep "$settle"
touch "$run_dir/stop"

# each client writes what it saw after its run, then stays connected until the check is done
for i in 1 2 3; do
  until [ -s "$run_dir/client-$i.json" ]; do
    kill -0 "${client_pids[$((i - 1))]}" 2>/dev/null || { echo "client $i failed; see $run_dir/client-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done
nodes=""
for i in 1 2 3; do nodes="$nodes${nodes:+,}$(endpoint "$i")"; done
# a drain must not show anyone offline (its users reconnect within bridge.drainGraceSeconds); a
# crashed, frozen or cut-off node's users do go offline for the others until they are back: the
# cluster sees a SIGKILLed member leave within a second, often before its clients reconnect
no_flap=false
[ "$scenario" = rolling ] && no_flap=true
double_fault=false
[ "$scenario" = double ] && double_fault=true
java -jar "$bench" chaos-check --dir "$run_dir" --nodes "$nodes" --secret "$SECRET" --scenario "$scenario" \
  --fault "$what" --hosts "$hosts" --noFlap "$no_flap" --doubleFault "$double_fault" --report "$report" | tee "$run_dir/result.json"
