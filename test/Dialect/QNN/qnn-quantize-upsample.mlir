// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline | FileCheck %s

// A transposed convolution's spread input (the activation inserted with
// strides into zeros, as the ONNX importer writes ConvTranspose) is built
// on the stored integers, filled with the zero point (real 0), so the
// convolution after it reads a quantized tensor. Types from QAT fake_quants.

// CHECK-LABEL: func.func @spread
// CHECK-DAG: %[[Q:.*]] = quant.qcast %arg0 : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 5.000000e-01:3>>
// CHECK-DAG: %[[I:.*]] = quant.scast %[[Q]] : tensor<1x1x2x2x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<1x1x2x2xi8>
// CHECK-DAG: %[[ZP:.*]] = arith.constant 3 : i8
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZP]] : i8) outs(%{{.*}} : tensor<1x1x3x3xi8>)
// CHECK: %[[S:.*]] = tensor.insert_slice %[[I]] into %[[F]][0, 0, 0, 0] [1, 1, 2, 2] [1, 1, 2, 2] : tensor<1x1x2x2xi8> into tensor<1x1x3x3xi8>
// CHECK: %[[U:.*]] = quant.scast %[[S]] : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<i8:f32, 5.000000e-01:3>>
// CHECK: qnn.conv2d %[[U]], %{{.*}} layout = nchw
// CHECK-NOT: linalg.conv
func.func @spread(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %qx = qnn.fake_quant %x {qtype = !quant.uniform<i8:f32, 0.5:3>} : tensor<1x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %up = tensor.insert_slice %qx into %z[0, 0, 0, 0] [1, 1, 2, 2] [1, 1, 2, 2] : tensor<1x1x2x2xf32> into tensor<1x1x3x3xf32>
  %qu = qnn.fake_quant %up {qtype = !quant.uniform<i8:f32, 0.5:3>} : tensor<1x1x3x3xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%qu, %w : tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) outs(%z2 : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %y = qnn.fake_quant %c {qtype = !quant.uniform<i8:f32, 0.5:3>} : tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}
