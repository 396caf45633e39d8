#!/usr/bin/env bash
# Measures the raw single-row UPDATE rate of a throwaway PostgreSQL server, the ceiling for work
# that claims rows in the database: first with pgbench (from Debian's postgresql-contrib, when it is
# installed), then through Npgsql with deskpool-bench pg-update. Prints Markdown tables.
# Usage: scripts/bench-postgres.sh [--durable] [--seconds S] [--clients 1,8]
#   --durable   keep fsync and synchronous commits on (the test suite's server turns them off)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

seconds=10
clients=1,8
PG_DURABLE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --durable) PG_DURABLE=1 ;;
    --seconds) seconds=$2; shift ;;
    --clients) clients=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
export PG_DURABLE

dotnet build bench/Deskpool.Bench -c Release -nologo -clp:ErrorsOnly >/dev/null
pg_start
trap pg_stop EXIT
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE deskpool_bench"

pgbench=$(command -v pgbench || true)
[ -x "$PG_BIN/pgbench" ] && pgbench="$PG_BIN/pgbench"
if [ -n "$pgbench" ]; then
  script="$PG_DIR/update.sql"
  printf '%s\n' '\set id random(1, 1000)' 'UPDATE deskpool_bench_update SET n = n + 1 WHERE id = :id;' >"$script"
  chmod a+r "$script"
  psql_bench=("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d deskpool_bench -q)
  "${psql_bench[@]}" -c "CREATE TABLE deskpool_bench_update (id integer PRIMARY KEY, n bigint NOT NULL)" \
    -c "INSERT INTO deskpool_bench_update SELECT g, 0 FROM generate_series(1, 1000) g" \
    -c "VACUUM ANALYZE deskpool_bench_update"
  echo
  echo "## pgbench, single-row UPDATE (prepared, autocommit, $seconds s per line)"
  echo
  echo "| Clients | UPDATEs/s | mean latency (ms) |"
  echo "|---:|---:|---:|"
  for c in ${clients//,/ }; do
    out=$("$pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -f "$script" \
      -c "$c" -j "$(( c < 2 ? c : 2 ))" -T "$seconds" deskpool_bench 2>&1)
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
    printf '| %s | %.0f | %s |\n' "$c" "$tps" "$lat"
  done
  "${psql_bench[@]}" -c "DROP TABLE deskpool_bench_update"
else
  echo "pgbench not found (Debian package postgresql-contrib); skipping it."
fi

dotnet bench/Deskpool.Bench/bin/Release/net10.0/Deskpool.Bench.dll pg-update \
  --connection "$PG_CONNECTION;Database=deskpool_bench" --clients "$clients" --seconds "$seconds"
