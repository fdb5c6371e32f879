// A two-layer int8 MLP (64 -> 16 -> 10) in the qnn dialect, the shape of
// what the quantizer emits for a digits classifier: float boundaries through
// quant.qcast/dcast, constant weights as storage integers behind quant.scast,
// per-channel weight scales, i32 biases, a fused ReLU as qnn.clamp.

!act_in = !quant.uniform<i8:f32, 0.0627:-128>
!act_h = !quant.uniform<i8:f32, 0.05:-128>
!logits = !quant.uniform<i8:f32, 0.1:-10>
!w1 = !quant.uniform<i8<-127:127>:f32:1, {0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02}>
!b1 = !quant.uniform<i32:f32:0, {6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03,6.27e-04,1.254e-03}>
!w2 = !quant.uniform<i8<-127:127>:f32, 0.02>
!b2 = !quant.uniform<i32:f32, 1.0e-03>

func.func @main(%x: tensor<1x64xf32>) -> tensor<1x10xf32> {
  %q = quant.qcast %x : tensor<1x64xf32> to tensor<1x64x!act_in>

  %w1_s = arith.constant dense<3> : tensor<64x16xi8>
  %w1 = quant.scast %w1_s : tensor<64x16xi8> to tensor<64x16x!w1>
  %b1_s = arith.constant dense<100> : tensor<16xi32>
  %b1 = quant.scast %b1_s : tensor<16xi32> to tensor<16x!b1>
  %h = qnn.matmul %q, %w1, %b1
      : (tensor<1x64x!act_in>, tensor<64x16x!w1>, tensor<16x!b1>) -> tensor<1x16x!act_h>
  %relu = qnn.clamp %h min = -128 max = 127 : tensor<1x16x!act_h>

  %w2_s = arith.constant dense<-2> : tensor<16x10xi8>
  %w2 = quant.scast %w2_s : tensor<16x10xi8> to tensor<16x10x!w2>
  %b2_s = arith.constant dense<-50> : tensor<10xi32>
  %b2 = quant.scast %b2_s : tensor<10xi32> to tensor<10x!b2>
  %y = qnn.matmul %relu, %w2, %b2 rounding = fixedpoint
      : (tensor<1x16x!act_h>, tensor<16x10x!w2>, tensor<10x!b2>) -> tensor<1x10x!logits>

  %out = quant.dcast %y : tensor<1x10x!logits> to tensor<1x10xf32>
  return %out : tensor<1x10xf32>
}
