#!/usr/bin/env bash
# The login-storm benchmark: N users connect at once to a dynamic pool of N idle desktops.
# Usage: scripts/bench-storm.sh [--users N] [--postgres] [--nodes K]
#   --postgres  run the server node(s) on a throwaway PostgreSQL server (default: SQLite, one node)
#   --nodes K   K server processes on the one PostgreSQL database, the storm spread over them
set -euo pipefail
cd "$(dirname "$0")/.."

users=10000
nodes=1
postgres=0
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift ;;
    --nodes) nodes=$2; shift ;;
    --postgres) postgres=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

dotnet build bench/Deskpool.Bench -c Release -nologo -clp:ErrorsOnly >/dev/null
bench=(dotnet bench/Deskpool.Bench/bin/Release/net10.0/Deskpool.Bench.dll storm --users "$users" --nodes "$nodes")
if [ "$postgres" -eq 1 ]; then
  # shellcheck source=lib/postgres.sh
  source scripts/lib/postgres.sh
  pg_start
  trap pg_stop EXIT
  "${bench[@]}" --postgres "$PG_CONNECTION;Database=deskpool_storm"
else
  "${bench[@]}"
fi
