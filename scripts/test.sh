#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests drive (Debian's Chromium, nginx and
# faketime when missing, the JavaScript packages from the lock file), then mvn verify (unit tests, the
# jar, integration tests), then the unit tests once more on the nodes' JDK when the build's is another.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn node npm; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh needs $tool on the PATH" >&2; exit 1; }
done

# the browser test drives Debian's Chromium; the load-balancer test runs nginx
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# the clock-skew test runs a node under libfaketime
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || missing+=(faketime)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing ${missing[*]} from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# the Node.js client tests, and the benchmark's comparison servers (its smoke run measures them too)
(cd src/test/js && npm ci --no-audit --no-fund --loglevel=error)
(cd scripts/compare && npm ci --no-audit --no-fund --loglevel=error)
# the load generator is its own project (bench/): its unit tests, and the jar the bench smoke test runs
mvn -B -q -f bench/pom.xml verify
# the reference backend (examples/backend), which ReferenceBackendIT runs beside a node
mvn -B -q -f examples/backend/pom.xml package
mvn -B verify "$@"
# the unit tests again on the JDK the launchers run the nodes on (Temurin 25 where there is one) when
# the build ran on another (the jar's process tests already run their nodes there, through scripts/java.sh)
. scripts/java.sh
build_java=${JAVA_HOME:+$JAVA_HOME/bin/java}
build_java=${build_java:-$(command -v java)}
if [ "$(herald_java_major "$build_java")" != "$HERALD_JAVA_MAJOR" ]; then
  echo "the unit tests on Java $HERALD_JAVA_MAJOR ($HERALD_JAVA)"
  mvn -B surefire:test -Djvm="$HERALD_JAVA" "$@"
fi
