func.func @main(%a: tensor<*xf32>) -> tensor<4xf32> {
  %b = tensor.cast %a : tensor<*xf32> to tensor<4xf32>
  return %b : tensor<4xf32>
}
