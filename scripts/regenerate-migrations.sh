#!/usr/bin/env bash
# Rebuilds each database provider's migrations as a single "Initial" migration of the current
# model. Run it whenever the model in src/Deskpool.Core changes (or after merging such changes).
# Adding a migration reads only the model: no database server needs to be running.
# Usage: scripts/regenerate-migrations.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet tool restore >/dev/null

for provider in Sqlite Postgres; do
  project="src/Deskpool.Data.$provider"
  dotnet restore "$project" -nologo >/dev/null
  rm -rf "$project/Migrations"
  dotnet ef migrations add Initial --project "$project" --startup-project "$project" \
    --output-dir Migrations
  rm -f "$project/design-time.db" "$project"/design-time.db-*
done

echo "migrations regenerated: src/Deskpool.Data.Sqlite/Migrations, src/Deskpool.Data.Postgres/Migrations"
