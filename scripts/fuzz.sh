#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, seeded from the test suite's own
# inputs. Crashes are written to BUILD/fuzz/artifacts and stop the run.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz"
mkdir -p "$work/artifacts"

seed() { # seed DIR FILES...
  local dir="$work/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)"; done
}
seed quant-opt-fuzzer $(find "$root/test/Dialect" "$root/test/Conversion" -name '*.mlir' -size -64k)
/usr/bin/python3 "$root/test/Tools/quant-run/Inputs/data.py" "$work/npy-seeds" >/dev/null
seed npy-fuzzer "$work"/npy-seeds/*
seed stats-fuzzer "$root"/test/Dialect/QNN/Inputs/*.json

# LLVM's header-only allocators poison memory from instrumented code that
# uninstrumented libMLIR then touches: user poisoning off avoids false
# reports; leaks in LLVM's global state are not ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allow_user_poisoning=0}
for fuzzer in quant-opt-fuzzer npy-fuzzer stats-fuzzer; do
  echo "== $fuzzer for ${seconds}s"
  "$build/bin/$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=30 \
    -artifact_prefix="$work/artifacts/$fuzzer-" -print_final_stats=1 \
    "$work/corpus/$fuzzer" 2>&1 | grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
  if ls "$work/artifacts/$fuzzer-"* >/dev/null 2>&1; then
    echo "FAILED: $fuzzer found a crash: $(ls "$work/artifacts/$fuzzer-"*)"
    exit 1
  fi
done
echo "fuzzing: no crash in ${seconds}s per target"
