#!/usr/bin/env bash
# Checks that `drydock resolve FIXTURE --json` prints the same bytes with two
# binaries, for every design under fixtures/designs (the per-run `fetched_at`
# time is masked). Exit status of each run must match too.
#
#   scripts/json-identity.sh capture DIR BINARY    # save outputs of BINARY in DIR
#   scripts/json-identity.sh compare DIR BINARY    # compare BINARY with DIR
set -euo pipefail
mode=${1:?capture|compare}; dir=${2:?DIR}; bin=${3:?BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d)
unset DRYDOCK_CONFIG DRYDOCK_STORE
fail=0; count=0
while IFS= read -r -d '' file; do
  rel=${file#"$root"/fixtures/designs/}
  name=${rel//\//__}
  set +e
  "$bin" resolve "file://$file" --json | sed -E 's/"fetched_at":"[^"]*"/"fetched_at":"T"/' > "$dir/.new"
  code=${PIPESTATUS[0]}
  set -e
  echo "exit $code" >> "$dir/.new"
  count=$((count + 1))
  if [ "$mode" = capture ]; then
    mv "$dir/.new" "$dir/$name.json"
  elif ! cmp -s "$dir/.new" "$dir/$name.json"; then
    echo "DIFFERENT: $rel"; fail=1
  fi
done < <(find "$root/fixtures/designs" -name '*.yaml' -print0 | sort -z)
rm -f "$dir/.new"
echo "$count designs ${mode}d"
exit $fail
