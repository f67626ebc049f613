#!/usr/bin/env bash
# Applies 1,000 Function CRs to a local kube-apiserver twice, from the same file: with
# `mesh apply --store kube` and with `kubectl apply --server-side`, each into an empty namespace,
# and prints both times. Not a test: a measurement.
#
#   scripts/bench-apply.sh [COUNT]        (default 1000)
#
# Starts the API server with ../shared/kube/start-kube-apiserver.sh when it is not running.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
kube_scripts="$(cd ../shared/kube && pwd)"

if ! command -v kubectl >/dev/null 2>&1; then
  sudo_="" ; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
fi
kubeconfig="$(bash "$kube_scripts/start-kube-apiserver.sh")"
cargo build --release --locked -p mesh-cli >/dev/null 2>&1
mesh=target/release/mesh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# COUNT function configs -> CRs (one YAML stream), all in namespace bench.
mkdir -p "$work/configs"
for i in $(seq 1 "$count"); do
  printf '{"tenant":"bench","namespace":"ns","name":"fn-%d","className":"org.example.F","inputs":["in-%d"],"output":"out","jar":"function://bench/ns/fn-%d@1"}\n' \
    "$i" "$i" "$i" > "$work/configs/fn-$i.json"
done
cat > "$work/worker.yml" <<'W'
pulsarFunctionsCluster: bench
functionsWorkerServiceCustomConfigs:
  jobNamespace: bench
W
"$mesh" convert --worker-config "$work/worker.yml" "$work/configs" > "$work/crs.yaml"

k() { kubectl --kubeconfig "$kubeconfig" "$@"; }
"$mesh" install-crds --store kube --kubeconfig "$kubeconfig" >/dev/null
# A namespace of its own for each run: this API server has no controller manager, so a deleted
# namespace would stay Terminating for ever.
run_id=$(date +%s)
fresh_namespace() {
  local ns="bench-$1-$run_id"
  k create namespace "$ns" >/dev/null
  sed "s/^  namespace: bench$/  namespace: $ns/" "$work/crs.yaml" > "$work/$1.yaml"
}
now() { date +%s.%N; }

fresh_namespace mesh
t0=$(now)
"$mesh" apply --store kube --kubeconfig "$kubeconfig" "$work/mesh.yaml" 2>"$work/mesh.log"
t1=$(now)
tail -1 "$work/mesh.log"
mesh_s=$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")

fresh_namespace kubectl
t0=$(now)
k apply --server-side --field-manager kubectl-bench -f "$work/kubectl.yaml" >/dev/null
t1=$(now)
kubectl_s=$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")
k delete functions --all -n "bench-mesh-$run_id" --wait=false >/dev/null
k delete functions --all -n "bench-kubectl-$run_id" --wait=false >/dev/null

echo "objects:          $count"
echo "mesh apply:       ${mesh_s}s"
echo "kubectl apply:    ${kubectl_s}s ($(kubectl version --client 2>/dev/null | head -1))"
echo "speed-up:         $(awk "BEGIN{printf \"%.1f\", $kubectl_s / $mesh_s}")x"
