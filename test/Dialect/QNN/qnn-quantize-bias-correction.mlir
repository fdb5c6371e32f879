// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means.json bias-correction=true" | FileCheck %s
// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means.json" | FileCheck %s --check-prefix=PLAIN
// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-no-axis-means.json bias-correction=true" 2>&1 | FileCheck %s --check-prefix=NOMEANS
// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means-malformed.json bias-correction=true" 2>&1 | FileCheck %s --check-prefix=MALFORMED

// Bias correction by hand. x in [0, 8]: s_x = 8/255, zp -128; its channel
// means are 2 and 4. Weights per column, symmetric: column 0 has
// s = 1/127 and 0.5 -> 64 (0.503937, error +0.003937); column 1 has
// s = 0.7/127 and 0.3 -> 54 (0.297638, error -0.002362). The expected
// errors, 4 * 0.003937 and 2 * -0.002362, leave the biases (zero) as
// -0.015748 / (s_x * s_0) = -63.75 -> -64 and 0.004724 / (s_x * s_1) =
// 27.32 -> 27.

// CHECK-LABEL: func.func @main
// CHECK: arith.constant dense<[-64, 27]> : tensor<2xi32>
// CHECK: qnn.matmul

// PLAIN-LABEL: func.func @main
// PLAIN-NOT: tensor<2xi32>
// PLAIN: qnn.matmul

// NOMEANS: remark: loc("fc"): no bias correction: the stats file has no channel means of its input (calibrate again)
// NOMEANS: qnn.matmul

// MALFORMED: error: qnn-quantize: {{.*}}stats-axis-means-malformed.json: tensor 'main.arg0': "axis_means" holds a non-array
// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means-object.json" 2>&1 | FileCheck %s --check-prefix=OBJECT
// OBJECT: error: qnn-quantize: {{.*}}stats-axis-means-object.json: tensor 'main.arg0': "axis_means" is not an array
// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means-string.json" 2>&1 | FileCheck %s --check-prefix=STRING
// STRING: error: qnn-quantize: {{.*}}stats-axis-means-string.json: tensor 'main.arg0': "axis_means" holds a non-finite or non-number value

func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 0.3], [0.5, 0.7]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %mm : tensor<1x2xf32>
}
