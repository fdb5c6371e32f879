"""Bias correction end to end: a convolution and a depthwise convolution
with per-tensor weights (so that their quantization error has a large mean
per channel), in NCHW (ONNX, imported) and NHWC (linalg) form. On the
calibration data, qnn-quantize's bias-correction must bring each output
channel's mean error close to zero.

usage: bias_correction.py WORKDIR
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qmlir import onnx_import, tools
from qmlir.mlir_text import dense

rng = np.random.default_rng(11)
W1 = rng.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float32)  # FCHW
B1 = rng.normal(0, 0.1, 8).astype(np.float32)
W2 = (rng.normal(0, 0.3, (8, 1, 3, 3)) * rng.uniform(0.05, 1, (8, 1, 1, 1))).astype(np.float32)
B2 = rng.normal(0, 0.1, 8).astype(np.float32)


def nchw_onnx():
    init = [numpy_helper.from_array(a, n) for n, a in (("w1", W1), ("b1", B1), ("w2", W2), ("b2", B2))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv"),
             helper.make_node("Conv", ["c1", "w2", "b2"], ["y"], group=8, name="depthwise")]
    graph = helper.make_graph(nodes, "bc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 4, 4])], init)
    return onnx_import.import_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]))


NHWC = """
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @main(%x: tensor<1x8x8x3xf32>) -> tensor<1x4x4x8xf32> {
  %w1 = arith.constant W1 : tensor<3x3x3x8xf32>
  %b1 = arith.constant B1 : tensor<8xf32>
  %w2 = arith.constant W2 : tensor<3x3x8xf32>
  %b2 = arith.constant B2 : tensor<8xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x6x6x8xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %c1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x8x8x3xf32>, tensor<3x3x3x8xf32>) outs(%z1 : tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32> loc("conv")
  %h1 = linalg.generic {indexing_maps = [#map, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1, %b1 : tensor<1x6x6x8xf32>, tensor<8xf32>) outs(%e1 : tensor<1x6x6x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x8xf32> loc("conv.bias")
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%h1, %w2 : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%z2 : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> loc("depthwise")
  %y = linalg.generic {indexing_maps = [#map, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c2, %b2 : tensor<1x4x4x8xf32>, tensor<8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32> loc("depthwise.bias")
  return %y : tensor<1x4x4x8xf32>
}
"""


def nhwc_linalg():
    text = NHWC
    for name, value in (("W1", W1.transpose(2, 3, 1, 0)), ("B1", B1), ("W2", W2[:, 0].transpose(1, 2, 0)),
                        ("B2", B2)):
        text = text.replace(" %s :" % name, " %s :" % dense(value, "f32"))
    return text


def channel_mean_error(want, got, axis):
    """Mean over output channels of |the channel's mean error|."""
    e = got.astype(np.float64) - want
    return float(np.abs(e.mean(axis=tuple(a for a in range(e.ndim) if a != axis))).mean())


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    # Channels of different means, so that a channel mix-up shows.
    x = (rng.normal(0, 1, (256, 1, 3, 8, 8)) + np.array([0.5, -1.0, 2.0]).reshape(3, 1, 1)).astype(np.float32)
    for name, text, data, axis in (("nchw", nchw_onnx(), x, 2), ("nhwc", nhwc_linalg(), x.transpose(0, 1, 3, 4, 2), 4)):
        path = os.path.join(work, name + ".mlir")
        with open(path, "w") as f:
            f.write(text)
        stats = os.path.join(work, name + ".json")
        tools.calibrate(path, [data], stats)
        want = tools.run(path, data)[0]
        errors = []
        for corrected in (False, True):
            q = os.path.join(work, name + ".int8.mlir")
            tools.quantize(path, q, stats=stats, weight_granularity="per-tensor", bias_correction=corrected)
            errors.append(channel_mean_error(want, tools.run(q, data)[0], axis))
        print("%s: mean |channel mean error| %.5f -> %.5f, below a fifth: %s"
              % (name, errors[0], errors[1], errors[1] < errors[0] / 5))


if __name__ == "__main__":
    main()
