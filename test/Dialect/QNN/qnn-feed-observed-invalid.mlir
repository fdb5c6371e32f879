// RUN: quant-opt %s --qnn-feed-observed -split-input-file -verify-diagnostics

// Cutting at probes needs the function's one block to add arguments to.

// expected-error@+1 {{qnn-feed-observed needs a single-block function}}
func.func @branches(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %s = arith.addf %x, %x : tensor<4xf32>
  %p = qnn.observe %s id = "sum" : tensor<4xf32>
  cf.cond_br %c, ^a, ^b
^a:
  return %p : tensor<4xf32>
^b:
  return %x : tensor<4xf32>
}
