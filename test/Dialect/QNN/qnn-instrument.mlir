// RUN: quant-opt %s -split-input-file --qnn-instrument | FileCheck %s

// Probes go on arguments and on every float tensor computed from them; ids
// come from locations; weights (constants) get none.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK: %[[PX:.*]] = qnn.observe %[[X]] id = "main.arg0"
// CHECK-NOT: qnn.observe %cst
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[PX]],
// CHECK: %[[PMM:.*]] = qnn.observe %[[MM]] id = "fc"
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[PMM]] :
// CHECK: qnn.observe %[[R]] id = "relu"
// CHECK: %[[R2:.*]] = linalg.generic
// CHECK: qnn.observe %[[R2]] id = "relu#1"
// CHECK: %[[A:.*]] = linalg.add
// CHECK: qnn.observe %[[A]] id = "qnn-instrument.mlir:{{[0-9]+}}:{{[0-9]+}}"
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm : tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x3xf32> loc("relu")
  %r2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x3xf32> loc("relu")
  %a = linalg.add ins(%r2, %mm : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %a : tensor<1x3xf32>
}

// -----

// Private functions' arguments are not entry points and get no probe; the
// values computed from them do.

// CHECK-LABEL: func.func private @helper
// CHECK-NOT: qnn.observe %arg0
// CHECK: qnn.observe {{.*}} id = "fc#1"
func.func private @helper(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = arith.addf %x, %x : tensor<2xf32> loc("fc#1")
  return %y : tensor<2xf32>
}

// -----

// A pad is not observed (its -inf padding is not data), but it keeps its
// id: the max pool sharing its location is still "pool#1".

// CHECK-LABEL: func.func @padded_pool
// CHECK: %[[P:.*]] = tensor.pad
// CHECK-NOT: qnn.observe %[[P]]
// CHECK: %[[M:.*]] = linalg.pooling_nhwc_max
// CHECK: qnn.observe %[[M]] id = "pool#1"
func.func @padded_pool(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x4x1xf32> to tensor<1x5x5x1xf32> loc("pool")
  %w = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x2x2x1xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %m = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x5x5x1xf32>, tensor<3x3xf32>) outs(%f : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> loc("pool")
  return %m : tensor<1x2x2x1xf32>
}

// -----

// A quantized model is observed too: quantized tensors (dequantized when
// exposed), not the dcasts that copy them to float, not a value that already
// has a probe; new ids avoid the ids already taken.

// CHECK-LABEL: func.func @quantized
// CHECK: %[[Q:.*]] = quant.qcast
// CHECK: qnn.observe %[[Q]] id = "in"
// CHECK: %[[A:.*]] = qnn.add
// CHECK-NOT: qnn.observe %[[A]]
// CHECK: qnn.observe %[[A]] id = "sum" :
// CHECK-NOT: qnn.observe %[[A]]
// CHECK: %[[D:.*]] = quant.dcast
// CHECK-NOT: qnn.observe %[[D]]
// CHECK: %[[E:.*]] = math.exp %[[D]]
// CHECK: qnn.observe %[[E]] id = "sum#1"
!q = !quant.uniform<i8:f32, 0.1:-3>
func.func @quantized(%x: tensor<4xf32>) -> tensor<4xf32> {
  %px = qnn.observe %x id = "quantized.arg0" : tensor<4xf32>
  %q = quant.qcast %px : tensor<4xf32> to tensor<4x!q> loc("in")
  %a = qnn.add %q, %q : (tensor<4x!q>, tensor<4x!q>) -> tensor<4x!q> loc("sum")
  %pa = qnn.observe %a id = "sum" : tensor<4x!q>
  %d = quant.dcast %a : tensor<4x!q> to tensor<4xf32>
  %e = math.exp %d : tensor<4xf32> loc("sum")
  return %e : tensor<4xf32>
}

// -----

// Ids stay unique when a location name looks like a generated one.

// CHECK-LABEL: func.func @collide
// CHECK: id = "a#1"
// CHECK: id = "a"
// CHECK: id = "a#2"
func.func @collide(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = arith.addf %x, %x : tensor<4xf32> loc("a#1")
  %b = arith.addf %a, %a : tensor<4xf32> loc("a")
  %c = arith.addf %b, %b : tensor<4xf32> loc("a")
  return %c : tensor<4xf32>
}
