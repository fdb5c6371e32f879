"""Calibrates a float model on random data, quantizes it, and checks that
the expected qnn ops replaced every float computation and that int8 output
stays close to float on fresh data.

    check_quantized.py model.mlir 1x8x8x4 --expect=qnn.conv2d:3,qnn.add:1
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

from qmlir import tools

# Ops that compute on float data; in a fully quantized model none remain.
FLOAT_COMPUTE = re.compile(r"= (linalg\.[a-z_0-9]+|tosa\.[a-z_0-9]+|arith\.(addf|mulf|subf|divf|maximumf|minimumf)).*xf32>")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("shape")
    p.add_argument("--expect", default="")
    p.add_argument("--tolerance", type=float, default=0.05)
    a = p.parse_args()
    shape = [int(d) for d in a.shape.split("x")]
    r = np.random.RandomState(0)
    with tempfile.TemporaryDirectory() as d:
        stats = os.path.join(d, "stats.json")
        qmodel = os.path.join(d, "q.mlir")
        tools.calibrate(a.model, [r.rand(64, *shape).astype(np.float32)], stats)
        tools.quantize(a.model, qmodel, stats=stats)
        text = open(qmodel).read()
        for item in filter(None, a.expect.split(",")):
            op, count = item.split(":")
            found = len(re.findall(r"= %s " % re.escape(op), text))
            print("%s: %d" % (op, found))
            if found != int(count):
                print("FAILED: expected %s %s" % (count, op))
                return 1
        body = [l for l in text.splitlines() if "linalg.yield" not in l]
        left = [l.strip() for l in body if FLOAT_COMPUTE.search(l)]
        print("float ops left: %d" % len(left))
        for l in left:
            print("  " + l[:120])
        x = r.rand(16, *shape).astype(np.float32)
        yf = tools.run(a.model, x)[0]
        yq = tools.run(qmodel, x)[0]
        err = np.abs(yq - yf).mean() / max(np.abs(yf).mean(), 1e-12)
        print("relative error %.4f" % err)
        print("int8 vs float: %s" % ("ok" if err < a.tolerance else "FAILED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
