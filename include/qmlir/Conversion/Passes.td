//===- Passes.td - qmlir conversion passes -----------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_TD
#define QMLIR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQNNToLinalg : Pass<"convert-qnn-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower qnn and quant ops to integer linalg/arith on storage types";
  let description = [{
    Rewrites every `qnn` op, and the upstream `quant.qcast`, `quant.dcast` and
    `quant.scast`, into `linalg`, `arith`, `math` and `tensor` ops on the
    storage integers, computing exactly the arithmetic of
    docs/Dialects/QNN.md. A type converter replaces every `!quant.uniform`
    element type by its storage type everywhere, function signatures and
    layout ops included; afterwards no quantized type is left.

    Contractions accumulate `i8`/`i16` products in `i32`; zero-point
    corrections are hoisted out of the reduction (weight sums folded at
    compile time for constant weights), bias, requantization and clamping
    form one elementwise epilogue. `qnn.observe` becomes the identity.

    Example: `quant-opt --convert-qnn-to-linalg model.mlir`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // QMLIR_CONVERSION_PASSES_TD
