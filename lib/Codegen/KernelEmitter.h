//===- KernelEmitter.h - Packed contraction kernels -------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CODEGEN_KERNELEMITTER_H
#define QMLIR_LIB_CODEGEN_KERNELEMITTER_H

#include "Contraction.h"
#include "qmlir/Codegen/Target.h"

namespace qmlir {

/// Marks the scf.for loops of a kernel whose iterations write disjoint
/// output tiles (qmlir-parallelize runs the outermost on threads).
inline constexpr llvm::StringLiteral kParallelTilesAttrName =
    "qmlir.parallel_tiles";

/// Emits `c` as a packed, register-tiled kernel on `mk`'s dot (or FMA)
/// instruction, with `consumer` (if any) applied to the accumulator
/// registers. Returns the value that replaces the consumer's result, or the
/// contraction's.
mlir::Value emitKernel(mlir::RewriterBase &rewriter, const Contraction &c,
                       const MicroKernel &mk,
                       const std::optional<FusedConsumer> &consumer);

} // namespace qmlir

#endif // QMLIR_LIB_CODEGEN_KERNELEMITTER_H
