//===- QuantUtils.h - Quantization knowledge shared by passes ---*- C++ -*-===//
//
// Part of the qmlir project.
//
// What the quantizer and the passes after it must agree on beyond the types
// themselves: how a fake-quant range becomes levels and parameters, and the
// form of a broadcast operand.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_UTILS_QUANTUTILS_H
#define QMLIR_DIALECT_QNN_UTILS_QUANTUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace qmlir::qnn {

/// TensorFlow's FakeQuantWithMinMaxVars nudging, in f32 as TensorFlow
/// computes it: [min, max] moved so that real 0 is one of the levels
/// qmin..qmax (0 or 1 to 2^bits - 1), with the zero point on that scale.
struct NudgedRange {
  float scale, zeroPoint, qmin, qmax, min, max;
};
NudgedRange nudgeRange(double min, double max, int64_t numBits,
                       bool narrowRange);

/// The 8-bit per-tensor type whose levels are those of an 8-bit fake_quant
/// over [min, max]: the nudged levels 0..255 (1..255 narrow), shifted by
/// -128 for i8 storage.
mlir::quant::UniformQuantizedType
fakeQuantActivationType(mlir::MLIRContext *ctx, double min, double max,
                        bool narrowRange, bool isUnsigned);

/// The stored integers `ints` read through the broadcasting `map` into a new
/// tensor of `shape`, cast back to `element`: how a broadcast operand of a
/// qnn elementwise op is written (its operands have one shape), as
/// `quant.scast`, a copying `linalg.generic`, `quant.scast`.
mlir::Value buildStorageBroadcast(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value ints, mlir::AffineMap map,
                                  llvm::ArrayRef<int64_t> shape,
                                  mlir::quant::QuantizedType element);

/// The copying linalg.generic of a broadcast built by buildStorageBroadcast
/// that produces `value`, or null.
mlir::linalg::GenericOp matchStorageBroadcast(mlir::Value value);

/// The dense elements of `attr` transposed by `perm` (result dim i is
/// source dim perm[i], as in linalg.transpose), as `type`: how NCHW
/// filters become NHWC ones at compile time.
mlir::DenseElementsAttr transposeElements(mlir::DenseElementsAttr attr,
                                          llvm::ArrayRef<int64_t> perm,
                                          mlir::RankedTensorType type);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_UTILS_QUANTUTILS_H
