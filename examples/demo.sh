#!/usr/bin/env bash
# The main job end to end on the bundled digits CNN (BatchNorm, residual add):
# float model -> calibrated -> int8 qnn -> native code (JIT) -> accuracy and
# speed, then the same comparison for all four bundled models.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model="$root/examples/digits/cnn_tosa.mlir"
py=/usr/bin/python3

echo "== $("$bin/quant-opt" --version | grep qmlir)"
echo "== 1. Float model: examples/digits/cnn_tosa.mlir (TOSA, $(grep -c 'tosa\.' "$model") TOSA ops)"
$py -c "
import numpy as np
d = np.load('$root/examples/digits/data.npz')
np.save('$work/calib.npy', d['calib'].reshape(-1, 1, 8, 8, 1))
np.save('$work/test.npy', d['test'].reshape(-1, 1, 8, 8, 1))"

echo "== 2. Calibrate on 300 training samples"
"$bin/quant-calibrate" "$model" --data="$work/calib.npy" -o "$work/stats.json"
echo "   $($py -c "import json; print(len(json.load(open('$work/stats.json'))['tensors']))") tensors observed"

echo "== 3. Quantize (BatchNorm and ReLU folded, weights per channel)"
"$bin/quant-opt" "$model" --qnn-quantize-pipeline="stats=$work/stats.json" -o "$work/cnn.int8.mlir"
grep -oE "= (qnn|quant)\.[a-z_0-9]+" "$work/cnn.int8.mlir" | cut -c3- | sort | uniq -c | sed "s/^/  /"

echo "== 4. Compile (JIT) and run float and int8 on the 450 test samples"
for m in "$model" "$work/cnn.int8.mlir"; do
  start=$(date +%s%N)
  "$bin/quant-run" "$m" --input="$work/test.npy" --output="$work/$(basename "$m").out.npy"
  end=$(date +%s%N)
  echo "   $(basename "$m"): $(( (end - start) / 1000000 )) ms (compile + 450 samples)"
done
$py -c "
import numpy as np
labels = np.load('$root/examples/digits/data.npz')['labels']
f = np.load('$work/cnn_tosa.mlir.out.npy').reshape(-1, 10)
q = np.load('$work/cnn.int8.mlir.out.npy').reshape(-1, 10)
print('   float accuracy %.2f%%, int8 accuracy %.2f%%, max |logit error| %.3f' % (
    100 * (f.argmax(1) == labels).mean(), 100 * (q.argmax(1) == labels).mean(), abs(q - f).max()))"

echo "== 5. All bundled models"
QMLIR_BIN="$bin" $py "$root/examples/digits/evaluate.py"
