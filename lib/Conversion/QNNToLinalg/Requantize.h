//===- Requantize.h - Integer rescaling arithmetic --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Emits R(M, x) of docs/Dialects/QNN.md in arith/math ops, with per-channel
// parameters held in a ChannelTable so that per-tensor and per-axis share
// one code path.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_QNNTOLINALG_REQUANTIZE_H
#define QMLIR_LIB_CONVERSION_QNNTOLINALG_REQUANTIZE_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace qmlir::qnn {

/// Compile-time constants with one value per channel. A column whose values
/// are all equal is a scalar constant in the body; any other column becomes a
/// constant tensor, read through a linalg.generic input or tensor.extract.
class ChannelTable {
public:
  explicit ChannelTable(int64_t channels) : channels(channels) {}

  int64_t size() const { return channels; }
  /// Adds a column of i64 (or f32) values, one per channel or a single one.
  unsigned addInt(llvm::ArrayRef<int64_t> values);
  unsigned addFloat(llvm::ArrayRef<float> values);

  /// Appends the tensors of the per-channel columns as generic inputs, each
  /// reshaped to `shape` (whose product is the channel count) and read
  /// through `map`.
  void appendInputs(mlir::ImplicitLocOpBuilder &b,
                    llvm::ArrayRef<int64_t> shape, mlir::AffineMap map,
                    llvm::SmallVectorImpl<mlir::Value> &inputs,
                    llvm::SmallVectorImpl<mlir::AffineMap> &maps) const;
  /// Number of generic inputs appendInputs adds.
  unsigned numInputs() const;
  /// Inside a generic body: every column's value, from the block arguments
  /// matching appendInputs (in order).
  llvm::SmallVector<mlir::Value> load(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::ValueRange args) const;

  /// Creates the 1-D constant tensors of every column (outside a body).
  llvm::SmallVector<mlir::Value>
  materialize(mlir::ImplicitLocOpBuilder &b) const;
  /// Reads every column at a dynamic channel `index` from `tensors`.
  llvm::SmallVector<mlir::Value> loadAt(mlir::OpBuilder &b, mlir::Location loc,
                                        llvm::ArrayRef<mlir::Value> tensors,
                                        mlir::Value index) const;

private:
  struct Column {
    bool isFloat;
    llvm::SmallVector<int64_t> ints;
    llvm::SmallVector<float> floats;
    bool isUniform() const;
  };
  mlir::Value constant(mlir::OpBuilder &b, mlir::Location loc,
                       const Column &column, int64_t i) const;
  mlir::Value tensor(mlir::ImplicitLocOpBuilder &b, const Column &column,
                     llvm::ArrayRef<int64_t> shape) const;

  int64_t channels;
  llvm::SmallVector<Column> columns;
};

/// The table columns of one R(M_c, .); only those of `mode` are set.
struct RescaleColumns {
  RoundingMode mode;
  unsigned identity, multiplier, left, right, floatMultiplier;
};

/// Adds the columns of R(M_c, .) for `multipliers` (one per channel, or one);
/// fails if a multiplier cannot be represented in fixed point.
mlir::FailureOr<RescaleColumns> addRescale(ChannelTable &table,
                                           llvm::ArrayRef<double> multipliers,
                                           RoundingMode mode);

/// R(M, x) on an i64 `x` that holds an i32 value; returns an i64.
mlir::Value emitRescale(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        llvm::ArrayRef<mlir::Value> columns,
                        const RescaleColumns &rescale);

/// roundeven of an f32 as an exact i64; the value is first clamped to
/// +-2^62, beyond which every storage type saturates anyway.
mlir::Value emitRoundToI64(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v);

/// Saturates an i64 to the i32 range (staying i64).
mlir::Value emitClampI32(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value v);

/// Sign- or zero-extends a storage integer to `type`.
mlir::Value emitExtend(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       bool isSigned, mlir::Type type);

/// Clamps an i64 to [lo, hi] and truncates it to `storageType`.
mlir::Value emitSaturate(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         int64_t lo, int64_t hi, mlir::Type storageType);

/// An i64 constant.
mlir::Value constI64(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_CONVERSION_QNNTOLINALG_REQUANTIZE_H
