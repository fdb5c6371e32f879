"""A float MLP in linalg for quant-report's tests: layer i is a matmul
loc("fc<i>"), a bias add loc("fc<i>.bias") and, if asked, a ReLU
loc("relu<i>")."""

from qmlir.mlir_text import dense

_HEAD = """#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<1xKxf32>) -> tensor<1xNxf32> {
  %zero = arith.constant 0.0 : f32
"""

_LAYER = """  %wI = arith.constant W : tensor<KxNxf32>
  %bI = arith.constant B : tensor<Nxf32>
  %eI = tensor.empty() : tensor<1xNxf32>
  %zI = linalg.fill ins(%zero : f32) outs(%eI : tensor<1xNxf32>) -> tensor<1xNxf32>
  %mI = linalg.matmul ins(IN, %wI : tensor<1xKxf32>, tensor<KxNxf32>) outs(%zI : tensor<1xNxf32>) -> tensor<1xNxf32> loc("fcI")
  %hI = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%mI, %bI : tensor<1xNxf32>, tensor<Nxf32>) outs(%eI : tensor<1xNxf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<1xNxf32> loc("fcI.bias")
"""

_RELU = """  %rI = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%hI : tensor<1xNxf32>) outs(%eI : tensor<1xNxf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1xNxf32> loc("reluI")
"""


def mlp(layers):
    """MLIR text of the MLP with `layers`: (weights [K, N], bias [N], relu)."""
    k0, n_last = layers[0][0].shape[0], layers[-1][0].shape[1]
    text = _HEAD.replace("1xKxf32", "1x%dxf32" % k0).replace("1xNxf32", "1x%dxf32" % n_last)
    value = "%x"
    for i, (w, b, relu) in enumerate(layers, 1):
        k, n = w.shape
        part = _LAYER + (_RELU if relu else "")
        part = part.replace("W :", dense(w, "f32") + " :").replace("B :", dense(b, "f32") + " :")
        part = part.replace("IN", value).replace("K", str(k)).replace("N", str(n)).replace("I", str(i))
        text += part
        value = ("%%r%d" if relu else "%%h%d") % i
    return text + "  return %s : tensor<1x%dxf32>\n}\n" % (value, n_last)
