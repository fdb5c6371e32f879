"""Output SQNR (dB, int8 vs float) of every range method, and of bias
correction with per-channel and per-tensor weights, on torchvision CNNs with
random weights (bench/zoo.py): the table in docs/Calibration.md.

Each model is exported to ONNX, imported, calibrated once on 16 samples and quantized with
each method; the SQNR is over 8 further samples. Needs Debian's python3-torch
and python3-torchvision.

Usage: calibration_methods.py BUILD_DIR WORK_DIR [--size 224]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

from zoo import export_onnx, torch_modules, torchvision_model

METHODS = ["minmax", "ema", "percentile", "mse", "kl"]
# Columns after the methods: (heading, qnn-quantize-pipeline options).
VARIANTS = [("minmax + bias correction", "method=minmax bias-correction=true"),
            ("per-tensor weights", "method=minmax weight-granularity=per-tensor"),
            ("per-tensor + bias correction",
             "method=minmax weight-granularity=per-tensor bias-correction=true")]
MODELS = ["resnet18", "mobilenet_v2"]


def run(*cmd):
    subprocess.run([str(c) for c in cmd], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("work")
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    torch_modules()
    bin_dir = os.path.join(os.path.abspath(args.build), "bin")
    os.makedirs(args.work, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "..", "python"))
    rows = []
    for name in MODELS:
        base = os.path.join(args.work, name)
        export_onnx(torchvision_model(name, args.size), (1, 3, args.size, args.size), base + ".onnx")
        rng = np.random.default_rng(1)
        shape = (1, 3, args.size, args.size)
        np.save(base + ".calib.npy", rng.standard_normal((16,) + shape, dtype=np.float32))
        np.save(base + ".test.npy", rng.standard_normal((8,) + shape, dtype=np.float32))
        subprocess.run([sys.executable, "-m", "qmlir", "import", base + ".onnx",
                        "-o", base + ".mlir"], check=True, env=env)
        run(f"{bin_dir}/quant-calibrate", base + ".mlir", f"--data={base}.calib.npy",
            "-o", base + ".stats.json", "--progress=none")
        run(f"{bin_dir}/quant-run", base + ".mlir", f"--input={base}.test.npy",
            f"--output={base}.float.npy")
        ref = np.load(base + ".float.npy").astype(np.float64)
        sqnr = []
        for options in ["method=" + m for m in METHODS] + [v for _, v in VARIANTS]:
            run(f"{bin_dir}/quant-opt", base + ".mlir",
                f"--qnn-quantize-pipeline=stats={base}.stats.json {options}",
                "-o", base + ".int8.mlir")
            run(f"{bin_dir}/quant-run", base + ".int8.mlir", f"--input={base}.test.npy",
                f"--output={base}.int8.npy")
            out = np.load(base + ".int8.npy").astype(np.float64)
            sqnr.append(10 * np.log10((ref ** 2).sum() / ((ref - out) ** 2).sum()))
        rows.append((name, sqnr))
    headings = METHODS + [h for h, _ in VARIANTS]
    print("| model | " + " | ".join(headings) + " |")
    print("| --- |" + " ---: |" * len(headings))
    for name, sqnr in rows:
        print(f"| {name} {args.size}x{args.size} | " + " | ".join(f"{s:.2f}" for s in sqnr) + " |")


if __name__ == "__main__":
    main()
