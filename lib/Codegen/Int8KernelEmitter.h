//===- Int8KernelEmitter.h - Packed int8 contraction kernels ----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CODEGEN_INT8KERNELEMITTER_H
#define QMLIR_LIB_CODEGEN_INT8KERNELEMITTER_H

#include "Int8Contraction.h"
#include "qmlir/Codegen/Target.h"

namespace qmlir {

/// Emits `c` as a packed, register-tiled kernel on `mk`'s dot instruction,
/// with `consumer` (if any) applied to the accumulator registers. Returns
/// the value that replaces the consumer's result, or the contraction's.
mlir::Value emitInt8Kernel(mlir::RewriterBase &rewriter,
                           const Int8Contraction &c, const MicroKernel &mk,
                           const std::optional<FusedConsumer> &consumer);

} // namespace qmlir

#endif // QMLIR_LIB_CODEGEN_INT8KERNELEMITTER_H
