#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, seeded from the test suite's own
# inputs. Crashes are written to BUILD/fuzz/artifacts and stop the run.
# With RUNS, each target instead runs a fixed number of inputs from a fixed
# seed (quant-opt RUNS, stats 2 x RUNS, npy 100 x RUNS): the same inputs on
# every machine, which is what CI wants.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
runs=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz"
mkdir -p "$work/artifacts"

seed() { # seed DIR FILES...
  local dir="$work/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)"; done
}
# Past crashes first (test/Fuzz), then the test suite's own inputs.
for dir in "$root"/test/Fuzz/*/; do
  files=("$dir"*)
  [[ -e "${files[0]}" ]] && seed "$(basename "$dir")" "${files[@]}"
done
seed quant-opt-fuzzer $(find "$root/test/Dialect" "$root/test/Conversion" -name '*.mlir' -size -64k)
/usr/bin/python3 "$root/test/Tools/quant-run/Inputs/data.py" "$work/npy-seeds" >/dev/null
seed npy-fuzzer "$work"/npy-seeds/*
seed stats-fuzzer "$root"/test/Dialect/QNN/Inputs/*.json

# LLVM's header-only allocators poison memory from instrumented code that
# uninstrumented libMLIR then touches: user poisoning off avoids false
# reports; leaks in LLVM's global state are not ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allow_user_poisoning=0}
scale() { case $1 in quant-opt-fuzzer) echo 1;; stats-fuzzer) echo 2;; *) echo 100;; esac; }
for fuzzer in quant-opt-fuzzer npy-fuzzer stats-fuzzer; do
  if [[ -n "$runs" ]]; then
    limit=(-seed=1 -runs=$((runs * $(scale $fuzzer))))
    echo "== $fuzzer for $((runs * $(scale $fuzzer))) inputs"
  else
    limit=(-max_total_time="$seconds")
    echo "== $fuzzer for ${seconds}s"
  fi
  "$build/bin/$fuzzer" "${limit[@]}" -max_len=65536 -timeout=30 \
    -artifact_prefix="$work/artifacts/$fuzzer-" -print_final_stats=1 \
    "$work/corpus/$fuzzer" 2>&1 | grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
  if ls "$work/artifacts/$fuzzer-"* >/dev/null 2>&1; then
    echo "FAILED: $fuzzer found a crash: $(ls "$work/artifacts/$fuzzer-"*)"
    exit 1
  fi
done
echo "fuzzing: no crash"
