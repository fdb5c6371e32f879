// RUN: %python %S/Inputs/kl-stats.py > %t.json
// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%t.json method=kl" | FileCheck %s

// `kl` on the histograms of real CNN activations (issue 17): the zeros of a
// ReLU output whose histogram grew to twice its range (%arg0) once fell into
// the divergence and clipped half the range (0.487 of 0.866); one-signed data
// away from zero (%arg1, average pooling) collapsed to its minimum, [0, 0.148]
// for data in [0.147, 0.634]. On these shapes the KL threshold is the max;
// a bell with one far outlier (the add, data in [-3.9, 8]) is still clipped
// ([-3.9, 3.9] instead of min-max's scale 0.0467).

// CHECK-LABEL: func.func @main
// CHECK-DAG: quant.qcast %arg0 {{.*}}!quant.uniform<i8:f32, 0.003396905637254902:-128>>
// CHECK-DAG: quant.qcast %arg1 {{.*}}!quant.uniform<i8:f32, 0.002487362132352941:-128>>
// CHECK: qnn.add {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.030614276960784313:-1>>
func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.add ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("add")
  return %s : tensor<4xf32>
}
