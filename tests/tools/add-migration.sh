#!/usr/bin/env bash
# Adds an EF Core migration NAME to every service database, for both providers (8 migration sets):
#   identity (IdentityServiceDbContext: accounts, OpenIddict, KYC, credentials), consent, record-vault, ledger
#   x PostgreSQL (Data/Migrations/Postgres) and SQLite (Data/Migrations/Sqlite).
#
#   usage: tests/tools/add-migration.sh NAME            e.g. tests/tools/add-migration.sh ConsentAction
#          tests/tools/add-migration.sh --remove        removes the last migration of every set (not yet applied anywhere!)
#
# Uses the repository's dotnet-ef (.config/dotnet-tools.json) with tests/tools/Platform.MigrationsDesign as the
# startup project. A context whose model did not change would get an empty migration: it is deleted again and its
# model snapshot restored as it was, so each database's history names only the changes it had. Afterwards run the
# drift test:
#   dotnet test tests/Platform.Services.Tests -c Release --filter FullyQualifiedName~Migrations
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -ne 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
name=$1
if [[ "$name" != --remove && ! "$name" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "migration name must be PascalCase letters and digits: $name" >&2
  exit 2
fi

startup=tests/tools/Platform.MigrationsDesign
dotnet tool restore >/dev/null
dotnet build "$startup" -c Debug --nologo -v quiet

# project directory : context stem (the migrations contexts are <stem>PostgresDbContext, <stem>SqliteDbContext)
services=(
  "services/Identity/Platform.Identity:IdentityService"
  "services/Consent/Platform.Consent:Consent"
  "services/RecordVault/Platform.RecordVault:RecordVault"
  "services/Ledger/Platform.Ledger:Ledger"
)
for entry in "${services[@]}"; do
  project=${entry%%:*}
  stem=${entry##*:}
  for provider in Postgres Sqlite; do
    context="${stem}${provider}DbContext"
    if [[ "$name" == --remove ]]; then
      echo "== $context: removing the last migration"
      # --force: do not ask a database whether it was applied (the design-time connection is a placeholder, so
      # PostgreSQL contexts print a connection error first; harmless).
      dotnet ef migrations remove --no-build --configuration Debug --project "$project" --startup-project "$startup" \
        --context "$context" --force
    else
      echo "== $context: adding $name"
      # dotnet-ef rewrites the model snapshot even when the model did not change (its layout and annotations as this
      # dotnet-ef writes them), so it is kept aside and put back when the empty migration is deleted.
      snapshot="$project/Data/Migrations/$provider/${context}ModelSnapshot.cs"
      kept=$(mktemp)
      cp "$snapshot" "$kept"
      dotnet ef migrations add "$name" --no-build --configuration Debug --project "$project" --startup-project "$startup" \
        --context "$context" --output-dir "Data/Migrations/$provider"
      added=$(ls "$project/Data/Migrations/$provider/"*_"$name".cs | grep -v Designer | tail -1)
      if ! grep -q "migrationBuilder\." "$added"; then
        echo "   $context: no model change, empty migration deleted, model snapshot as it was"
        rm "$added" "${added%.cs}.Designer.cs"
        cp "$kept" "$snapshot"
      fi
      rm -f "$kept"
    fi
  done
done
echo "Done. Review the generated files, then: dotnet test tests/Platform.Services.Tests -c Release --filter FullyQualifiedName~Migrations"
