// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnn-quantize-pipeline | FileCheck %s

// A product with an activation read through a broadcast (squeeze-and-
// excitation's per-channel gate): the gate is broadcast on its stored
// integers through the float op's own map, then multiplied with qnn.mul,
// whose operands have one shape. Types from QAT fake_quants.

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>

// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func.func @excite
// CHECK: %[[X:.*]] = quant.qcast %arg0 : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: %[[G:.*]] = quant.qcast %arg1 : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: %[[S:.*]] = quant.scast %[[G]] : tensor<1x2x1x1x!quant.uniform<u8:f32, 3.906250e-03>> to tensor<1x2x1x1xi8>
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[BC]], #{{.*}}], {{.*}} ins(%[[S]] : tensor<1x2x1x1xi8>) outs(%{{.*}} : tensor<1x2x3x3xi8>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: linalg.yield %[[IN]] : i8
// CHECK: %[[W:.*]] = quant.scast %[[B]] : tensor<1x2x3x3xi8> to tensor<1x2x3x3x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: qnn.mul %[[X]], %[[W]] : (tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<1x2x3x3x!quant.uniform<u8:f32, 3.906250e-03>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NOT: arith.mulf
func.func @excite(%x: tensor<1x2x3x3xf32>, %g: tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32> {
  %qx = qnn.fake_quant %x {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<1x2x3x3xf32>
  %qg = qnn.fake_quant %g {qtype = !quant.uniform<u8:f32, 0.00390625>} : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %m = linalg.generic {indexing_maps = [#bc, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%qg, %qx : tensor<1x2x1x1xf32>, tensor<1x2x3x3xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %y = qnn.fake_quant %m {qtype = !quant.uniform<i8:f32, 0.25>} : tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A map that reads a non-unit dimension at a constant index is not a
// broadcast: the op stays in float.

#id = affine_map<(d0, d1) -> (d0, d1)>
#fixed = affine_map<(d0, d1) -> (d0, 1)>

// CHECK-LABEL: func.func @not_broadcast
// CHECK: arith.mulf
func.func @not_broadcast(%x: tensor<2x3xf32>, %g: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %qx = qnn.fake_quant %x {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<2x3xf32>
  %qg = qnn.fake_quant %g {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  // expected-remark@+1 {{kept in float: linalg.generic has no quantized form: it reads an operand through an affine map that is not a broadcast}}
  %m = linalg.generic {indexing_maps = [#id, #fixed, #id], iterator_types = ["parallel", "parallel"]}
      ins(%qx, %qg : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = qnn.fake_quant %m {qtype = !quant.uniform<i8:f32, 0.25>} : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
