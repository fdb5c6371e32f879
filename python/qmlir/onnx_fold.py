"""Constant folding of ONNX shape arithmetic, before import.

Exporters compute shapes at run time (Shape -> Gather -> Concat -> Reshape
in every attention block); with static input shapes all of it is constant.
Nodes whose inputs are all known are evaluated with numpy and become
initializers, and shape inference runs again on what they fed, until
nothing changes. Only the ops below fold; the rest is left to the importer.
"""

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def np_dtype(elem_type):
    # onnx 1.12 (Debian 12) predates onnx.helper.tensor_dtype_to_np_dtype.
    return np.dtype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem_type])


def _axes(node, attrs, inputs, index):
    if len(node.input) > index and node.input[index]:
        return [int(a) for a in inputs[index]]
    return list(attrs.get("axes", []))


def _unsqueeze(node, attrs, x):
    axes = _axes(node, attrs, x, 1)
    rank = x[0].ndim + len(axes)
    out = x[0]
    for a in sorted(d % rank for d in axes):
        out = np.expand_dims(out, a)
    return out


def _squeeze(node, attrs, x):
    axes = _axes(node, attrs, x, 1)
    if not axes:
        return np.squeeze(x[0])
    return np.squeeze(x[0], axis=tuple(d % x[0].ndim for d in axes))


def _slice(node, attrs, x):
    data, starts, ends = x[0], x[1], x[2]
    axes = x[3] if len(x) > 3 and x[3] is not None else range(len(starts))
    steps = x[4] if len(x) > 4 and x[4] is not None else [1] * len(starts)
    index = [slice(None)] * data.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a) % data.ndim] = slice(int(s), int(e), int(st))
    return data[tuple(index)]


def _reshape(node, attrs, x):
    shape = [int(d) for d in x[1]]
    shape = [x[0].shape[i] if d == 0 and not attrs.get("allowzero", 0) else d for i, d in enumerate(shape)]
    return x[0].reshape(shape)


def _divide(a, b):
    if np.issubdtype(a.dtype, np.integer):
        return np.trunc(a / b).astype(a.dtype)  # ONNX integer division truncates
    return (a / b).astype(a.dtype)


FOLD = {
    "Identity": lambda n, a, x: x[0],
    "Cast": lambda n, a, x: x[0].astype(np_dtype(a["to"])),
    "Gather": lambda n, a, x: np.take(x[0], x[1], axis=a.get("axis", 0)),
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Concat": lambda n, a, x: np.concatenate(x, axis=a["axis"]),
    "Slice": _slice,
    "Reshape": _reshape,
    "Add": lambda n, a, x: (x[0] + x[1]).astype(x[0].dtype),
    "Sub": lambda n, a, x: (x[0] - x[1]).astype(x[0].dtype),
    "Mul": lambda n, a, x: (x[0] * x[1]).astype(x[0].dtype),
    "Div": lambda n, a, x: _divide(x[0], x[1]),
    "Equal": lambda n, a, x: np.equal(x[0], x[1]),
    "Less": lambda n, a, x: np.less(x[0], x[1]),
    "Greater": lambda n, a, x: np.greater(x[0], x[1]),
    "Not": lambda n, a, x: np.logical_not(x[0]),
    "Where": lambda n, a, x: np.where(x[0], x[1], x[2]),
    "ConstantOfShape": lambda n, a, x: np.full(
        [int(d) for d in x[0]], numpy_helper.to_array(a["value"])[0] if "value" in a else np.float32(0)),
    "Range": lambda n, a, x: np.arange(x[0], x[1], x[2]).astype(x[0].dtype),
    "Expand": lambda n, a, x: np.broadcast_to(
        x[0], np.broadcast_shapes(x[0].shape, tuple(int(d) for d in x[1]))).copy(),
}


def _static_shapes(model):
    shapes = {}
    for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        t = vi.type.tensor_type
        if t.HasField("shape") and all(d.HasField("dim_value") for d in t.shape.dim):
            shapes[vi.name] = [d.dim_value for d in t.shape.dim]
    return shapes


def fold_constants(model, rounds=8):
    """`model` with its constant shape arithmetic evaluated (see above)."""
    for _ in range(rounds):
        model = shape_inference.infer_shapes(model)
        shapes = _static_shapes(model)
        known = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
        outputs = {o.name for o in model.graph.output}
        kept, folded = [], []
        for node in model.graph.node:
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Constant" and "value" in attrs:
                known[node.output[0]] = numpy_helper.to_array(attrs["value"])
                kept.append(node)
                continue
            result = None
            if node.domain in ("", "ai.onnx") and not outputs.intersection(node.output):
                source = node.input[0] if node.input else ""
                if node.op_type in ("Shape", "Size") and (source in shapes or source in known):
                    shape = np.array(shapes[source] if source in shapes else known[source].shape, np.int64)
                    result = shape[attrs.get("start", 0):attrs.get("end", len(shape))] \
                        if node.op_type == "Shape" else np.array(np.prod(shape), np.int64)
                elif node.op_type in FOLD and all(not i or i in known for i in node.input):
                    try:
                        result = FOLD[node.op_type](node, attrs, [known[i] if i else None for i in node.input])
                    except (ValueError, IndexError, KeyError, TypeError):
                        result = None  # left to the importer, which names the problem
            if result is None:
                kept.append(node)
                continue
            known[node.output[0]] = np.asarray(result)
            folded.append(numpy_helper.from_array(np.asarray(result), node.output[0]))
        if not folded:
            return model
        graph = model.graph
        del graph.node[:]
        graph.node.extend(kept)
        graph.initializer.extend(folded)
        # Stale inferred shapes of folded values would contradict the constants.
        names = {t.name for t in folded}
        stale = [vi for vi in graph.value_info if vi.name in names]
        for vi in stale:
            graph.value_info.remove(vi)
    return shape_inference.infer_shapes(model)
