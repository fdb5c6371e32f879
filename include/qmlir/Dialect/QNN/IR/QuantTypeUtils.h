//===- QuantTypeUtils.h - Helpers over !quant.uniform types -----*- C++ -*-===//
//
// Part of the qmlir project.
//
// A uniform view of per-tensor and per-axis !quant.uniform element types, so
// that verifiers, the quantizer and the lowering read scales and zero points
// the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QUANTTYPEUTILS_H
#define QMLIR_DIALECT_QNN_IR_QUANTTYPEUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace qmlir::qnn {

/// Relative tolerance under which two scales are the same scale. Scales are
/// doubles computed in different places (a bias scale is s_lhs * s_rhs), so
/// exact comparison would reject equal parameters written by hand.
inline constexpr double kScaleRelTolerance = 1e-6;

/// Whether two scales are equal within kScaleRelTolerance.
bool scalesEqual(double a, double b);

/// Per-channel parameters of a per-tensor or per-axis uniform type. A
/// per-tensor type has one channel and no axis.
struct QuantParams {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
  int64_t storageMin = 0;
  int64_t storageMax = 0;
  unsigned storageWidth = 0;
  bool isSigned = true;

  bool isPerAxis() const { return axis.has_value(); }
  /// Largest |q - zp| any stored value can have, over all channels.
  int64_t maxAbsOffset() const;
  /// Smallest value of the storage integer type, whatever the narrowed
  /// range: the value entry 0 of a qnn.table stands for.
  int64_t storageIntegerMin() const {
    return isSigned ? -(int64_t{1} << (storageWidth - 1)) : 0;
  }
};

/// The uniform (per-tensor or per-axis) element type of `type`, or null.
mlir::quant::QuantizedType getUniformElementType(mlir::Type type);

/// A real multiplier in the fixed-point form of docs/Dialects/QNN.md:
/// M ~= multiplier * 2^(exponent - 31), multiplier in [2^30, 2^31), or
/// multiplier 0 for M < 2^-32.
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int32_t exponent = 0;
  int32_t leftShift() const { return exponent > 0 ? exponent : 0; }
  int32_t rightShift() const { return exponent < 0 ? -exponent : 0; }
};

/// Decomposes a positive finite `m`; fails when m >= 2^30, which the form
/// cannot represent.
mlir::FailureOr<FixedPointMultiplier> quantizeMultiplier(double m);

/// The identity rule of R(M, x): multipliers within the scale tolerance of 1
/// leave x unchanged in every rounding mode.
inline bool isIdentityMultiplier(double m) { return scalesEqual(m, 1.0); }

/// Reads the parameters of a uniform quantized element type.
QuantParams getQuantParams(mlir::quant::QuantizedType type);

/// Checks what every qnn operand and result must satisfy beyond the upstream
/// type's own checks: positive finite scales, zero points inside the storage
/// range, a storage type that i32 arithmetic can hold, and a per-axis
/// dimension and scale count that fit `tensorType`. `name` names the value
/// in diagnostics.
mlir::LogicalResult
verifyQuantizedTensor(llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
                      mlir::RankedTensorType tensorType, llvm::StringRef name);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_IR_QUANTTYPEUTILS_H
