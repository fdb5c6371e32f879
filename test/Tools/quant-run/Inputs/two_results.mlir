func.func @main(%a: tensor<3xi32>, %b: tensor<3xi32>) -> (tensor<3xi32>, tensor<3xi32>) {
  %s = arith.addi %a, %b : tensor<3xi32>
  %d = arith.subi %a, %b : tensor<3xi32>
  return %s, %d : tensor<3xi32>, tensor<3xi32>
}
func.func @dynamic(%a: tensor<?xi32>) -> tensor<?xi32> {
  return %a : tensor<?xi32>
}
