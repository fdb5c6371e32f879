"""One call from a float model to a compiled int8 one."""

import os
import tempfile
from dataclasses import dataclass, field

import numpy as np
import onnx

from . import onnx_import, tools


@dataclass
class QuantizedModel:
    """The result of quantize(): file paths of each stage and a summary of
    int8 against float on the calibration data."""
    float_model: str
    stats: str
    int8_model: str
    compiled: str
    summary: dict = field(default_factory=dict)

    def run(self, *inputs):
        """Runs the compiled int8 model on arrays (samples along axis 0)."""
        return tools.run(self.compiled, *inputs)


def quantize(model, calibration_data, method=None, target="host", workdir=None, **options):
    """Calibrates `model` (an ONNX file or ModelProto, or an MLIR file) on
    `calibration_data` (one array per input, samples along axis 0), quantizes
    it and compiles it for `target` ("host": the JIT-lowered LLVM dialect).
    Options are qnn-quantize-pipeline's (activation_type="u8", ...)."""
    if target != "host":
        raise ValueError("target %r: quantize() compiles for the JIT on this host; quant-compile "
                         "builds x86_64 and aarch64 objects and executables" % target)
    work = workdir or tempfile.mkdtemp(prefix="qmlir-")
    if isinstance(model, onnx.ModelProto) or str(model).endswith(".onnx"):
        proto = model if isinstance(model, onnx.ModelProto) else onnx.load(model)
        path = os.path.join(work, "model.mlir")
        with open(path, "w") as f:
            f.write(onnx_import.import_model(proto))
        model = path
    data = [np.asarray(d) for d in calibration_data]
    result = QuantizedModel(model, os.path.join(work, "stats.json"), os.path.join(work, "model.int8.mlir"),
                            os.path.join(work, "model.int8.llvm.mlir"))
    tools.calibrate(model, data, result.stats, method=method)
    tools.quantize(model, result.int8_model, stats=result.stats, **options)
    tools.call([tools.tool("quant-opt"), result.int8_model, "--qnn-lower-to-llvm", "-o", result.compiled])
    want = tools.run(model, *data)
    got = result.run(*data)
    result.summary = {
        "samples": len(data[0]),
        "max_abs_error": [float(np.abs(g.astype(np.float64) - w).max()) for g, w in zip(got, want)],
        "relative_error": [float(np.abs(g.astype(np.float64) - w).mean() / max(np.abs(w).mean(), 1e-12))
                           for g, w in zip(got, want)],
    }
    return result
