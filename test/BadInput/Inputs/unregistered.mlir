func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  %b = "mystery.op"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}
