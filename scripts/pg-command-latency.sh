#!/usr/bin/env bash
# The latency of one CLI command against PostgreSQL on loopback (issue 23
# item 17: one connection per command, no TLS handshake): `drydock task
# list --store postgres://…` on a fresh, migrated database holding one task,
# timed by hyperfine; prints the median in ms. Needs hyperfine and psql.
#
#   scripts/pg-command-latency.sh [BINARY] [RUNS]
#
# BINARY defaults to target/release/drydock; the server is DRYDOCK_TEST_PG_URL,
# else postgres://postgres@127.0.0.1:5432/test (its role creates the database).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/target/release/drydock}; runs=${2:-50}
admin=${DRYDOCK_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
name=drydock_latency_$$
url=${admin%/*}/$name
work=$(mktemp -d)
trap 'psql -qX "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work
unset DRYDOCK_CONFIG DRYDOCK_STORE PGSSLMODE
psql -qX "$admin" -c "CREATE DATABASE $name" >/dev/null
"$bin" store migrate --store "$url" >/dev/null
"$bin" task create -a validate_design -d "file://$root/fixtures/designs/fullsite.yaml" \
  --store "$url" >/dev/null
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
  "$bin task list --store $url" >&2
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("median %.1f ms (mean %.1f, min %.1f, max %.1f, %d runs)" % tuple([x*1000 for x in (r["median"], r["mean"], r["min"], r["max"])] + [len(r["times"])]))' "$work/h.json"
