#!/usr/bin/env bash
# Local Herald cluster from conf/cluster-node-{1,2,3}.json, as background processes.
#   scripts/cluster.sh start N   start nodes 1..N (N <= 3), wait until each answers /ready
#   scripts/cluster.sh stop      SIGTERM exactly the pids this script started, then SIGKILL stragglers
#   scripts/cluster.sh status    one line per node: pid, alive, ready
#   scripts/cluster.sh kill I    SIGKILL node I (a crash, for failover drills)
# Pid files and logs go to $HERALD_RUN_DIR (default run/cluster). Node I listens on HTTP
# $HERALD_HTTP_PORT_BASE+I (default 8080+I) and Hazelcast $HERALD_CLUSTER_PORT_BASE+I (default
# 5700+I): move both bases to run a second cluster beside this one.
set -euo pipefail
cd "$(dirname "$0")/.."
# the nodes run on the newest JDK here (Temurin 25 where there is one), with the options that suit it
. scripts/java.sh

run_dir=${HERALD_RUN_DIR:-run/cluster}
jar=target/herald.jar
mkdir -p "$run_dir"

http_base=${HERALD_HTTP_PORT_BASE:-8080}
cluster_base=${HERALD_CLUSTER_PORT_BASE:-5700}
for base in "$http_base" "$cluster_base"; do
  [[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -ge 1 ] && [ "$base" -le 65500 ] \
    || { echo "HERALD_HTTP_PORT_BASE and HERALD_CLUSTER_PORT_BASE must be numbers from 1 to 65500" >&2; exit 2; }
done
port_of() { echo $((http_base + $1)); }
members="127.0.0.1:$((cluster_base + 1)),127.0.0.1:$((cluster_base + 2)),127.0.0.1:$((cluster_base + 3))"

is_ours() { # PID: alive and running herald.jar (guards against a reused pid)
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'herald.jar'
}

ready() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))' "http://127.0.0.1:$(port_of "$1")/ready"
}

start() {
  local n=${1:?usage: cluster.sh start N}
  if ! [[ "$n" =~ ^[1-3]$ ]]; then echo "N must be 1, 2 or 3 (there are three cluster conf files)" >&2; exit 2; fi
  [ -f "$jar" ] || mvn -q -B -DskipTests package
  for i in $(seq 1 "$n"); do
    local pidf="$run_dir/node-$i.pid"
    if [ -f "$pidf" ] && is_ours "$(cat "$pidf")"; then echo "node-$i already running (pid $(cat "$pidf"))"; continue; fi
    # publishes need a majority of the nodes started (cluster.quorum), not of the three listed
    HERALD_CLUSTER_QUORUM=$(( n >= 3 ? 2 : 1 )) HERALD_HTTP_PORT=$(port_of "$i") HERALD_CLUSTER_PORT=$((cluster_base + i)) \
      HERALD_CLUSTER_MEMBERS=$members nohup "$HERALD_JAVA" $HERALD_JVM_ARGS ${HERALD_JAVA_OPTS:-} -jar "$jar" -conf "conf/cluster-node-$i.json" \
      > "$run_dir/node-$i.log" 2>&1 &
    echo $! > "$pidf"
    echo "node-$i: pid $!, http $(port_of "$i"), cluster $((cluster_base + i)), log $run_dir/node-$i.log"
  done
  for i in $(seq 1 "$n"); do
    local t0=$SECONDS
    # ready means this node answers while it runs (another process on its port is not it)
    while true; do
      is_ours "$(cat "$run_dir/node-$i.pid")" || { echo "node-$i died; tail of its log:" >&2; tail -n 20 "$run_dir/node-$i.log" >&2; exit 1; }
      ready "$i" && break
      [ $((SECONDS - t0)) -lt 60 ] || { echo "node-$i not ready after 60 s" >&2; exit 1; }
      sleep 0.2
    done
    echo "node-$i ready"
  done
}

stop() {
  shopt -s nullglob
  for pidf in "$run_dir"/node-*.pid; do
    local pid; pid=$(cat "$pidf")
    if is_ours "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 75); do is_ours "$pid" || break; sleep 0.2; done
      if is_ours "$pid"; then kill -KILL "$pid"; echo "$(basename "$pidf" .pid) killed (did not stop in 15 s)"; else echo "$(basename "$pidf" .pid) stopped"; fi
    fi
    rm -f "$pidf"
  done
}

status() {
  shopt -s nullglob
  local any=0
  for pidf in "$run_dir"/node-*.pid; do
    any=1
    local name pid i; name=$(basename "$pidf" .pid); pid=$(cat "$pidf"); i=${name#node-}
    if is_ours "$pid"; then
      if ready "$i"; then echo "$name pid $pid running, ready on http $(port_of "$i")"; else echo "$name pid $pid running, not ready"; fi
    else
      echo "$name pid $pid not running"
    fi
  done
  [ "$any" = 1 ] || echo "no nodes started from $run_dir"
}

crash() {
  local i=${1:?usage: cluster.sh kill I}
  local pidf="$run_dir/node-$i.pid"
  [ -f "$pidf" ] && is_ours "$(cat "$pidf")" || { echo "node-$i is not running" >&2; exit 1; }
  kill -KILL "$(cat "$pidf")"
  rm -f "$pidf"
  echo "node-$i killed (SIGKILL)"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  kill) crash "${2:-}" ;;
  *) echo "usage: $0 start N | stop | status | kill I" >&2; exit 2 ;;
esac
