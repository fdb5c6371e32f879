"""Run by pip-install.test with the installed package, outside the source
tree: where qmlir comes from, whether onnx was loaded, and quantize() on a
generator of float64 samples."""
import gc
import os
import sys
import warnings

import numpy as np

import qmlir

print("package:", qmlir.__file__)
print("onnx loaded:", "onnx" in sys.modules)


def samples():
    rng = np.random.default_rng(0)
    for _ in range(20):
        yield rng.random((1, 64))  # float64, numpy's default


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = qmlir.quantize(sys.argv[1], samples())
print("warning:", caught[0].message)
print("samples:", result.summary["samples"])
print("relative error below 5%:", result.summary["relative_error"][0] < 0.05)
print("kept in float:", result.kept_in_float)
work = os.path.dirname(result.stats)
del result
gc.collect()
print("work directory removed:", not os.path.exists(work))
