#!/usr/bin/env bash
# Trains an ahead-of-time cache for the node (JDK 25 or later: JEP 483/514/515, -XX:AOTCacheOutput):
# a fresh node then starts with the classes its connect storm loads already parsed, linked and
# profiled, so the storm every crash and deploy brings costs it less JIT (docs/benchmarks.md, "JDK").
# The training run is the fan-out benchmark's (connects, subscribes, broadcasts, a connect storm)
# against three nodes; node 1's cache becomes target/herald.aot, which scripts/java.sh hands to every
# node it launches (run.sh, cluster.sh, the benchmark's) while it is newer than target/herald.jar:
# a rebuilt jar needs training again (the JVM would refuse a cache of another jar, with a warning).
# Usage: scripts/aot-train.sh [--subscribers 5000]
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=5000
[ "${1:-}" = --subscribers ] && subscribers=$2
. scripts/java.sh
if [ "$HERALD_JAVA_MAJOR" -lt 25 ]; then
  echo "scripts/aot-train.sh: the node runs on Java $HERALD_JAVA_MAJOR here ($HERALD_JAVA); an AOT cache needs 25 or later" >&2
  exit 1
fi
mvn -q -B -DskipTests package
rm -rf target/aot && mkdir -p target/aot
rm -f target/herald.aot
# each node writes its own cache when it exits (the JVM forks a child to assemble it: the benchmark
# waits for its nodes to exit); the training nodes must not load an older cache themselves
HERALD_AOT_CACHE=none HERALD_NODE_JAVA_OPTS="-XX:AOTCacheOutput=$PWD/target/aot/node-{node}.aot" \
  scripts/bench.sh fanout --subscribers "$subscribers" --broadcasts 5 --rounds 1 --storms 2 --compare none --report none
[ -s target/aot/node-1.aot ] || { echo "scripts/aot-train.sh: node 1 wrote no cache (see target/bench/*-logs)" >&2; exit 1; }
mv target/aot/node-1.aot target/herald.aot
echo "AOT cache: target/herald.aot ($(du -h target/herald.aot | cut -f1)), for target/herald.jar on Java $HERALD_JAVA_MAJOR"
