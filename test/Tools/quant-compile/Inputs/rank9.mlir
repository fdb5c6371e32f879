// A rank-9 argument and result: more dimensions than any fixed-size header table held.
func.func @main(%x: tensor<1x2x1x1x1x1x1x2x3xf32>) -> tensor<1x2x1x1x1x1x1x2x3xf32> {
  %e = tensor.empty() : tensor<1x2x1x1x1x1x1x2x3xf32>
  %y = linalg.add ins(%x, %x : tensor<1x2x1x1x1x1x1x2x3xf32>, tensor<1x2x1x1x1x1x1x2x3xf32>) outs(%e : tensor<1x2x1x1x1x1x1x2x3xf32>) -> tensor<1x2x1x1x1x1x1x2x3xf32>
  return %y : tensor<1x2x1x1x1x1x1x2x3xf32>
}
