//===- Passes.h - qnn transformation passes ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir::qnn {

/// Name of the attribute holding a function's tensor signature.
inline constexpr llvm::StringLiteral kSignatureAttrName = "qnn.signature";
/// Name of the attribute listing the ids of exposed observed results.
inline constexpr llvm::StringLiteral kObservedAttrName = "qnn.observed";

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
