#!/usr/bin/env bash
# Runs every qmlir test and ends with one summary line, "N passed, N failed".
set -uo pipefail
build=${1:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# lit's summary lines look like "  Passed: 12 (100.00%)".
count() {
  local n
  n=$(sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" "$log" | head -1)
  echo "${n:-0}"
}
passed=$(( $(count Passed) + $(count 'Expectedly Failed') ))
failed=$(( $(count Failed) + $(count 'Unexpectedly Passed') + $(count Unresolved) + $(count 'Timed Out') ))
skipped=$(count Unsupported)
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
