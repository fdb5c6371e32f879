// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnn-quantize-pipeline | FileCheck %s

// Unary functions after a quantized value become qnn.table ops. The types
// come from QAT fake_quants (i4 input, scale 0.5: x = -4, -3.5, ..., 3.5), so
// the entries can be checked by hand: round(sigmoid(x) * 256), computed in
// numpy from the definition, not from the quantizer.

#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @sigmoid
// CHECK: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<8xf32> to tensor<8x!quant.uniform<i4:f32, 5.000000e-01>>
// CHECK: %[[T:.*]] = qnn.table %[[Q]] table = dense<[5, 8, 12, 19, 31, 47, 69, 97, 128, 159, 187, 209, 225, 237, 244, 248]> : tensor<16xi16> : tensor<8x!quant.uniform<i4:f32, 5.000000e-01>> -> tensor<8x!quant.uniform<i16:f32, 3.906250e-03>>
// CHECK: quant.dcast %[[T]]
// CHECK-NOT: linalg.generic
func.func @sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  %q = qnn.fake_quant %x {qtype = !quant.uniform<i4:f32, 0.5>} : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%q : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %d = arith.addf %one, %ex : f32
    %r = arith.divf %one, %d : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = qnn.fake_quant %s {qtype = !quant.uniform<i16:f32, 0.00390625>} : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// A chain of unary ops through single uses is one table of the composition,
// rounded once: GELU's gate 0.5 * (1 + erf(x / sqrt(2))), with sqrt(2) as
// the f32 constant 1.41421354, written as a named op and three generics.

#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @chain
// CHECK: qnn.table %{{.*}} table = dense<[0, 0, 0, 2, 6, 17, 41, 79, 128, 177, 215, 239, 250, 254, 256, 256]> : tensor<16xi16>
// CHECK-NOT: qnn.table
// CHECK-NOT: linalg
func.func @chain(%x: tensor<8xf32>) -> tensor<8xf32> {
  %q = qnn.fake_quant %x {qtype = !quant.uniform<i4:f32, 0.5>} : tensor<8xf32>
  %c = arith.constant dense<1.41421354> : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %d = linalg.div ins(%q, %c : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %f = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%d : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %one = arith.constant 1.0 : f32
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%f : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %one : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%g : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %r = arith.mulf %a, %half : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = qnn.fake_quant %h {qtype = !quant.uniform<i16:f32, 0.00390625>} : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// tanh into i8 at scale 1/64, then a ReLU: the clamp keeps the table's
// output type and cuts at its zero point.

#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @tanh_relu
// CHECK: %[[T:.*]] = qnn.table %{{.*}} table = dense<[-64, -64, -64, -63, -62, -58, -49, -30, 0, 30, 49, 58, 62, 63, 64, 64]> : tensor<16xi8>
// CHECK: qnn.clamp %[[T]] min = 0 max = 127
func.func @tanh_relu(%x: tensor<8xf32>) -> tensor<8xf32> {
  %q = qnn.fake_quant %x {qtype = !quant.uniform<i4:f32, 0.5>} : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%q : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %tq = qnn.fake_quant %t {qtype = !quant.uniform<i8:f32, 0.015625>} : tensor<8xf32>
  %z = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%tq : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// Kept in float: a body op with no compile-time evaluation, and a unary
// function of a float value (a layer norm's sqrt of a float variance stays
// as exact as it was).

#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @kept
// CHECK: arith.fptosi
// CHECK: math.sqrt
func.func @kept(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %q = qnn.fake_quant %x {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  // expected-remark@+1 {{kept in float: linalg.generic has no quantized form: 'arith.fptosi' in its body has no compile-time evaluation}}
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%q : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = arith.fptosi %a : f32 to i32
    %r = arith.sitofp %i : i32 to f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = qnn.fake_quant %t {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<8xf32>
  // expected-remark@+1 {{kept in float: linalg.generic has no quantized form: its input stays in float (a unary function becomes a table after a quantized op)}}
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.sqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %sq = qnn.fake_quant %s {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<8xf32>
  return %y, %sq : tensor<8xf32>, tensor<8xf32>
}

// -----

// A 16-bit input would need 65536 entries: the function stays in float.

#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @wide
// CHECK: math.tanh
// CHECK-NOT: qnn.table
func.func @wide(%x: tensor<8xf32>) -> tensor<8xf32> {
  %q = qnn.fake_quant %x {qtype = !quant.uniform<i16:f32, 0.001>} : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  // expected-remark@+1 {{kept in float: a table needs a per-tensor input of at most 8 bits}}
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%q : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = qnn.fake_quant %t {qtype = !quant.uniform<i8:f32, 0.0078125>} : tensor<8xf32>
  return %y : tensor<8xf32>
}
