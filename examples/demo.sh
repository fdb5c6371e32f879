#!/usr/bin/env bash
# The main job end to end on the bundled digits CNN (trained by
# examples/digits/train.py, exported to ONNX): import -> calibrate ->
# quantize -> compile for the host -> run, then float vs int8 accuracy,
# logit error, model size and latency; and the same comparison for the
# linalg and TOSA versions of the bundled models.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export PYTHONPATH="$root/python" QMLIR_BIN="$build/bin"
qmlir() { $py -m qmlir "$@"; }

echo "== $("$build/bin/quant-opt" --version | grep qmlir)"
$py -c "
import numpy as np
d = np.load('$root/examples/digits/data.npz')
np.save('$work/calib.npy', d['calib'].reshape(-1, 1, 1, 8, 8))
np.save('$work/test.npy', d['test'].reshape(-1, 1, 1, 8, 8))
np.save('$work/one.npy', d['test'][:1].reshape(1, 1, 1, 8, 8))"

echo "== 1. Import examples/digits/cnn.onnx (float, opset 13)"
qmlir import "$root/examples/digits/cnn.onnx" -o "$work/cnn.mlir"
echo "   $(grep -oE '= (linalg|tensor)\.[a-z_0-9]+' "$work/cnn.mlir" | cut -c3- | sort | uniq -c | tr -s ' ' | paste -sd,)"

echo "== 2. Calibrate on 300 training samples"
"$build/bin/quant-calibrate" "$work/cnn.mlir" --data="$work/calib.npy" -o "$work/stats.json"

echo "== 3. Quantize to int8 (weights per channel, ReLUs fused)"
qmlir quantize "$work/cnn.mlir" --stats "$work/stats.json" -o "$work/cnn.int8.mlir"
echo "   $(grep -oE '= (qnn|quant)\.[a-z_0-9]+' "$work/cnn.int8.mlir" | cut -c3- | sort | uniq -c | tr -s ' ' | paste -sd,)"

echo "== 4. Compile for the host (LLVM dialect, JIT-run by quant-run)"
qmlir compile "$work/cnn.mlir" -o "$work/cnn.llvm.mlir"
qmlir compile "$work/cnn.int8.mlir" -o "$work/cnn.int8.llvm.mlir"

echo "== 5. Run on the 450 test samples"
$py - "$work" "$root" <<'PY'
import os, subprocess, sys, time
import numpy as np
work, root = sys.argv[1], sys.argv[2]
labels = np.load(os.path.join(root, "examples/digits/data.npz"))["labels"]
run = os.path.join(os.environ["QMLIR_BIN"], "quant-run")
def timed(model, data):
    start = time.perf_counter()
    subprocess.run([run, model, "--input=" + os.path.join(work, data), "--output=" + os.path.join(work, "y.npy")], check=True)
    return time.perf_counter() - start, np.load(os.path.join(work, "y.npy")).reshape(-1, 10)
import re
def weight_bytes(path):
    """Bytes of the constant tensors (weights, biases) in a model."""
    total = 0
    for m in re.finditer(r"arith.constant dense.*: tensor<([0-9x]+)x(f32|i8|i32)>", open(path).read()):
        n = int(np.prod([int(d) for d in m.group(1).split("x")]))
        total += n * {"f32": 4, "i8": 1, "i32": 4}[m.group(2)]
    return total
rows = {}
for name in ("cnn.llvm.mlir", "cnn.int8.llvm.mlir"):
    model = os.path.join(work, name)
    t_all, y = timed(model, "test.npy")
    t_one, _ = timed(model, "one.npy")
    rows[name] = (y, (t_all - t_one) / (len(y) - 1), weight_bytes(os.path.join(work, name.replace(".llvm", ""))))
(yf, lf, sf), (yq, lq, sq) = rows["cnn.llvm.mlir"], rows["cnn.int8.llvm.mlir"]
print("   %-8s %9s %14s %14s %16s" % ("", "accuracy", "max |dlogit|", "weight bytes", "latency/sample"))
print("   %-8s %8.2f%% %14s %14d %13.1f us" % ("float", 100 * (yf.argmax(1) == labels).mean(), "-", sf, 1e6 * lf))
print("   %-8s %8.2f%% %14.4f %14d %13.1f us" % ("int8", 100 * (yq.argmax(1) == labels).mean(),
                                                  np.abs(yq - yf).max(), sq, 1e6 * lq))
print("   (generic scalar code: the target kernels of the codegen work are not in yet)")
PY

echo "== 6. The bundled linalg and TOSA models"
$py "$root/examples/digits/evaluate.py"
