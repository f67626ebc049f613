#!/usr/bin/env bash
# Load on `mesh serve` over loopback with wrk: POST /mesh/v1/convert/function and
# GET /admin/v3/functions/{t}/{ns}/{name}, beside GET /healthz of the same server as the floor.
# For each: peak throughput and latency (p50, p99), then the same endpoint at half of its peak
# rate (wrk's per-connection delay) for p99 there. Ends with the server's peak RSS (VmHWM).
#
# Then the same GET on a second server secured as the production worker config asks (token
# authentication, authorization with namespace permissions read from the broker's admin API),
# with a token of a role that has the `functions` permission: what authentication and the
# cached authorization cost. The broker is a small local stub (scripts/stub-broker.py) that
# answers the three admin endpoints in Pulsar's JSON shapes; a real broker cannot run here.
# Not a test: a measurement.
#
#   scripts/bench-http.sh [SECONDS] [CONNECTIONS]     (default 10 s, 64 connections)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
conns=${2:-64}

if ! command -v wrk >/dev/null 2>&1; then
  sudo_="" ; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
cargo build --release --locked -p mesh-cli >/dev/null 2>&1
mesh=target/release/mesh
work=$(mktemp -d)
pids=()
trap 'st=$?; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; exit $st' EXIT

# The production worker config without its security (its key files do not exist here) ...
sed -e '/^workerPortTls:/d' -e '/^pulsarWebServiceUrl:/d' \
    -e 's/^authenticationEnabled: true/authenticationEnabled: false/' \
    -e 's/^authorizationEnabled: true/authorizationEnabled: false/' \
    fixtures/worker/functions_worker.yml > "$work/open.yml"
# ... and with it: a token key of its own and the stub broker.
head -c 64 /dev/urandom > "$work/secret.key"
broker_port=$((20000 + RANDOM % 20000))
python3 scripts/stub-broker.py "$broker_port" bench-user > /dev/null 2> "$work/broker.log" &
pids+=($!)
sed -e '/^workerPortTls:/d' \
    -e "s|^pulsarWebServiceUrl: .*|pulsarWebServiceUrl: http://127.0.0.1:$broker_port|" \
    -e 's|^brokerClientAuthenticationParameters: .*|brokerClientAuthenticationParameters: "token:worker"|' \
    fixtures/worker/functions_worker.yml > "$work/secure.yml"
printf 'properties:\n  tokenSecretKey: file://%s\n' "$work/secret.key" >> "$work/secure.yml"
token=$(python3 - "$work/secret.key" <<'EOF'
import base64, hashlib, hmac, json, sys
key = open(sys.argv[1], "rb").read()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
msg = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps({"sub": "bench-user"}).encode())
print(msg + "." + b64(hmac.new(key, msg.encode(), hashlib.sha256).digest()))
EOF
)

# start WORKER: starts a server; sets $base (its URL) and $pid
start() {
  local port=$((20000 + RANDOM % 20000))
  MESH_LOG=warn "$mesh" serve --listen "127.0.0.1:$port" --store "dir:$work/store-$port" \
    --worker-config "$1" --connectors fixtures/worker/connectors.yaml \
    --max-concurrency 1024 > /dev/null 2> "$work/serve-$port.log" &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "mesh serve did not start:" >&2; cat "$work/serve-$port.log" >&2; exit 1
}

config='{"tenant":"public","namespace":"default","name":"word-count","className":"org.example.WordCount","inputs":["persistent://public/default/sentences"],"output":"persistent://public/default/counts","runtime":"JAVA","parallelism":2,"resources":{"cpu":0.5,"ram":536870912},"userConfig":{"lang":"en"},"jar":"function://public/default/word-count@1.0"}'
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$config" > "$work/convert.lua"
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" > "$work/token.lua"

# create BASE [TOKEN]: registers the benchmark's function
create() {
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  curl -sf -o /dev/null "${auth[@]}" -F "url=function://public/default/word-count@1.0" \
    -F "functionConfig=$config;type=application/json" "$1/admin/v3/functions/public/default/word-count"
}

# run BASE PATH [LUA] -> "rps p50 p99 non-2xx" of a peak run
run() {
  local base=$1 path=$2 lua=${3:-}
  local args=(-t2 -c"$conns" -d"${seconds}s" --latency)
  [ -n "$lua" ] && args+=(-s "$lua")
  wrk "${args[@]}" "$base$path" > "$work/out" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s %s %s %s\n", rps, p50, p99, (bad==""?0:bad)}' "$work/out"
}

# half BASE PATH RPS [LUA] -> p99 with every connection pausing so the total is RPS/2
half() {
  local base=$1 path=$2 rps=$3 lua=${4:-}
  local c delay
  # wrk pauses whole milliseconds: enough connections that each waits at least 4 ms.
  c=$(awk -v r="$rps" 'BEGIN { c = int(r / 2 * 4 / 1000) + 1; printf "%d", (c < 8 ? 8 : c) }')
  delay=$(awk -v c="$c" -v r="$rps" 'BEGIN { printf "%d", c * 1000 / (r / 2) }')
  { [ -n "$lua" ] && cat "$lua"; printf 'function delay() return %s end\n' "$delay"; } > "$work/half.lua"
  wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$work/half.lua" "$base$path" > "$work/out" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s\n", rps, p50, p99}' "$work/out"
}

start "$work/open.yml"
open=$base open_pid=$pid
create "$open"
printf '%-28s %12s %10s %10s %8s   %s\n' endpoint "peak req/s" p50 p99 non-2xx "at half rate: req/s p50 p99"
get_open=""
for spec in "healthz|/healthz|" "get-function|/admin/v3/functions/public/default/word-count|" \
            "convert-function|/mesh/v1/convert/function|$work/convert.lua"; do
  IFS='|' read -r name path lua <<< "$spec"
  read -r rps p50 p99 bad <<< "$(run "$open" "$path" "$lua")"
  read -r hrps hp50 hp99 <<< "$(half "$open" "$path" "$rps" "$lua")"
  printf '%-28s %12s %10s %10s %8s   %s %s %s\n' "$name" "$rps" "$p50" "$p99" "$bad" "$hrps" "$hp50" "$hp99"
  [ "$name" = get-function ] && get_open=$rps
done
echo "peak RSS of mesh serve: $(awk '/VmHWM/ {print $2, $3}' /proc/$open_pid/status)"

start "$work/secure.yml"
secure=$base
create "$secure" "$token"
# Both servers' GET in turns, twice, so that a drift of the host's speed hits both alike.
get=/admin/v3/functions/public/default/word-count
best_open=0 best_secure=0
for round in 1 2; do
  read -r o _ _ _ <<< "$(run "$open" "$get")"
  read -r rps p50 p99 bad <<< "$(run "$secure" "$get" "$work/token.lua")"
  printf '%-28s %12s %10s %10s %8s   (round %s; open server: %s)\n' "get-function (token+authz)" "$rps" "$p50" "$p99" "$bad" "$round" "$o"
  best_open=$(awk -v a="$best_open" -v b="$o" 'BEGIN { print (b > a ? b : a) }')
  best_secure=$(awk -v a="$best_secure" -v b="$rps" 'BEGIN { print (b > a ? b : a) }')
done
awk -v a="$best_open" -v b="$best_secure" 'BEGIN { printf "authentication and cached authorization cost %.1f %% of GET function throughput (best %s vs %s req/s)\n", (1 - b / a) * 100, b, a }'
echo "broker calls during the secured runs: $(grep -c 'GET /admin/v2' "$work/broker.log" || true)"
