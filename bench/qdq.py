"""A QDQ int8 ONNX model for ONNX Runtime, in the form ORT's own static
quantizer writes (its Python tools are not packaged for Debian): activations
u8 asymmetric per tensor from min-max ranges, weights of Conv, Gemm and
MatMul i8 symmetric per output channel, biases i32 at input scale x weight
scale, a QuantizeLinear/DequantizeLinear pair on every float activation, and
a Relu or Clip after a Conv, Gemm, MatMul or Add folded into its producer's
output range (ORT's removable activations). The ranges come from the stats
file quant-calibrate wrote for the same model and calibration data, so both
sides quantize from the same statistics."""
import json

import numpy as np
import onnx
from onnx import helper, numpy_helper

WEIGHT_OPS = {"Conv": 0, "Gemm": 0, "MatMul": 1}  # op -> output-channel axis of input 1
FOLDABLE = {"Conv", "Gemm", "MatMul", "Add"}


def write_qdq(onnx_path, stats_path, out_path):
    model = onnx.load(onnx_path)
    g = model.graph
    tensors = json.load(open(stats_path))["tensors"]
    # The importer names an ONNX output's final value after the tensor, or
    # "<name>.bias" when a Conv or Gemm adds its bias as a second op.
    ranges = {}
    for name, s in tensors.items():
        base = name[:-len(".bias")] if name.endswith(".bias") else name
        if name.endswith(".bias") or base not in ranges:
            ranges[base] = (s["min"], s["max"])
    ranges[g.input[0].name] = ranges.pop("main.arg0")
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    producer = {o: n for n in g.node for o in n.output}
    # Relu/Clip removed: its input carries its output's range.
    alias, removed = {}, set()
    for n in g.node:
        src = n.input[0] if n.input else None
        if (n.op_type in ("Relu", "Clip") and src in producer
                and producer[src].op_type in FOLDABLE and len(consumers[src]) == 1
                and n.output[0] in ranges):
            alias[n.output[0]] = src
            ranges[src] = ranges[n.output[0]]
            removed.add(id(n))
    new_inits, nodes, dq = [], [], {}

    def const(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(t):
        """Q and DQ of activation t, emitted once, right after its producer."""
        lo, hi = min(ranges[t][0], 0.0), max(ranges[t][1], 0.0)
        scale = np.float32((hi - lo) / 255 if hi > lo else 1.0)
        zp = np.uint8(np.clip(round(-lo / scale), 0, 255))
        s, z = const(t + "_scale", scale), const(t + "_zp", zp)
        nodes.append(helper.make_node("QuantizeLinear", [t, s, z], [t + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [t + "_q", s, z], [t + "_dq"]))
        dq[t] = (t + "_dq", float(scale))

    def weight(name, axis):
        w = inits[name]
        ch = w.shape[axis]
        amax = np.abs(np.moveaxis(w, axis, 0).reshape(ch, -1)).max(axis=1)
        scale = np.where(amax > 0, amax / 127, 1.0).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = ch
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        s = const(name + "_scale", scale)
        z = const(name + "_zp", np.zeros(ch, np.int8))
        nodes.append(helper.make_node("DequantizeLinear", [const(name + "_q", q), s, z],
                                      [name + "_dq"], axis=axis))
        return name + "_dq", scale

    for t in [g.input[0].name]:
        qdq(t)
    for n in g.node:
        if id(n) in removed:
            continue
        ins = [alias.get(i, i) for i in n.input]
        wscale = None
        if n.op_type in WEIGHT_OPS and len(ins) > 1 and ins[1] in inits and ins[0] in dq:
            axis = WEIGHT_OPS[n.op_type]
            if n.op_type == "Gemm" and not any(a.name == "transB" and a.i for a in n.attribute):
                axis = 1
            ins[1], wscale = weight(ins[1], axis)
            if len(ins) > 2 and ins[2] in inits:
                b = inits[ins[2]]
                bscale = (dq[ins[0]][1] * wscale).astype(np.float32)
                qb = np.round(b / bscale).astype(np.int32)
                bn = ins[2]
                nodes.append(helper.make_node(
                    "DequantizeLinear", [const(bn + "_q", qb), const(bn + "_scale", bscale),
                                         const(bn + "_zp", np.zeros(len(qb), np.int32))],
                    [bn + "_dq"], axis=0))
                ins[2] = bn + "_dq"
        ins = [dq[i][0] if i in dq else i for i in ins]
        nodes.append(helper.make_node(n.op_type, ins, list(n.output), name=n.name,
                                      domain=n.domain))
        nodes[-1].attribute.extend(n.attribute)
        for o in n.output:
            if o in ranges and o not in alias:
                qdq(o)
    for o in g.output:
        name = alias.get(o.name, o.name)
        if name in dq:
            nodes.append(helper.make_node("Identity", [dq[name][0]], [o.name + "_out"]))
            o.name = o.name + "_out"
    used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
