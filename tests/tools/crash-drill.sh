#!/usr/bin/env bash
# The crash drill of issue 25, longer than the suite's one-kill test: the dev host under a steady load of consent
# grants and revokes is killed with SIGKILL KILLS times, restarted on the same data folder each time, and must then
# hold a verifying ledger receipt for every change its API acknowledged, with no change on the ledger twice.
# It runs tests/Platform.Journey.Tests' CrashTests with CRASH_KILLS and CRASH_LOAD_SECONDS; the test prints, per
# kill, how many changes were acknowledged, and at the end how many still lack a receipt.
#   usage: tests/tools/crash-drill.sh [KILLS (default 8)] [LOAD_SECONDS per kill (default 8)]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CRASH_KILLS="${1:-8}"
export CRASH_LOAD_SECONDS="${2:-8}"
dotnet build tests/Platform.Journey.Tests -c Release -v quiet -nologo
exec dotnet test tests/Platform.Journey.Tests -c Release --no-build \
  --filter "FullyQualifiedName~DevHost.CrashTests" --logger "console;verbosity=detailed"
