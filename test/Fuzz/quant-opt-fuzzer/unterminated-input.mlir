// RUN: quant-opt %s -split-input-f)le --qnn-quantize-pipeline | FileCheck %s

// Quantization-aware training: qnn.fake_quant (or a quant.qcast/quant.dcast
// pair) gives every parameter, weights included; no statistics are needed.

#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}50, -100], [25, 0]]> : tensor<2x2xi8>
// CHECK: %[[X:.*]] = quant.qcast %arg0 : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.00784313{{[0-9]*}}>>
// CHECK: %[[QW:.*]] = quant.scast %[[W]] : tensor<2x2xÉÿÿÿÿÿÿÿi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>
// CHECK: %[[Y:.*]] = qnnarith.consti8 = !quant.uniform<i8:f32, 0.05:-4>
!u8 = !