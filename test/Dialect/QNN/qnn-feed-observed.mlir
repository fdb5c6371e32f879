// RUN: quant-opt %s -split-input-file --qnn-feed-observed | FileCheck %s

// Users of each observed value read a new argument instead (quantized with
// the value's parameters when the value is quantized); the probes still see
// the values computed by the function. Arguments are not fed.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[FQ:[^:]*]]: tensor<4xf32>, %[[FS:[^:]*]]: tensor<4xf32>)
// CHECK-SAME: qnn.fed = ["q", "sum"]
// CHECK: %[[QF:.*]] = quant.qcast %[[FQ]] : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK: %[[PX:.*]] = qnn.observe %[[X]] id = "main.arg0"
// CHECK: %[[Q:.*]] = quant.qcast %[[PX]]
// CHECK: qnn.observe %[[Q]] id = "q"
// CHECK: %[[A:.*]] = qnn.add %[[QF]], %[[QF]]
// CHECK: %[[D:.*]] = quant.dcast %[[A]]
// CHECK: %[[S:.*]] = math.exp %[[D]]
// CHECK: qnn.observe %[[S]] id = "sum"
// CHECK: return %[[FS]]
!q = !quant.uniform<i8:f32, 0.1:-3>
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %px = qnn.observe %x id = "main.arg0" : tensor<4xf32>
  %q = quant.qcast %px : tensor<4xf32> to tensor<4x!q>
  %pq = qnn.observe %q id = "q" : tensor<4x!q>
  %a = qnn.add %pq, %pq : (tensor<4x!q>, tensor<4x!q>) -> tensor<4x!q>
  %d = quant.dcast %a : tensor<4x!q> to tensor<4xf32>
  %s = math.exp %d : tensor<4xf32>
  %ps = qnn.observe %s id = "sum" : tensor<4xf32>
  return %ps : tensor<4xf32>
}

// -----

// A function without probes is left alone.

// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> tensor<4xf32> {
func.func @plain(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
