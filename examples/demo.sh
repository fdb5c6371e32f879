#!/usr/bin/env bash
# The main job end to end on the bundled example. Today: verify the int8
# model with quant-opt, lower it to native code and run it with quant-run on
# a batch of inputs. (Calibration from a float model joins as it lands.)
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== $("$bin/quant-opt" --version | grep qmlir)"
echo "== 1. Verify and canonicalize examples/mlp_int8.mlir (qnn dialect)"
"$bin/quant-opt" "$root/examples/mlp_int8.mlir" --canonicalize | grep -E "qnn\.|func.func"
echo "== 2. Lower to integer linalg: ops in the int8 model"
"$bin/quant-opt" "$root/examples/mlp_int8.mlir" --convert-qnn-to-linalg --canonicalize |
  grep -oE "(linalg|arith|math|tensor)\.[a-z_]+" | sort | uniq -c | sort -rn | head -8
echo "== 3. JIT-compile and run on 256 samples"
/usr/bin/python3 -c "
import numpy as np
np.save('$work/x.npy', np.random.RandomState(0).rand(256, 1, 64).astype(np.float32) * 16)"
start=$(date +%s%N)
"$bin/quant-run" "$root/examples/mlp_int8.mlir" --input="$work/x.npy" --output="$work/y.npy"
end=$(date +%s%N)
/usr/bin/python3 -c "
import numpy as np
y = np.load('$work/y.npy')
print('logits', y.shape, y.dtype, 'sample 0:', np.round(y[0, 0], 2).tolist())
print('classes of the first 16 samples:', y[:16, 0].argmax(-1).tolist())"
echo "== compile + run: $(( (end - start) / 1000000 )) ms"
