// Element types at the boundary: f16, i64, i16 (f32, i8, u8, i32 elsewhere).
func.func @main(%a: tensor<3xf16>, %b: tensor<3xi64>, %c: tensor<3xi16>) -> (tensor<3xf16>, tensor<3xi64>, tensor<3xi16>) {
  %s = arith.addf %a, %a : tensor<3xf16>
  %t = arith.addi %b, %b : tensor<3xi64>
  %u = arith.addi %c, %c : tensor<3xi16>
  return %s, %t, %u : tensor<3xf16>, tensor<3xi64>, tensor<3xi16>
}
