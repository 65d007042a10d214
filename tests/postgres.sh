#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1:55432 for the tests (Debian's postgresql package),
# and prints the connection string to export as KUSD_TEST_POSTGRES. Safe to run twice.
set -euo pipefail
port=${KUSD_TEST_POSTGRES_PORT:-55432}
data=${KUSD_TEST_POSTGRES_DATA:-/tmp/kusd-test-postgres}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
as_postgres "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kusd_test'" | grep -q 1 \
  || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kusd_test
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=kusd_test"
