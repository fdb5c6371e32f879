// Ops left in float say why; strict turns that into an error; bad stats
// files and options are reported, not crashed on.

// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json" -o /dev/null 2>&1 | FileCheck %s
// CHECK: remark: loc("exp"): kept in float: linalg.generic has no quantized form: its input stays in float
// CHECK-NOT: error

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json strict=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=STRICT
// STRICT: error: loc("exp"): cannot quantize: linalg.generic has no quantized form

// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json skip=fc" 2>&1 | FileCheck %s --check-prefix=SKIP
// SKIP: remark: loc("fc"): kept in float: in the skip list
// SKIP: linalg.matmul
// SKIP-NOT: qnn.matmul
// SKIP: qnn.add

// Asked for something that did nothing: an error, not the model unchanged.
// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json skip=fc,nope" -o %t 2>&1 | FileCheck %s --check-prefix=SKIPNONE
// SKIPNONE: error: qnn-quantize: skip=nope names no op it could keep in float
// RUN: not quant-opt %s --qnn-quantize-pipeline -o %t 2>&1 | FileCheck %s --check-prefix=NOSTATS
// NOSTATS: error: qnn-quantize: nothing was quantized: no stats file (stats=...) and no fake_quant or QDQ ops
// RUN: not ls %t

// A tensor the stats file does not know; here nothing is left to quantize.
// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-no-fc.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: remark: loc("fc"): kept in float: no statistics for tensor 'fc'
// MISSING: error: qnn-quantize: nothing was quantized (see the remarks)

// Remarks and errors name the op by its location, without an op dump.
// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json" -o /dev/null 2>&1 | count 1

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-malformed.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: qnn-quantize: {{.*}}stats-malformed.json: tensor 'fc': "max" is missing or not a finite number

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-version.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: error: qnn-quantize: {{.*}}stats-version.json: unsupported stats version 7, this build reads version 1

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/does-not-exist.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: qnn-quantize: {{.*}}does-not-exist.json: No such file or directory

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json activation-type=i4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: for the --activation-type option: 'i4' is not one of i8, u8

// RUN: not quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats.json method=median" -o /dev/null 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: error: unknown calibration method 'median' (minmax, ema, percentile[:P], mse, kl)

#id = affine_map<(d0, d1) -> (d0, d1)>

func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
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
  %ea = tensor.empty() : tensor<1x3xf32>
  %a = linalg.add ins(%mm, %mm : tensor<1x3xf32>, tensor<1x3xf32>) outs(%ea : tensor<1x3xf32>) -> tensor<1x3xf32> loc("add")
  return %a : tensor<1x3xf32>
}
