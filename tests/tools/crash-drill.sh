#!/usr/bin/env bash
# The crash drills of issue 25, longer than the suite's one-kill tests.
#   devhost (default): the dev host, under a steady load of consent grants and revokes and clinician reads of a
#     record, is killed with SIGKILL KILLS times and restarted on the same data folder each time; it must then hold a
#     verifying ledger receipt for every change its API acknowledged and every read it answered, nothing on the
#     ledger twice (tests/Platform.Journey.Tests/DevHost/CrashTests.cs).
#   dapr: the four services over the Dapr sidecar harness, the ledger as a child process; the ledger process is
#     killed with SIGKILL KILLS times while events are in flight to it and restarted on its data, with the same checks
#     (tests/Platform.Journey.Tests/CrossService/DaprLedgerCrashTests.cs).
# The tests print, per kill, how much was acknowledged, and at the end how many events still lack a receipt.
#   usage: tests/tools/crash-drill.sh [devhost|dapr] [KILLS (default 8)] [LOAD_SECONDS per kill (default 8)]
set -euo pipefail
cd "$(dirname "$0")/../.."
target=devhost
if [[ "${1:-}" == devhost || "${1:-}" == dapr ]]; then
  target="$1"
  shift
fi
export CRASH_KILLS="${1:-8}"
export CRASH_LOAD_SECONDS="${2:-8}"
case "$target" in
  devhost) filter="FullyQualifiedName~DevHost.CrashTests" ;;
  dapr) filter="FullyQualifiedName~CrossService.DaprLedgerCrashTests" ;;
esac
dotnet build tests/Platform.Journey.Tests -c Release -v quiet -nologo
exec dotnet test tests/Platform.Journey.Tests -c Release --no-build \
  --filter "$filter" --logger "console;verbosity=detailed"
