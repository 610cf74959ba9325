#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the JavaScript client the end-to-end tests drive
# (npm ci, from the lock file), then mvn verify (unit tests, the jar, integration tests).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn node npm; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh needs $tool on the PATH" >&2; exit 1; }
done

(cd src/test/js && npm ci --no-audit --no-fund --loglevel=error)
mvn -B verify "$@"
