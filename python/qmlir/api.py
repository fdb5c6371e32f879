"""One call from a float model to a compiled int8 one."""

import os
import shutil
import sys
import tempfile
import warnings
import weakref
from dataclasses import dataclass, field

import numpy as np

from . import tools


@dataclass
class QuantizedModel:
    """The result of quantize(): file paths of each stage, the remarks of the
    ops kept in float, and a summary of int8 against float on the
    calibration data."""
    float_model: str
    stats: str
    int8_model: str
    compiled: str
    entry: str = "main"
    kept_in_float: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    def run(self, *inputs):
        """Runs the compiled int8 model on arrays (samples along axis 0)."""
        return tools.run(self.compiled, *inputs, entry=self.entry)


def _stack(samples, names):
    """Samples (an array, a tuple of arrays or a dict by input name each)
    stacked into one array per input."""
    columns = None
    for sample in samples:
        if isinstance(sample, dict):
            if names is None:
                raise ValueError("calibration samples given as dicts need an ONNX model (its input names)")
            if set(sample) != set(names):
                raise ValueError("a calibration sample has inputs %s; the model's are %s"
                                 % (sorted(sample), list(names)))
            sample = [sample[n] for n in names]
        elif not isinstance(sample, (list, tuple)):
            sample = [sample]
        if columns is None:
            columns = [[] for _ in sample]
        if len(sample) != len(columns):
            raise ValueError("calibration samples differ in their number of inputs")
        for column, value in zip(columns, sample):
            column.append(np.asarray(value))
    if columns is None:
        raise ValueError("the calibration data holds no samples")
    return [np.stack(column) for column in columns]


def calibration_arrays(data, names):
    """One array per input, samples along axis 0, from what users pass:
    one array (one input), a list or tuple of arrays (one per input), or any
    other iterable (a generator, say) of samples, as TFLite's
    representative_dataset yields them, or an object with get_next() (ONNX
    Runtime's CalibrationDataReader)."""
    if hasattr(data, "get_next"):  # an ONNX Runtime CalibrationDataReader
        data = iter(data.get_next, None)
    if isinstance(data, np.ndarray):
        arrays = [data]
    elif isinstance(data, (list, tuple)) and all(isinstance(d, np.ndarray) for d in data):
        arrays = list(data)
    else:
        arrays = _stack(data, names)
    for i, a in enumerate(arrays):
        if a.dtype == np.float64:
            warnings.warn("calibration input %d is float64 (numpy's default); using it as float32" % i,
                          stacklevel=3)
            arrays[i] = a.astype(np.float32)
    return arrays


def float_model(model, work, input_shapes=None):
    """The MLIR file of `model` (an ONNX file or ModelProto, imported into
    `work`, or an MLIR file) and the names of its inputs (None for MLIR)."""
    if isinstance(model, (str, os.PathLike)) and not str(model).endswith(".onnx"):
        return str(model), None
    import onnx  # only ONNX models need it

    from . import onnx_import
    proto = model if isinstance(model, onnx.ModelProto) else onnx.load(model)
    initializers = {t.name for t in proto.graph.initializer}
    names = [i.name for i in proto.graph.input if i.name not in initializers]
    path = os.path.join(work, "model.mlir")
    with open(path, "w") as f:
        f.write(onnx_import.import_model(proto, input_shapes))
    return path, names


def quantize(model, calibration_data, method=None, target="host", workdir=None, entry="main",
             progress=None, input_shapes=None, **options):
    """Calibrates `model` (an ONNX file or ModelProto, or an MLIR file) on
    `calibration_data`, quantizes it and compiles it for `target` ("host":
    the JIT-lowered LLVM dialect).

    `calibration_data` is one array (one input), a list of arrays (one per
    input, samples along axis 0), or an iterable of samples, each an array,
    a tuple of arrays, or (ONNX models) a dict by input name. `entry` names
    the function of an MLIR model; `progress` shows calibration progress
    (default: when stderr is a terminal); `input_shapes` (name -> dims)
    fixes symbolic dimensions of ONNX inputs. Other options are
    qnn-quantize-pipeline's (activation_type="u8", skip=["conv1"], ...).

    Files go to `workdir`, or to a temporary directory removed with the
    result."""
    if target != "host":
        raise ValueError("target %r: quantize() compiles for the JIT on this host; quant-compile "
                         "builds x86_64 and aarch64 objects and executables" % target)
    work = workdir or tempfile.mkdtemp(prefix="qmlir-")
    try:
        model, names = float_model(model, work, input_shapes)
        data = calibration_arrays(calibration_data, names)
        result = QuantizedModel(str(model), os.path.join(work, "stats.json"),
                                os.path.join(work, "model.int8.mlir"),
                                os.path.join(work, "model.int8.llvm.mlir"), entry=entry)
        if progress is None:
            progress = sys.stderr.isatty()
        tools.calibrate(result.float_model, data, result.stats, method=method,
                        progress="bar" if progress else "none", entry=entry)
        result.kept_in_float = tools.quantize(result.float_model, result.int8_model,
                                              stats=result.stats, **options)
        tools.call([tools.tool("quant-opt"), result.int8_model,
                    "--qnn-lower-to-llvm=entry=" + entry, "-o", result.compiled])
        want = tools.run(result.float_model, *data, entry=entry)
        got = result.run(*data)
    except BaseException:
        if not workdir:
            shutil.rmtree(work, ignore_errors=True)
        raise
    if not workdir:
        weakref.finalize(result, shutil.rmtree, work, True)
    result.summary = {
        "samples": len(data[0]),
        "max_abs_error": [float(np.abs(g.astype(np.float64) - w).max()) for g, w in zip(got, want)],
        "relative_error": [float(np.abs(g.astype(np.float64) - w).mean() / max(np.abs(w).mean(), 1e-12))
                           for g, w in zip(got, want)],
    }
    return result
