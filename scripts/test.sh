#!/usr/bin/env bash
# Runs every test of the solution twice: on SQLite, then on PostgreSQL, a throwaway server that this
# script starts (loopback only, in a temporary folder) and removes again. Test results of both runs
# are TRX files under artifacts/test-results/{sqlite,postgres}. Ends with one line that sums both:
# "tests: N passed, N failed". A machine without PostgreSQL's server programs fails the run: CI must
# test both providers.
# Usage: scripts/test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Deskpool.slnx -c Release -nologo -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "tests: 0 passed, 1 failed (the build failed)"
  exit $build
fi

# One run of the suite; $1 names it (and its results folder).
run_suite() {
  local name=$1
  shift
  echo "== tests on $name"
  dotnet test Deskpool.slnx -c Release --no-build -nologo \
    --logger "trx;LogFilePrefix=$name" --results-directory "$results/$name" "$@"
}

status=0
missing=0
DESKPOOL_TEST_POSTGRES="" run_suite sqlite "$@" || status=1

if pg_start; then
  trap pg_stop EXIT
  echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
  # The server goes with its databases: the tests need not drop them one by one.
  DESKPOOL_TEST_POSTGRES="$PG_CONNECTION" DESKPOOL_TEST_POSTGRES_KEEP=1 run_suite postgres "$@" || status=1
  pg_stop
  trap - EXIT
else
  echo "PostgreSQL's server programs were not found (looked for initdb and pg_ctl in /usr/lib/postgresql/*/bin;" \
    "install the Debian package postgresql-15). The PostgreSQL run is counted as failed."
  missing=1
  status=1
fi

passed=0
failed=$missing
for trx in "$results"/*/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
  f=$(echo "$counters" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  e=$(echo "$counters" | grep -o ' error="[0-9]*"' | grep -o '[0-9]*')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1
fi
echo "tests: $passed passed, $failed failed"
exit $status
