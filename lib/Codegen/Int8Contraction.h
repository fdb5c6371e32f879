//===- Int8Contraction.h - Integer contractions the kernels take -*- C++ -*-=//
//
// Part of the qmlir project.
//
// What qmlir-int8-kernels recognizes in the output of convert-qnn-to-linalg:
// an integer contraction with constant weights (its loops classified as M,
// N and K) and the elementwise consumer whose body can run on the
// accumulator registers.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CODEGEN_INT8CONTRACTION_H
#define QMLIR_LIB_CODEGEN_INT8CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace qmlir {

/// A contraction C = sum_k A B of 8-bit values into i32 with a constant B,
/// over loops classified as M (lhs and result), N (rhs and result), K
/// (reduction) or unit-extent.
struct Int8Contraction {
  /// Read through const references: op accessors are not const.
  mutable mlir::linalg::GenericOp op;
  bool lhsSigned = false, rhsSigned = false;
  llvm::SmallVector<int64_t> rhs; // extended rhs values, in rhs tensor order
  llvm::SmallVector<unsigned> mDims, nDims, kDims;
  /// A depthwise convolution's channel dim (in lhs, rhs and result); it is
  /// also the one non-unit N dim.
  std::optional<unsigned> channel;
  llvm::SmallVector<int64_t> ranges;
  int64_t m = 1, n = 1, k = 1;
  /// Flat rhs offset of each flattened k and n index.
  llvm::SmallVector<int64_t> kOffset, nOffset;

  mlir::Value lhs() const { return op.getDpsInputs()[0]; }
  int64_t b(int64_t kk, int64_t nn) const {
    return rhs[kOffset[kk] + nOffset[nn]];
  }
};

/// Recognizes `op` as an Int8Contraction; fails silently on generics of
/// another body, with a reason on integer contractions it cannot take.
mlir::FailureOr<Int8Contraction>
matchInt8Contraction(mlir::RewriterBase &rewriter, mlir::linalg::GenericOp op);

/// The elementwise consumer of a contraction whose scalar body runs on the
/// accumulator registers (the quantized epilogue).
struct FusedConsumer {
  mutable mlir::linalg::GenericOp op;
  enum ArgKind { Acc, Column, Row, Scalar };
  /// Per input: its kind and, for columns and rows, the tensor.
  llvm::SmallVector<std::pair<ArgKind, mlir::Value>> args;
  mlir::Type elementType;
};

/// The only user of `c`'s result, if it is an elementwise generic of scalar
/// arith/math ops over the accumulator, per-column, per-row and scalar
/// operands.
std::optional<FusedConsumer> matchFusedConsumer(const Int8Contraction &c);

} // namespace qmlir

#endif // QMLIR_LIB_CODEGEN_INT8CONTRACTION_H
