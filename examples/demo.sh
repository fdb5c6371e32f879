#!/usr/bin/env bash
# The main job end to end on the bundled example. Today: verify and
# canonicalize an int8 model with quant-opt. (Calibration, lowering and native
# code join this script as those stages land.)
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
opt="$build/bin/quant-opt"

echo "== $("$opt" --version | grep qmlir)"
echo "== Verifying and canonicalizing examples/mlp_int8.mlir"
"$opt" "$root/examples/mlp_int8.mlir" --canonicalize
echo "== The full-range ReLU clamp folded away; the model verified."
