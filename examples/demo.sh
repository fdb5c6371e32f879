#!/usr/bin/env bash
# The main job end to end on the bundled digits CNN (trained by
# examples/digits/train.py, exported to ONNX): import -> calibrate ->
# quantize -> compile to native executables -> run, then float vs int8 accuracy,
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

echo "== 4. Compile both models to native executables for the host (quant-compile --emit=exe)"
"$build/bin/quant-compile" "$work/cnn.mlir" --emit=exe -o "$work/cnn-f32"
"$build/bin/quant-compile" "$work/cnn.int8.mlir" --emit=exe -o "$work/cnn-int8"
"$build/bin/quant-compile" "$work/cnn.int8.mlir" --emit=asm -o "$work/cnn-int8.s"
echo "   int8 contractions: $(grep -oE 'vpdpbusd|vpmaddwd|sdot|smmla' "$work/cnn-int8.s" | sort | uniq -c | tr -s ' ' | sed 's/^ //' | paste -sd, || echo 'generic code')"

echo "== 5. Run on the 450 test samples"
$py - "$work" "$root" <<'PY'
import os, re, subprocess, sys
import numpy as np
work, root = sys.argv[1], sys.argv[2]
labels = np.load(os.path.join(root, "examples/digits/data.npz"))["labels"]
def run(exe, data, *extra):
    out = os.path.join(work, "y.npy")
    p = subprocess.run([os.path.join(work, exe), "--input=" + os.path.join(work, data),
                        "--output=" + out, *extra], check=True, capture_output=True, text=True)
    return p.stdout + p.stderr, np.load(out).reshape(-1, 10)
def latency(exe):
    """Native time per sample: the runner's own --repeat timing of one sample."""
    text, _ = run(exe, "one.npy", "--repeat=2000", "--threads=1")
    value, unit = re.search(r"([0-9.]+) (ns|us|ms) per sample", text).groups()
    return float(value) * {"ns": 1e-3, "us": 1.0, "ms": 1e3}[unit]
def weight_bytes(path):
    """Bytes of the constant tensors (weights, biases) in a model."""
    total = 0
    for m in re.finditer(r"arith.constant dense.*: tensor<([0-9x]+)x(f32|i8|i32)>", open(path).read()):
        n = int(np.prod([int(d) for d in m.group(1).split("x")]))
        total += n * {"f32": 4, "i8": 1, "i32": 4}[m.group(2)]
    return total
_, yf = run("cnn-f32", "test.npy")
_, yq = run("cnn-int8", "test.npy")
lf, lq = latency("cnn-f32"), latency("cnn-int8")
sf, sq = weight_bytes(os.path.join(work, "cnn.mlir")), weight_bytes(os.path.join(work, "cnn.int8.mlir"))
print("   %-8s %9s %14s %14s %16s" % ("", "accuracy", "max |dlogit|", "weight bytes", "latency/sample"))
print("   %-8s %8.2f%% %14s %14d %13.1f us" % ("float", 100 * (yf.argmax(1) == labels).mean(), "-", sf, lf))
print("   %-8s %8.2f%% %14.4f %14d %13.1f us" % ("int8", 100 * (yq.argmax(1) == labels).mean(),
                                                  np.abs(yq - yf).max(), sq, lq))
print("   (native executables, one thread; float on the f32 kernels, int8 on the int8 ones)")
PY

echo "== 6. The bundled linalg and TOSA models"
$py "$root/examples/digits/evaluate.py"
