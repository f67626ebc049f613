#!/usr/bin/env bash
# Memory and time of `mesh convert` over many inputs: N function configs (default 10000) and
# twice as many, each run once as one `mesh convert DIR` with the shipped worker config; prints
# peak RSS, the RSS each further converted object adds (from N to 2N, and above a one-config
# run), and the wall time of both sizes (their ratio shows whether time is linear in the input).
#
# Usage: scripts/bench-convert.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --locked -q -p mesh-cli
mesh=target/release/mesh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

make_inputs() { # COUNT DIR
  mkdir -p "$2"
  python3 - "$1" "$2" <<'PY'
import json, sys
count, out = int(sys.argv[1]), sys.argv[2]
for i in range(count):
    config = {
        "tenant": "public", "namespace": "default", "name": f"fn-{i}",
        "className": "org.example.Exclaim", "jar": f"function://public/default/fn-{i}@1.0",
        "inputs": [f"persistent://public/default/in-{i}"],
        "output": f"persistent://public/default/out-{i}",
        "parallelism": 2, "userConfig": {"greeting": "hello", "n": i},
    }
    with open(f"{out}/fn-{i:06}.json", "w") as f:
        json.dump(config, f)
PY
}

run() { # DIR -> "rss_kib seconds bytes"
  /usr/bin/time -f "%M %e" -o "$work/time" "$mesh" convert --worker-config fixtures/worker/functions_worker.yml "$1" >"$work/out.yaml"
  echo "$(cat "$work/time") $(wc -c <"$work/out.yaml")"
}

make_inputs 1 "$work/one"
make_inputs "$n" "$work/n"
make_inputs "$((2 * n))" "$work/2n"
read -r base_kib _ _ <<<"$(run "$work/one")"
read -r n_kib n_s n_bytes <<<"$(run "$work/n")"
read -r n2_kib n2_s _ <<<"$(run "$work/2n")"
per=$(( (n_kib - base_kib) * 1024 / n ))
slope=$(( (n2_kib - n_kib) * 1024 / n ))
echo "one config:      peak RSS ${base_kib} KiB"
echo "$n configs:  peak RSS ${n_kib} KiB, ${n_s} s, output $((n_bytes / n)) bytes per object"
echo "$((2 * n)) configs:  peak RSS ${n2_kib} KiB, ${n2_s} s"
echo "memory per converted object: ${slope} bytes from N to 2N (${per} bytes above one config)"
echo "time for 2N / N: $(python3 -c "print(f'{$n2_s / max($n_s, 0.001):.2f}')")"
