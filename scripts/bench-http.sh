#!/usr/bin/env bash
# Load on `mesh serve` over loopback with wrk: POST /mesh/v1/convert/function and
# GET /admin/v3/functions/{t}/{ns}/{name}, beside GET /healthz of the same server as the floor.
# For each: peak throughput and latency (p50, p99), then the same endpoint at half of its peak
# rate (wrk's per-connection delay) for p99 there. Ends with the server's peak RSS (VmHWM).
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
port=$((20000 + RANDOM % 20000))
MESH_LOG=warn "$mesh" serve --listen "127.0.0.1:$port" --store "dir:$work/store" \
  --worker-config fixtures/worker/functions_worker.yml --connectors fixtures/worker/connectors.yaml \
  --max-concurrency 1024 2> "$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

config='{"tenant":"public","namespace":"default","name":"word-count","className":"org.example.WordCount","inputs":["persistent://public/default/sentences"],"output":"persistent://public/default/counts","runtime":"JAVA","parallelism":2,"resources":{"cpu":0.5,"ram":536870912},"userConfig":{"lang":"en"},"jar":"function://public/default/word-count@1.0"}'
curl -sf -o /dev/null -F "url=function://public/default/word-count@1.0" \
  -F "functionConfig=$config;type=application/json" "$base/admin/v3/functions/public/default/word-count"

printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$config" > "$work/convert.lua"

# run NAME PATH [LUA] -> "rps p50 p99" of a peak run
run() {
  local path=$2 lua=${3:-}
  local args=(-t2 -c"$conns" -d"${seconds}s" --latency)
  [ -n "$lua" ] && args+=(-s "$lua")
  wrk "${args[@]}" "$base$path" > "$work/out" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s %s %s %s\n", rps, p50, p99, (bad==""?0:bad)}' "$work/out"
}

# half NAME PATH RPS [LUA] -> p99 with every connection pausing so the total is RPS/2
half() {
  local path=$2 rps=$3 lua=${4:-}
  local c delay
  # wrk pauses whole milliseconds: enough connections that each waits at least 4 ms.
  c=$(awk -v r="$rps" 'BEGIN { c = int(r / 2 * 4 / 1000) + 1; printf "%d", (c < 8 ? 8 : c) }')
  delay=$(awk -v c="$c" -v r="$rps" 'BEGIN { printf "%d", c * 1000 / (r / 2) }')
  { [ -n "$lua" ] && cat "$lua"; printf 'function delay() return %s end\n' "$delay"; } > "$work/half.lua"
  wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$work/half.lua" "$base$path" > "$work/out" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s\n", rps, p50, p99}' "$work/out"
}

printf '%-28s %12s %10s %10s %8s   %s\n' endpoint "peak req/s" p50 p99 non-2xx "at half rate: req/s p50 p99"
for spec in "healthz|/healthz|" "get-function|/admin/v3/functions/public/default/word-count|" \
            "convert-function|/mesh/v1/convert/function|$work/convert.lua"; do
  IFS='|' read -r name path lua <<< "$spec"
  read -r rps p50 p99 bad <<< "$(run "$name" "$path" "$lua")"
  read -r hrps hp50 hp99 <<< "$(half "$name" "$path" "$rps" "$lua")"
  printf '%-28s %12s %10s %10s %8s   %s %s %s\n' "$name" "$rps" "$p50" "$p99" "$bad" "$hrps" "$hp50" "$hp99"
done
echo "peak RSS of mesh serve: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
