#!/usr/bin/env bash
# Runs tests/e2e/journey.sh against the platform installed in a cluster, through `kubectl port-forward` to the
# four Services (no ingress needed). The release must have been installed with tests/e2e/values-e2e.yaml (demo
# accounts and the platform-cli client). Used by .github/workflows/e2e.yml; works against any cluster that
# kubectl points at.
#
#   usage: tests/e2e/cluster-journey.sh
#   environment: NAMESPACE (default platform), RELEASE (default platform), FIRST_PORT (default 18101: four local
#                ports from there), RECEIPT_TIMEOUT (passed on)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NAMESPACE=${NAMESPACE:-platform}
RELEASE=${RELEASE:-platform}
FIRST_PORT=${FIRST_PORT:-18101}

pids=()
logs=$(mktemp -d)
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap stop EXIT

# forward SERVICE LOCAL_PORT: a port-forward in the background, waited for until the service answers through it.
forward() {
  local service=$1 port=$2
  kubectl -n "$NAMESPACE" port-forward "svc/$RELEASE-$service" "$port:8080" > "$logs/$service.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/health/live" && return
    sleep 1
  done
  cat "$logs/$service.log" >&2
  echo "cluster-journey.sh: the port-forward to $service did not answer" >&2
  exit 1
}

forward identity "$FIRST_PORT"
forward consent $((FIRST_PORT + 1))
forward record-vault $((FIRST_PORT + 2))
forward ledger $((FIRST_PORT + 3))

IDENTITY="http://127.0.0.1:$FIRST_PORT" CONSENT="http://127.0.0.1:$((FIRST_PORT + 1))" \
VAULT="http://127.0.0.1:$((FIRST_PORT + 2))" LEDGER="http://127.0.0.1:$((FIRST_PORT + 3))" \
  "$here/journey.sh"
