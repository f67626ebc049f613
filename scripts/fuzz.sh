#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer with AddressSanitizer) of the parsers and
# decoders a user reaches. Usage:
#
#   scripts/fuzz.sh TARGET SECONDS     one target (config, resource, yaml, worker, runtime_options, multipart)
#   scripts/fuzz.sh all SECONDS        every target, one after the other
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`, installed here when missing). The
# sanitizer flags are unstable: on the stable toolchain RUSTC_BOOTSTRAP=1 lets rustc take them.
# Each run starts from the committed seeds (fuzz/seeds/TARGET, made from fixtures/) plus what
# earlier runs found (fuzz/corpus/TARGET, not committed); crashes land in fuzz/artifacts/TARGET.
# Prints, per target, the executions, the coverage reached and whether anything crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(config resource yaml worker runtime_options multipart)
target="${1:?usage: scripts/fuzz.sh TARGET|all SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh TARGET|all SECONDS}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1

run() {
  local t="$1"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  local log="fuzz/artifacts/$t/last-run.log"
  echo "== fuzz $t for ${seconds}s"
  local status=0
  (cd fuzz && cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1) \
      >"$log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" | tail -3 || true
  grep -Eo "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1 || true
  if [ "$status" -ne 0 ]; then
    echo "!! $t crashed or failed (exit $status); see $log and fuzz/artifacts/$t"
    grep -E "panicked|ERROR: |SUMMARY" "$log" | head -5 || true
    return 1
  fi
  echo "ok $t: no crash"
}

(cd fuzz && cargo fuzz build -O >/dev/null 2>&1) || (cd fuzz && cargo fuzz build -O)
if [ "$target" = all ]; then
  failed=0
  for t in "${TARGETS[@]}"; do run "$t" || failed=1; done
  exit "$failed"
fi
run "$target"
