"""qmlir: quantization of neural networks with MLIR.

The package drives qmlir's tools (quant-opt, quant-run, quant-calibrate),
imports ONNX models (onnx_import), and holds an independent numpy reference
of the qnn dialect's arithmetic (reference).

    import qmlir
    result = qmlir.quantize("model.onnx", [calibration_samples])
    logits = result.run(test_samples)[0]
    errors = qmlir.report("model.onnx", [samples])  # per-tensor error (docs/Report.md)
"""

from .api import QuantizedModel, quantize  # noqa: F401
from .report import report  # noqa: F401
