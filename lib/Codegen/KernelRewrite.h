//===- KernelRewrite.h - Contractions into kernels --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// What qmlir-int8-kernels and qmlir-float-kernels share: the pattern that
// matches a contraction of one element type and emits its kernel, and the
// driver that applies it to a module.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CODEGEN_KERNELREWRITE_H
#define QMLIR_LIB_CODEGEN_KERNELREWRITE_H

#include "Contraction.h"
#include "qmlir/Codegen/Target.h"

#include "mlir/IR/BuiltinOps.h"

namespace qmlir {

/// Rewrites the contractions of `type` in `module` into `target`'s kernels
/// (its int8 or its f32 micro-kernel; nothing if it has none). With
/// `remarkSkipped`, remarks once on each contraction of `type` left to the
/// generic lowering, with the reason. Fails with an error naming `pass` if
/// the rewrite does not converge.
mlir::LogicalResult rewriteContractionsAsKernels(mlir::ModuleOp module,
                                                 KernelTarget target,
                                                 ContractionType type,
                                                 bool remarkSkipped,
                                                 llvm::StringRef pass);

} // namespace qmlir

#endif // QMLIR_LIB_CODEGEN_KERNELREWRITE_H
