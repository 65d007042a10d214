#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1 for the tests (Debian's postgresql package), and prints the
# connection string to export as KUSD_TEST_POSTGRES. Safe to run twice: a server already running from the data
# folder is reused on whatever port it has.
# Settings (environment): KUSD_TEST_POSTGRES_PORT (25432), KUSD_TEST_POSTGRES_DATA (/tmp/kusd-test-postgres).
# The port sits below the kernel's ephemeral range (32768-60999 on Debian), so no outgoing connection of another
# test can hold it; if a different program listens there, the next free port is taken.
set -euo pipefail
port=${KUSD_TEST_POSTGRES_PORT:-25432}
data=${KUSD_TEST_POSTGRES_DATA:-/tmp/kusd-test-postgres}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -f "$data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  port=$(sed -n 4p "$data/postmaster.pid")
else
  for _ in $(seq 1 50); do listening "$port" || break; port=$((port + 1)); done
  listening "$port" && { echo "postgres.sh: no free port near ${KUSD_TEST_POSTGRES_PORT:-25432}" >&2; exit 1; }
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { tail -n 20 "$data/server.log" >&2; echo "postgres.sh: PostgreSQL did not start on port $port" >&2; exit 1; }
fi
as_postgres "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kusd_test'" | grep -q 1 \
  || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kusd_test
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=kusd_test"
