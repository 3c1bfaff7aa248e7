#!/usr/bin/env bash
# The ledger fault harness, long version: three replicas of the ledger service binary as separate processes on
# loopback, each with its own data directory; the leader SIGKILLed N times (default 20) under continuous load, then a
# minority, a majority, a replica restarted under its name at a new address, a replica whose data directory was
# deleted (it catches up by installing the leader's snapshot; that cluster snapshots every 100 entries), the leader
# isolated for 20 s by loopback TCP proxies between the replicas (then healed), and the cluster grown from 3 to 5
# replicas and shrunk back through the leader's admin endpoint. Replicas talk mutual TLS. After each scenario every
# acknowledged (201) event must be in every replica's log exactly once, in the same order, and receipts taken before
# the kills must still verify. Prints a summary table; the last line reads
#   kills: N, acknowledged: N, lost: N, duplicated: N
# Exit status 0 only if nothing was lost or duplicated and every check passed.
#
# usage: tests/ledger-faults.sh [--kills N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet build tests/Platform.Ledger.FaultHarness -c Release -nologo -v quiet >/dev/null
exec dotnet tests/Platform.Ledger.FaultHarness/bin/Release/net10.0/Platform.Ledger.FaultHarness.dll "$@"
