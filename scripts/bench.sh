#!/usr/bin/env bash
# Runs a benchmark scenario: scripts/bench.sh SCENARIO [--key value ...]
# Scenarios: cluster, fanout, polling-vs-push, capacity, failover, abuse, proxy, delta, storm, scale
# (scripts/bench.sh alone prints their options). scale needs root: for each N of --hosts it makes N
# "hosts" as network namespaces hs1..hsN (10.213.79.0/24, bridge hsbr), one node and one client
# process in each, and removes them at the end. The load generator is its own project (bench/,
# never in the product jar); this builds it and the product jar when missing, and installs the
# comparison servers fanout and failover measure beside Herald (scripts/compare: Socket.IO 4,
# bare ws; ports 8091, 8092) if Node.js is here and they are missing. The scenario starts the
# nodes it needs from conf/cluster-node-N.json (on HTTP 8081-8083 and Hazelcast 5701-5703; HERALD_HTTP_PORT_BASE and
# HERALD_CLUSTER_PORT_BASE move them, as for scripts/cluster.sh), stops them at
# the end, writes target/bench/SCENARIO.json and appends a table to docs/benchmarks-log.md
# (--report none to skip). On a machine with two cores or more the nodes run on core 0 and the
# load generator on core 1 (taskset); they still share the machine.
# HERALD_NODE_JAVA_OPTS passes JVM options to the nodes ({node} becomes the node's number); the
# nodes run on the JDK scripts/java.sh picks (HERALD_JAVA overrides), the report says which.
# HERALD_PROFILE=cpu (or alloc, wall) profiles every node with async-profiler, fetched from Maven
# Central: a flame graph per node in target/bench/profile-node-N.html.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/herald.jar ] || mvn -q -B -DskipTests package
if [ ! -f bench/target/herald-bench.jar ] || [ -n "$(find bench/src bench/pom.xml -newer bench/target/herald-bench.jar 2>/dev/null | head -1)" ]; then
  mvn -q -B -f bench/pom.xml -DskipTests package
fi
if { [ "${1:-}" = fanout ] || [ "${1:-}" = failover ]; } && [ ! -d scripts/compare/node_modules ] && command -v npm >/dev/null; then
  (cd scripts/compare && npm ci --no-audit --no-fund --loglevel=error)
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# the nodes run on the newest JDK here (Temurin 25 where there is one; HERALD_JAVA picks another), as scripts/run.sh's
. scripts/java.sh
if [ -n "${HERALD_PROFILE:-}" ]; then
  ap=target/async-profiler/linux-x64/libasyncProfiler.so
  if [ ! -f "$ap" ]; then
    mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.2 -DoutputDirectory=target/async-profiler
    (cd target/async-profiler && unzip -q -o async-profiler-4.2.jar 'linux-x64/*')
  fi
  mkdir -p target/bench
  export HERALD_NODE_JAVA_OPTS="${HERALD_NODE_JAVA_OPTS:-} -agentpath:$PWD/$ap=start,event=$HERALD_PROFILE,file=$PWD/target/bench/profile-node-{node}.html"
fi
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && [ -z "${HERALD_NO_PIN:-}" ]; then
  export HERALD_NODE_CPUS=0
  exec taskset -c 1 java -jar bench/target/herald-bench.jar "$@"
fi
exec java -jar bench/target/herald-bench.jar "$@"
