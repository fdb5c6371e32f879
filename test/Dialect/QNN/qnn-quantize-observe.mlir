// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json observe=true" -mlir-print-debuginfo -mlir-print-local-scope 2>/dev/null | FileCheck %s
// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json" -mlir-print-debuginfo -mlir-print-local-scope 2>/dev/null | FileCheck %s --check-prefix=PLAIN

// With `observe`, every tensor observed before quantization is observed
// after it under the same id: on its quantized twin (the exp computed in
// float as int8 ops read it), or on the float value when it has no twin (the
// argument). The values folded into a qnn op (the matmul's output before its
// bias and ReLU) have no twin of their own and are not observed. Each qnn op
// has the fused location of the float ops it replaced.

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = qnn.observe %arg0 id = "main.arg0" : tensor<1x4xf32>
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[X]]
// CHECK: %[[Q:.*]] = quant.qcast %[[EXP]] {{.*}} loc("exp")
// CHECK: qnn.observe %[[Q]] id = "exp" : tensor<1x4x!quant.uniform
// CHECK: %[[MM:.*]] = qnn.matmul %[[Q]], {{.*}} loc(fused["fc", "fc.bias", "relu"])
// CHECK-NOT: id = "fc"
// CHECK: qnn.observe %[[MM]] id = "relu" : tensor<1x3x!quant.uniform
// CHECK: %[[ADD:.*]] = qnn.add %[[MM]], %[[MM]] {{.*}} loc("add")
// CHECK: %[[D:.*]] = quant.dcast %[[ADD]]
// CHECK: qnn.observe %[[ADD]] id = "add"
// CHECK: return %[[D]]

// PLAIN-LABEL: func.func @main
// PLAIN-NOT: qnn.observe
// PLAIN: qnn.matmul {{.*}} loc(fused["fc", "fc.bias", "relu"])

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 0.5], [0.25, 2.0, -0.5], [1.5, 0.0, 1.0], [-2.0, 1.0, 0.75]]> : tensor<4x3xf32>
  %b = arith.constant dense<[0.5, -0.25, 1.0]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %ex = tensor.empty() : tensor<1x4xf32>
  %exp = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x4xf32>) outs(%ex : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.exp %in : f32
    linalg.yield %m : f32
  } -> tensor<1x4xf32> loc("exp")
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %mm = linalg.matmul ins(%exp, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<1x3xf32>, tensor<3xf32>) outs(%e : tensor<1x3xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x3xf32> loc("fc.bias")
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%biased : tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x3xf32> loc("relu")
  %a = linalg.add ins(%relu, %relu : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32> loc("add")
  return %a : tensor<1x3xf32>
}
