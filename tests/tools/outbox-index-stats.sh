#!/usr/bin/env bash
# Samples the outbox table's statistics in every database of the PostgreSQL a benchmark started (PostgresServer's
# server in /tmp/platform-pg-*), every 5 s, until stopped; one line per database and sample:
#   database time|index=scans/entries read ...|outbox heap blocks hit|live/dead rows|AccessLog rows
# Counters are cumulative since the database was created; subtract two samples for a row's share.
#   usage: tests/tools/outbox-index-stats.sh OUT.txt & dotnet tests/Platform.Benchmarks/bin/Release/net10.0/Platform.Benchmarks.dll vault 10 16 1000 1; kill %1
# Used for docs/benchmarks.md, "Issue #18, 5 Dec (04:47–05:15 UTC)". Needs psql (the postgresql package).
set -uo pipefail
out=${1:?usage: $0 OUT.txt}
psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1)
psql=${psql:-psql}
while true; do
  server=$(ps -eo args | grep -E "/bin/postgres -D /tmp/platform-pg-" | grep -v grep | head -1)
  if [[ -n "$server" ]]; then
    port=$(sed -E 's/.* -p ([0-9]+).*/\1/' <<<"$server")
    socket=$(sed -E 's/.* -k ([^ ]+).*/\1/' <<<"$server")
    for db in $("$psql" -h "$socket" -p "$port" -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE '%vault%'" 2>/dev/null); do
      row=$("$psql" -h "$socket" -p "$port" -U postgres -d "$db" -Atc "SELECT now()::time(0),
          (SELECT string_agg(indexrelname || '=' || idx_scan || '/' || idx_tup_read, ' ') FROM pg_stat_user_indexes WHERE relname = 'outbox_messages'),
          (SELECT heap_blks_hit FROM pg_statio_user_tables WHERE relname = 'outbox_messages'),
          (SELECT n_live_tup || '/' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'outbox_messages'),
          (SELECT count(*) FROM \"AccessLog\")" 2>/dev/null)
      echo "$db $row" >> "$out"
    done
  fi
  sleep 5
done
