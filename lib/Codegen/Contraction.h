//===- Contraction.h - Contractions the kernels take ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// What qmlir-int8-kernels and qmlir-float-kernels recognize: a contraction
// with constant weights (the integer ones convert-qnn-to-linalg emits, or
// an f32 matmul or convolution), its loops classified as M, N and K, and the
// elementwise consumer whose body can run on the accumulator registers.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CODEGEN_CONTRACTION_H
#define QMLIR_LIB_CODEGEN_CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace qmlir {

/// The element types a contraction multiplies.
enum class ContractionType {
  /// 8-bit values extended to i32, accumulated in i32.
  Int8,
  /// f32 values accumulated in f32.
  F32,
};

/// A contraction C = sum_k A B with a constant B, over loops classified as
/// M (lhs and result), N (rhs and result), K (reduction) or unit-extent.
struct Contraction {
  /// Read through const references: op accessors are not const.
  mutable mlir::linalg::LinalgOp op;
  ContractionType type = ContractionType::Int8;
  bool lhsSigned = false, rhsSigned = false;
  /// The rhs values (extended integers, or floats), in rhs tensor order;
  /// double holds both exactly.
  llvm::SmallVector<double> rhs;
  llvm::SmallVector<unsigned> mDims, nDims, kDims;
  /// A depthwise convolution's channel dim (in lhs, rhs and result); it is
  /// also the one non-unit N dim.
  std::optional<unsigned> channel;
  llvm::SmallVector<int64_t> ranges;
  int64_t m = 1, n = 1, k = 1;
  /// Flat rhs offset of each flattened k and n index.
  llvm::SmallVector<int64_t> kOffset, nOffset;

  bool isFloat() const { return type == ContractionType::F32; }
  mlir::Value lhs() const { return op.getDpsInputs()[0]; }
  double b(int64_t kk, int64_t nn) const {
    return rhs[kOffset[kk] + nOffset[nn]];
  }
};

/// Recognizes `op` as a Contraction of `type`; fails silently on ops of
/// another body, with a reason on contractions of `type` it cannot take.
mlir::FailureOr<Contraction> matchContraction(mlir::RewriterBase &rewriter,
                                              mlir::linalg::LinalgOp op,
                                              ContractionType type);

/// The elementwise consumer of a contraction whose scalar body runs on the
/// accumulator registers (the quantized epilogue, a bias).
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
std::optional<FusedConsumer> matchFusedConsumer(const Contraction &c);

} // namespace qmlir

#endif // QMLIR_LIB_CODEGEN_CONTRACTION_H
