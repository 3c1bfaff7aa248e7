#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need (Debian, as root), then runs them.
# The fixtures start PostgreSQL and Redis themselves (Testcontainers when a Docker engine answers, otherwise
# these binaries on free loopback ports) and SoftHSM2 tokens in temporary directories. Nothing is skipped:
# a missing server fails the run.
#   usage: tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# PostgreSQL and Redis run as Testcontainers when a Docker engine answers, else from these packages.
if ! docker info >/dev/null 2>&1; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
fi
# SoftHSM2 is loaded into the test process (PKCS#11), so it is always needed.
{ command -v softhsm2-util >/dev/null && [ -e /usr/lib/softhsm/libsofthsm2.so ]; } || missing+=(softhsm2)
command -v chromium >/dev/null || missing+=(chromium)
# The walkthrough test (tests/Platform.Journey.Tests/DevHost) runs docs/walkthrough-api.md with curl, jq, openssl, oathtool.
for tool in curl jq openssl oathtool; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "tests/run.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "tests/run.sh: missing ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

bash tests/tools/install-helm.sh >/dev/null  # Helm for the chart tests (tests/Platform.Deployment.Tests)
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Platform.sln -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line for every runner: totals over all test projects; a skipped test counts as a failure.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx")
  count() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error)))
  skipped=$((skipped + $(count notExecuted)))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ] || [ "$passed" -eq 0 ]; then status=1; fi
exit $status
