#!/usr/bin/env bash
# Builds Herald when the jar is missing or older than the sources, starts one dev node
# (a one-member cluster on loopback, the demo page, dev tokens), and prints the demo URL and a
# dev token. Ctrl-C stops the node. Extra arguments go to the node, e.g. -conf conf/cluster-node-1.json.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=target/herald.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src/main cluster conf -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "Building $jar ..."
  mvn -q -B -DskipTests package
fi

port=${HERALD_HTTP_PORT:-8080}
java @conf/jvm.options -jar "$jar" "$@" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' INT TERM EXIT

http() { # METHOD URL [BODY]: prints the response body; fails on a non-2xx answer
  node -e '
    const [m, u, b] = process.argv.slice(1);
    fetch(u, { method: m, body: b }).then(async r => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); })
      .catch(() => process.exit(1));' "$@"
}

for _ in $(seq 1 120); do
  if http GET "http://localhost:$port/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "herald exited; see the lines above" >&2; exit 1; }
  sleep 0.5
done

token=$(http POST "http://localhost:$port/dev/token" '{"sub":"alice","channels":["demo.*"],"publish":["demo.*"]}' \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))') || token="(dev tokens are off in this config)"

cat <<MSG

  Herald is up.
  Demo page:   http://localhost:$port/
  Bridge:      ws://localhost:$port/eventbus/websocket?token=<jwt>   (SockJS: http://localhost:$port/eventbus)
  Dev token for alice (channels demo.*):
  $token

  More tokens: curl -X POST localhost:$port/dev/token -H 'Content-Type: application/json' -d '{"sub":"bob","channels":["demo.*"]}'
  Ctrl-C stops the node.

MSG
wait "$pid"
