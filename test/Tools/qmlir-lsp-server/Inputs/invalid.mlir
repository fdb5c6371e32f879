func.func @g(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:200>> {
  %y = qnn.requantize %x rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25:200>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25:200>>
}
