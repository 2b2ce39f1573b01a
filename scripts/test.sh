#!/usr/bin/env bash
# Runs the whole drydock test suite: unit, integration, conformance, store
# behaviour on SQLite and PostgreSQL, CLI, server, fleet, and doc tests.
#
# PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
# must name a server where the role may create databases; every store test
# makes and drops its own database there. With CI=true an unreachable server
# is a failure, never a skip.
#
# With cargo-nextest installed (it is on this project's machines) every test
# binary runs side by side, DRYDOCK_TEST_THREADS tests at a time (default:
# twice the cores, as most tests wait on a process, a socket or PostgreSQL);
# without it, `cargo test` runs the same tests one binary after the other.
#
# DRYDOCK_TEST_ALONGSIDE: a command run in the background once the test
# binaries are built, while they run (`.ci/run` gives its doc and feature
# checks, which need the CPU the waiting tests leave idle). Its output is
# printed when it ends; its failure fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

if command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -d "$DATABASE_URL"; then
        if [ "${CI:-}" = "true" ]; then
            echo "error: PostgreSQL is not reachable at ${DATABASE_URL%%\?*} and CI=true: the store tests cannot run" >&2
            echo "hint: start it (pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) or set DATABASE_URL" >&2
            exit 1
        fi
        echo "warning: PostgreSQL is not reachable at ${DATABASE_URL%%\?*}: its store tests will report themselves SKIPPED" >&2
    fi
fi

alongside_pid=""
alongside_log=""
start_alongside() {
    [ -n "${DRYDOCK_TEST_ALONGSIDE:-}" ] || return 0
    alongside_log="$(mktemp)"
    echo "== alongside the tests: $DRYDOCK_TEST_ALONGSIDE (output when it ends)"
    bash -c "$DRYDOCK_TEST_ALONGSIDE" >"$alongside_log" 2>&1 &
    alongside_pid=$!
}
finish_alongside() {
    [ -n "$alongside_pid" ] || return 0
    local status=0
    wait "$alongside_pid" || status=$?
    echo "== output of: $DRYDOCK_TEST_ALONGSIDE"
    cat "$alongside_log"
    rm -f "$alongside_log"
    if [ "$status" != 0 ]; then
        echo "error: $DRYDOCK_TEST_ALONGSIDE failed (exit $status)" >&2
        return "$status"
    fi
}
trap '[ -z "$alongside_pid" ] || kill "$alongside_pid" 2>/dev/null || true' EXIT

# The `drydock` binary the CLI and fleet tests run needs the `cli` feature,
# which the root package's dev-dependency on itself turns on for every test
# build. (Benchmarks are compiled by clippy in .ci/run and run with `cargo
# bench`.)
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "note: cargo-nextest is not installed: running \`cargo test\`, one test binary at a time (slower)" >&2
    start_alongside
    status=0
    cargo test --workspace || status=$?
    finish_alongside
    exit "$status"
fi

# Build every test binary first (holding cargo's lock), record what was
# built, then run them from that record: the lock is free for the
# alongside command and the doc tests.
meta="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/nextest-run"
mkdir -p "$meta"
cargo nextest list --workspace --list-type binaries-only --message-format json >"$meta/binaries.json"
cargo metadata --format-version 1 >"$meta/cargo.json"

start_alongside
status=0
cargo nextest run --no-fail-fast \
    --binaries-metadata "$meta/binaries.json" --cargo-metadata "$meta/cargo.json" \
    --test-threads "${DRYDOCK_TEST_THREADS:-$(($(nproc) * 2))}" || status=$?
# Doc tests (nextest does not run them): the README's examples and every
# crate's documentation.
cargo test --workspace --doc || status=$?
finish_alongside || status=$?
exit "$status"
