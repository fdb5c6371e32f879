// x + 2, then times an all-ones constant (an exported LayerNorm at
// initialization): canonicalization makes both observed tensors one value.
#id = affine_map<(d0, d1) -> (d0, d1)>
#ch = affine_map<(d0, d1) -> (d1)>
func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %two = arith.constant dense<2.0> : tensor<1x4xf32>
  %e = tensor.empty() : tensor<1x4xf32>
  %a = linalg.add ins(%arg0, %two : tensor<1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32> loc("a")
  %e2 = tensor.empty() : tensor<1x4xf32>
  %m = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %one : tensor<1x4xf32>, tensor<4xf32>) outs(%e2 : tensor<1x4xf32>) {
  ^bb0(%x: f32, %w: f32, %o: f32):
    %r = arith.mulf %x, %w : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32> loc("m")
  return %m : tensor<1x4xf32>
}
