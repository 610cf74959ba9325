#!/usr/bin/env bash
# Builds Herald when the jar is missing or older than the sources, starts one dev node
# (a one-member cluster on loopback, the demo page, dev tokens), and prints the demo URL and a
# dev token. Ctrl-C stops the node. Extra arguments go to the node, e.g. -conf conf/cluster-node-1.json.
# --backend (first) also starts the reference backend (examples/backend) on port 8090 and points the
# node's subscribe, publish and RPC proxies at it (conf/node.json plus a proxy section): the demo
# page's Rooms card then works.
set -euo pipefail
cd "$(dirname "$0")/.."

with_backend=""
if [ "${1:-}" = "--backend" ]; then
  with_backend=1
  shift
fi

jar=target/herald.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src/main cluster conf -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "Building $jar ..."
  mvn -q -B -DskipTests package
fi

# the node runs on the newest JDK here (Temurin 25 where there is one), with the options that suit it
. scripts/java.sh
port=${HERALD_HTTP_PORT:-8080}
backend_pid=""
conf=""
pid=""
trap 'kill $pid $backend_pid 2>/dev/null || true; wait $pid $backend_pid 2>/dev/null || true; [ -z "$conf" ] || rm -f "$conf"' INT TERM EXIT
if [ -n "$with_backend" ]; then
  backend_jar=examples/backend/target/herald-example-backend.jar
  if [ ! -f "$backend_jar" ] || [ -n "$(find examples/backend/pom.xml examples/backend/src -newer "$backend_jar" -type f 2>/dev/null | head -n 1)" ]; then
    echo "Building $backend_jar ..."
    mvn -q -B -f examples/backend/pom.xml package
  fi
  backend_port=${HERALD_BACKEND_PORT:-8090}
  secrets=$(node -e 'const c=require("crypto");console.log(c.randomBytes(32).toString("hex"), c.randomBytes(32).toString("hex"))')
  cookie_secret=${secrets% *}
  proxy_secret=${secrets#* }
  java -jar "$backend_jar" "$backend_port" "$cookie_secret" "$proxy_secret" &
  backend_pid=$!
  conf=$(mktemp "${TMPDIR:-/tmp}/herald-demo-XXXXXX")
  node -e '
    const [file, port, secret] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync("conf/node.json", "utf8"));
    const url = p => `http://127.0.0.1:${port}/herald/${p}`;
    c.proxy = { subscribe: { url: url("subscribe"), channels: ["room.*"] }, publish: { url: url("publish"), channels: ["room.*"] },
                rpc: { url: url("rpc") }, secret };
    require("fs").writeFileSync(file, JSON.stringify(c, null, 2));' "$conf" "$backend_port" "$proxy_secret"
  set -- -conf "$conf" "$@"
fi
# shellcheck disable=SC2086
"$HERALD_JAVA" $HERALD_JVM_ARGS -jar "$jar" "$@" &
pid=$!

http() { # METHOD URL [BODY]: prints the response body; fails on a non-2xx answer
  node -e '
    const [m, u, b] = process.argv.slice(1);
    fetch(u, { method: m, body: b }).then(async r => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); })
      .catch(() => process.exit(1));' "$@"
}

# ready means this node's /ready, while this node runs: another process on the port answering
# /ready is not this node (the node itself refuses to start on a port in use, in one line)
ready=""
for _ in $(seq 1 120); do
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; echo "herald exited (see the line above); nothing started" >&2; exit 1; }
  if http GET "http://localhost:$port/ready" >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { echo "herald (pid $pid) did not become ready on port $port in 60 s" >&2; exit 1; }

token=$(http POST "http://localhost:$port/dev/token" '{"sub":"alice","channels":["demo.*"],"publish":["demo.*"]}' \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))') || token="(dev tokens are off in this config)"

cat <<MSG

  Herald is up: pid $pid, http port $port, on Java $HERALD_JAVA_MAJOR ($HERALD_JAVA).
  Demo page:   http://localhost:$port/
  Bridge:      ws://localhost:$port/eventbus/websocket?token=<jwt>   (SockJS: http://localhost:$port/eventbus)
  Dev token for alice (channels demo.*):
  $token
  Admin console: http://localhost:$port/admin (its service token is in the node's log above,
               on the line "*** DEV MODE *** admin console")

  More tokens: curl -X POST localhost:$port/dev/token -H 'Content-Type: application/json' -d '{"sub":"bob","channels":["demo.*"]}'
  Ctrl-C stops the node.
MSG
if [ -n "$with_backend" ]; then
  cat <<MSG
  Reference backend (examples/backend): pid $backend_pid, port $backend_port, behind the node's
  subscribe, publish and RPC proxies (room.*): the demo page's Rooms card uses it.
MSG
fi
echo
wait "$pid"
