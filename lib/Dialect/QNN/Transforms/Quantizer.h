//===- Quantizer.h - Float linalg to qnn, one function ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H

#include "qmlir/Calibration/Stats.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"

namespace qmlir::qnn {

/// The decisions of qnn-quantize's options, parsed.
struct QuantizerOptions {
  std::optional<calibration::Method> method;
  bool symmetric = false;
  bool unsignedActivations = false;
  bool perChannel = true;
  RoundingMode rounding = RoundingMode::FixedPoint;
  llvm::StringSet<> skip;
  bool strict = false;
  /// Keep the probes: each observed value stays observed, through its
  /// quantized twin when it has one.
  bool observe = false;
  /// Take the weights' mean quantization error on the calibration data out
  /// of each contraction's bias.
  bool biasCorrection = false;
};

/// What quantizing functions did, accumulated over calls.
struct QuantizeSummary {
  /// Float ops replaced by qnn ops or folded into them.
  unsigned replaced = 0;
  /// Ops left in float, each with a remark (or an error in strict mode).
  unsigned keptInFloat = 0;
  /// The skip-list ids that named an op.
  llvm::StringSet<> skipped;
};

/// Rewrites the float ops of `func` that have a qnn form, with parameters
/// from `stats` (may be null) or quantization-aware fake_quants. Fails only
/// in strict mode, after reporting the ops it had to keep in float.
mlir::LogicalResult quantizeFunction(mlir::func::FuncOp func,
                                     const QuantizerOptions &options,
                                     const calibration::StatsFile *stats,
                                     QuantizeSummary &summary);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H
