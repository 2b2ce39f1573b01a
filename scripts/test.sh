#!/usr/bin/env bash
# Runs the whole drydock test suite: unit, integration, conformance, store
# behaviour on SQLite and PostgreSQL, CLI, and doc tests.
#
# PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
# must name a server where the role may create databases; every store test
# makes and drops its own database there. With CI=true an unreachable server
# is a failure, never a skip.
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

# Libraries, binaries, integration tests and doc tests of every crate. The
# `drydock` binary the CLI and fleet tests run needs the `cli` feature, which
# the root package's dev-dependency on itself turns on for every test build.
# (Benchmarks are compiled by clippy in .ci/run and run with `cargo bench`.)
cargo test --workspace
