// f32 -> f16 -> f64 (doubled) -> f32: every float type a probe can see.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf16>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf16>) {
  ^bb0(%a: f32, %o: f16):
    %t = arith.truncf %a : f32 to f16
    linalg.yield %t : f16
  } -> tensor<1x4xf16> loc("half")
  %e2 = tensor.empty() : tensor<1x4xf64>
  %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<1x4xf16>) outs(%e2 : tensor<1x4xf64>) {
  ^bb0(%a: f16, %o: f64):
    %t = arith.extf %a : f16 to f64
    %s = arith.addf %t, %t : f64
    linalg.yield %s : f64
  } -> tensor<1x4xf64> loc("double")
  %e3 = tensor.empty() : tensor<1x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<1x4xf64>) outs(%e3 : tensor<1x4xf32>) {
  ^bb0(%a: f64, %o: f32):
    %t = arith.truncf %a : f64 to f32
    linalg.yield %t : f32
  } -> tensor<1x4xf32> loc("single")
  return %y : tensor<1x4xf32>
}
