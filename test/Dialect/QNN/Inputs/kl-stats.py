"""Writes a stats file with the two histogram shapes that made `kl` collapse
on real CNNs (qnn-quantize-kl.mlir)."""
import json
import math
import sys


def tensor(lo, hi, counts):
    width = (hi - lo) / len(counts)
    used = [i for i, c in enumerate(counts) if c]
    mn, mx = lo + used[0] * width, lo + (used[-1] + 1) * width
    return {"min": mn, "max": mx, "ema_min": mn, "ema_max": mx,
            "count": sum(counts), "samples": 2,
            "histogram": {"lo": lo, "hi": hi, "counts": counts}}


# A ReLU output whose histogram grew to twice its range ([0, 2) for data in
# [0, 1]): half the values are zeros, the rest a half-normal tail.
relu = [100000] + [int(400 * math.exp(-((i / 256) ** 2) / 2))
                   for i in range(1, 1024)] + [0] * 1024
# Globally average-pooled activations: one-signed, away from zero.
pooled = [int(500 * math.exp(-(((i - 800) / 200) ** 2))) for i in range(2048)]
pooled = [c if 300 <= i < 1500 else 0 for i, c in enumerate(pooled)]
# Bell-shaped with one far outlier: here KL clips, and must.
bell = [int(2000 * math.exp(-(((i - 1024) / 128) ** 2) / 2)) for i in range(2048)]
bell[2047] = 1
json.dump({"format": "qmlir-stats", "version": 1, "default_method": "kl",
           "model": "kl-stats.py",
           "tensors": {"main.arg0": tensor(0.0, 2.0, relu),
                       "main.arg1": tensor(0.0, 1.0, pooled),
                       "add": tensor(-8.0, 8.0, bell)}}, sys.stdout)
