"""ONNX node conformance: imports each supported ONNX node test from
libonnx-testdata, runs it with quant-run and compares with the expected
outputs (exactly for integers). Prints a pass count per op.

Quantization parameters (and BatchNormalization's statistics) that the
tests feed as graph inputs are made initializers first: qnn expresses static
quantization, and exported models carry them as initializers.
"""

import glob
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

from qmlir import tools
from qmlir.onnx_import import OnnxImportError
from qmlir.onnx_import import import_model

DATA = "/usr/share/libonnx-testdata/data/node"

# Inputs that hold quantization parameters, by op.
PARAMS = {
    "QuantizeLinear": [1, 2], "DequantizeLinear": [1, 2],
    "QLinearMatMul": [1, 2, 4, 5, 6, 7], "QLinearConv": [1, 2, 4, 5, 6, 7, 8],
    "MatMulInteger": [2, 3], "ConvInteger": [2, 3],
    # Inference BatchNormalization: scale, bias, mean and variance.
    "BatchNormalization": [1, 2, 3, 4],
    # Slice's starts, ends, axes and steps; the axes of opset-13 reductions.
    "Slice": [1, 2, 3, 4], "ReduceSum": [1], "Split": [1], "Pad": [1, 2],
    "Resize": [1, 2, 3],
    # Exported transposed convolutions carry their weights as initializers.
    "ConvTranspose": [1, 2],
}
QUANTIZATION_OPS = {"QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "QLinearConv", "MatMulInteger",
                    "ConvInteger", "DynamicQuantizeLinear"}
FLOAT_OPS = ["Conv", "Gemm", "MatMul", "Add", "Mul", "Relu", "Clip", "MaxPool", "AveragePool",
             "GlobalAveragePool", "Flatten", "Reshape", "Transpose", "Concat", "BatchNormalization",
             "Softmax", "Sigmoid", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Tanh", "Reciprocal",
             "LeakyRelu", "HardSigmoid", "HardSwish", "Pow", "ReduceMean", "ReduceSum", "ReduceMax",
             "ReduceMin", "Slice", "Squeeze", "Unsqueeze", "LogSoftmax", "PRelu", "Elu", "Softplus",
             "Split", "Pad", "Resize", "ConvTranspose", "LayerNormalization"]


def load(test):
    path = os.path.join(DATA, test)
    model = onnx.load(os.path.join(path, "model.onnx"))
    ins = [numpy_helper.to_array(onnx.load_tensor(f))
           for f in sorted(glob.glob(os.path.join(path, "test_data_set_0", "input_*.pb")))]
    outs = [numpy_helper.to_array(onnx.load_tensor(f))
            for f in sorted(glob.glob(os.path.join(path, "test_data_set_0", "output_*.pb")))]
    return model, ins, outs


def freeze_params(model, inputs):
    """Turns parameter inputs into initializers; returns the data inputs."""
    node = model.graph.node[0]
    params = {node.input[i] for i in PARAMS.get(node.op_type, []) if i < len(node.input) and node.input[i]}
    data = []
    graph_inputs = list(model.graph.input)
    del model.graph.input[:]
    for vi, value in zip(graph_inputs, inputs):
        if vi.name in params:
            model.graph.initializer.append(numpy_helper.from_array(value, vi.name))
            # Before IR version 4 every initializer is also a graph input.
            if model.ir_version < 4:
                model.graph.input.append(vi)
        else:
            model.graph.input.append(vi)
            data.append(value)
    return data


def run_test(test, work):
    model, ins, outs = load(test)
    data = freeze_params(model, ins)
    text = import_model(model)
    path = os.path.join(work, test + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    got = tools.run(path, *data)
    for g, want in zip(got, outs):
        if g.shape != want.shape:
            return "shape %s, expected %s" % (g.shape, want.shape)
        if want.dtype.kind in "iub":
            if g.dtype != want.dtype or not np.array_equal(g, want):
                return "values differ (%s vs %s)" % (g.dtype, want.dtype)
        elif not np.allclose(g, want, rtol=1e-4, atol=1e-5, equal_nan=True):
            return "values differ by up to %g" % np.abs(g.astype(np.float64) - want).max()
    return None


def tests_by_op():
    by_op = {}
    for test in sorted(os.listdir(DATA)):
        try:
            model = onnx.load(os.path.join(DATA, test, "model.onnx"))
        except Exception:  # noqa: BLE001 - not a loadable test
            continue
        ops = [n.op_type for n in model.graph.node if n.op_type != "Constant"]
        if len(ops) == 1:
            by_op.setdefault(ops[0], []).append(test)
        elif test.startswith("test_dynamicquantizelinear") and test.endswith("_expanded"):
            # The function body of DynamicQuantizeLinear, node by node.
            by_op.setdefault("DynamicQuantizeLinear", []).append(test)
    return by_op


def main(ops):
    by_op = tests_by_op()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for op in ops:
            passed = 0
            for test in by_op.get(op, []):
                try:
                    problem = run_test(test, work)
                except (OnnxImportError, tools.ToolError) as e:
                    problem = str(e).splitlines()[0]
                if problem:
                    failures.append((op, test, problem))
                else:
                    passed += 1
            print("%-22s %2d / %2d" % (op, passed, len(by_op.get(op, []))))
    for op, test, problem in failures:
        print("  %s: %s" % (test, problem))
    return failures


if __name__ == "__main__":
    failed = main(sys.argv[1:] or sorted(QUANTIZATION_OPS) + FLOAT_OPS)
    sys.exit(1 if any(op in QUANTIZATION_OPS for op, _, _ in failed) else 0)
