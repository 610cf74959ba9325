#!/usr/bin/env bash
# Runs a benchmark scenario: scripts/bench.sh SCENARIO [--key value ...]
# Builds the jar if needed; the scenario starts the nodes it needs from conf/cluster-node-N.json
# (so nothing may be listening on 8081-8083 / 5701-5703), stops them at the end, writes
# target/bench/SCENARIO.json and appends a table to docs/benchmarks.md (--report none to skip).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/herald.jar ] || mvn -q -B -DskipTests package
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec java -jar target/herald.jar bench "$@"
