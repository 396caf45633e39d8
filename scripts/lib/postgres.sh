# A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary folder,
# listening on 127.0.0.1 only, on a free port, with trust authentication on loopback, tuned for
# speed over durability (fsync off). Sourced by scripts/test.sh and scripts/postgres.sh.
#
# pg_start         starts it; sets PG_DIR, PG_PORT, PG_BIN and PG_CONNECTION (an Npgsql connection string);
#                  PG_DURABLE=1 keeps fsync and synchronous commits on
# pg_stop          stops it and removes its folder
# pg_find_bin      sets PG_BIN to the folder of initdb/pg_ctl/postgres, or returns 1

pg_find_bin() {
  local candidate
  for candidate in "${DESKPOOL_PG_BIN:-}" /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      PG_BIN="$candidate"
      return 0
    fi
  done
  return 1
}

# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_free_port() {
  local port
  for port in $(seq 55432 55531); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

pg_start() {
  pg_find_bin || { echo "PostgreSQL server programs (initdb, pg_ctl) not found" >&2; return 1; }
  PG_PORT=$(pg_free_port) || { echo "no free port for PostgreSQL" >&2; return 1; }
  # As root the folder must be reachable by the postgres user, which a private TMPDIR may not be.
  local base="${TMPDIR:-/tmp}"
  if [ "$(id -u)" -eq 0 ]; then
    base=/tmp
  fi
  PG_DIR=$(mktemp -d "$base/deskpool-pg.XXXXXX")
  mkdir -p "$PG_DIR/data" "$PG_DIR/socket"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$PG_DIR"
  fi

  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # Throwaway: durability off for speed (PG_DURABLE=1 keeps PostgreSQL's defaults, for benchmarks
  # that should see commits reach the disk); loopback only; room for many small test databases.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${PG_DURABLE:-0}" = 1 ]; then
    durability=""
  fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start -o "\
    -c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR/socket \
    $durability -c shared_buffers=64MB -c max_connections=400 -c max_locks_per_transaction=128" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
}
