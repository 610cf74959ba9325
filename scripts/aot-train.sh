#!/usr/bin/env bash
# Trains an ahead-of-time cache for the node (JDK 25 or later: JEP 483/514/515, -XX:AOTCacheOutput):
# a fresh node then starts with the classes its connect storm loads already parsed, linked and
# profiled, so the storm every crash and deploy brings costs it less JIT (docs/benchmarks.md, "JDK").
# The training run is the jar's own (java -jar herald.jar --train: a loopback node meets three
# connect storms of 9 000 raw WebSocket clients, each registering a channel, and 5 broadcasts to
# them; dev.herald.node.Training), on the JDK and with the options scripts/java.sh gives a node (a
# cache made with other ones, compact object headers for one, is refused). It becomes
# target/herald.aot, which scripts/java.sh hands to every node it launches (run.sh, cluster.sh, the
# benchmark's) while it is newer than target/herald.jar: a rebuilt jar needs training again (the
# JVM would refuse a cache of another jar, with a warning). The Docker image trains its own the same
# way as it is built (deploy/Dockerfile).
# Usage: scripts/aot-train.sh [--connections 9000]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=9000
[ "${1:-}" = --connections ] && connections=$2
HERALD_AOT_CACHE=none # the training JVM must not load an older cache itself
. scripts/java.sh
if [ "$HERALD_JAVA_MAJOR" -lt 25 ]; then
  echo "scripts/aot-train.sh: the node runs on Java $HERALD_JAVA_MAJOR here ($HERALD_JAVA); an AOT cache needs 25 or later" >&2
  exit 1
fi
mvn -q -B -DskipTests package
rm -f target/herald.aot
# the JVM writes the cache as it exits (it forks a child to assemble it)
# shellcheck disable=SC2086 # HERALD_JVM_ARGS is a list of options
if ! "$HERALD_JAVA" $HERALD_JVM_ARGS -XX:AOTCacheOutput="$PWD/target/herald.aot" -jar target/herald.jar --train "$connections"; then
  rm -f target/herald.aot # the JVM writes one even when the run failed: it would train nodes on a failing run
  echo "scripts/aot-train.sh: the training run failed (see above); no cache" >&2
  exit 1
fi
[ -s target/herald.aot ] || { echo "scripts/aot-train.sh: the training run wrote no cache" >&2; exit 1; }
echo "AOT cache: target/herald.aot ($(du -h target/herald.aot | cut -f1)), for target/herald.jar on Java $HERALD_JAVA_MAJOR"
