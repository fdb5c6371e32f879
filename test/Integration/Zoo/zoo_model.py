"""One model of the zoo end to end, as a user runs it: built with Debian's
python3-torch and python3-torchvision (random weights, BatchNorm statistics
from train-mode passes: bench/zoo.py), exported to ONNX at opsets 9, 13 and
17, imported; the float model must match PyTorch within 1e-4 relative at
every opset, and the model exported at opset 13, calibrated, quantized and
run in int8, must reach the SQNR bound given.

usage: zoo_model.py NAME SQNR_BOUND_DB WORKDIR
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
import zoo  # noqa: E402

import onnx  # noqa: E402

from qmlir import onnx_import, tools  # noqa: E402

SIZE = 64  # images: the convolutions and their shapes, not the pixels, are the test


def build(name):
    if name == "transformer_encoder":
        return zoo.transformer_encoder(layers=2, width=64, tokens=16)
    return zoo.zoo_model(name, SIZE)


def main():
    name, bound, work = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    os.makedirs(work, exist_ok=True)
    torch, _ = zoo.torch_modules()
    model, shape = build(name)
    rng = np.random.default_rng(0)
    calib = rng.normal(0, 1, (8,) + shape).astype(np.float32)
    test = rng.normal(0, 1, (4,) + shape).astype(np.float32)
    with torch.no_grad():
        want = np.stack([model(torch.from_numpy(s)).numpy() for s in test]).astype(np.float64)
    for opset in (9, 13, 17):
        base = os.path.join(work, "%s.opset%d" % (name, opset))
        zoo.export_onnx(model, shape, base + ".onnx", opset=opset)
        with open(base + ".mlir", "w") as f:
            f.write(onnx_import.import_model(onnx.load(base + ".onnx")))
        got = tools.run(base + ".mlir", test)[0]
        error = np.abs(got - want).max() / np.abs(want).max()
        print("%s opset %d: float matches PyTorch within 1e-4: %s" % (name, opset, error < 1e-4))
    base = os.path.join(work, "%s.opset13" % name)
    tools.calibrate(base + ".mlir", [calib], base + ".json")
    tools.quantize(base + ".mlir", base + ".int8.mlir", stats=base + ".json")
    got = tools.run(base + ".int8.mlir", test)[0]
    e = got - want
    sqnr = 10 * np.log10((want * want).sum() / (e * e).sum())
    print("%s int8: SQNR %.1f dB, at least %.0f dB: %s" % (name, sqnr, bound, sqnr >= bound))


if __name__ == "__main__":
    main()
