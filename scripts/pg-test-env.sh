#!/usr/bin/env bash
# Runs a command with a reachable PostgreSQL for the store tests:
#
#   scripts/pg-test-env.sh cargo test --workspace
#
# If DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers,
# the command runs against it. Otherwise, when the PostgreSQL server binaries
# are installed (/usr/lib/postgresql/<version>/bin), a throwaway cluster is
# made with initdb in a temporary directory, owned by a non-root user
# (postgres, else nobody), started on 127.0.0.1:${DRYDOCK_PG_PORT:-55432} with
# trust authentication, used for the command through DATABASE_URL, and
# stopped and removed afterwards, whatever the command's outcome.
# Without binaries the command runs anyway: the store's PostgreSQL tests then
# fail with CI=true and say SKIPPED otherwise.
set -euo pipefail

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

reachable() {
    command -v pg_isready >/dev/null 2>&1 && pg_isready -q -d "$1"
}

if reachable "$DATABASE_URL"; then
    exec "$@"
fi

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "pg-test-env: PostgreSQL not reachable at ${DATABASE_URL%%@*}@… and no server binaries found; running without it" >&2
    exec "$@"
fi

port="${DRYDOCK_PG_PORT:-55432}"
dir="$(mktemp -d /tmp/drydock-pg.XXXXXX)"
as_user=()
if [ "$(id -u)" = "0" ]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
    as_user=(runuser -u "$user" --)
fi

stop() {
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

echo "pg-test-env: starting a throwaway PostgreSQL ($bin) on 127.0.0.1:$port" >&2
"${as_user[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
status=0
"$@" || status=$?
exit "$status"
