#!/usr/bin/env bash
# Measures what a new user sees: seconds from `dotnet run --project services/DevHost/Platform.DevHost`
# until all four services answer /health/ready with 200. Run it on a fresh clone for the first-run figure
# (restore and build included); run it again for a warm start.
#   usage: tests/devhost-ready-time.sh [extra dotnet run arguments, e.g. --no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(mktemp -d)"
log="$(mktemp)"
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data" "$log"' EXIT

start=$(date +%s%N)
dotnet run --project services/DevHost/Platform.DevHost "$@" -- --data "$data" >"$log" 2>&1 &
pid=$!
while :; do
  ready=0
  for port in 5101 5102 5103 5104; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/health/ready")" = 200 ] && ready=$((ready + 1))
  done
  [ "$ready" = 4 ] && break
  if ! kill -0 "$pid" 2>/dev/null; then echo "the dev host exited:"; cat "$log"; exit 1; fi
  if [ $(( ($(date +%s%N) - start) / 1000000000 )) -ge 300 ]; then echo "not ready after 300 s"; cat "$log"; exit 1; fi
  sleep 0.1
done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'all four services ready after %d.%03d s\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
