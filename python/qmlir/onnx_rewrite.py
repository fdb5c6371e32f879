"""Graph rewrites before import: what the importer supports, reached from
the forms exporters write.

1-D convolution, transposed convolution and pooling (audio and sequence
models) become their 2-D forms on a height of 1: Unsqueeze the input (and
the weights) at axis 2, widen the attributes, Squeeze the result. The
importer, the quantizer and the int8 kernels then see an ordinary 2-D op.
"""

import numpy as np
from onnx import helper, numpy_helper

SPATIAL_OPS = ("Conv", "ConvTranspose", "MaxPool", "AveragePool")


def _rank(model, name):
    for vi in list(model.graph.input) + list(model.graph.value_info):
        if vi.name == name and vi.type.tensor_type.HasField("shape"):
            return len(vi.type.tensor_type.shape.dim)
    for init in model.graph.initializer:
        if init.name == name:
            return len(init.dims)
    return None


def _widen(attrs):
    """1-D attributes as 2-D ones with a unit height."""
    out = []
    for a in attrs:
        value = helper.get_attribute_value(a)
        if a.name in ("kernel_shape", "strides", "dilations", "output_padding"):
            out.append(helper.make_attribute(a.name, [1] + list(value)))
        elif a.name == "output_shape":
            out.append(helper.make_attribute(a.name, [1] + list(value)[-1:]))
        elif a.name == "pads":
            out.append(helper.make_attribute(a.name, [0, value[0], 0, value[1]]))
        else:
            out.append(a)
    return out


def conv_1d_as_2d(model):
    """`model` (shapes inferred) with 1-D Conv/ConvTranspose/MaxPool/AveragePool
    as 2-D."""
    graph = model.graph
    axes = graph.name + ".unit_height_axis"
    nodes, changed = [], False
    for node in graph.node:
        if node.op_type not in SPATIAL_OPS or node.domain not in ("", "ai.onnx") \
                or _rank(model, node.input[0]) != 3:
            nodes.append(node)
            continue
        changed = True
        inputs = list(node.input)
        lifted = [0, 1] if node.op_type in ("Conv", "ConvTranspose") else [0]
        for i in lifted:
            name = "%s.2d" % inputs[i]
            nodes.append(helper.make_node("Unsqueeze", [inputs[i], axes], [name]))
            inputs[i] = name
        outputs = ["%s.2d" % o if o else "" for o in node.output]
        wide = helper.make_node(node.op_type, inputs, outputs, name=node.name)
        wide.attribute.extend(_widen(node.attribute))
        nodes.append(wide)
        for o, w in zip(node.output, outputs):
            if o:
                nodes.append(helper.make_node("Squeeze", [w, axes], [o]))
    if not changed:
        return model
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.append(numpy_helper.from_array(np.array([2], np.int64), axes))
    return model
