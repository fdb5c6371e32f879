//===- Requantize.cpp - Integer rescaling arithmetic ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "Requantize.h"

#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace qmlir::qnn;

//===----------------------------------------------------------------------===//
// ChannelTable
//===----------------------------------------------------------------------===//

bool ChannelTable::Column::isUniform() const {
  if (isFloat)
    return llvm::all_equal(floats);
  return llvm::all_equal(ints);
}

unsigned ChannelTable::addInt(ArrayRef<int64_t> values) {
  Column column{false, {}, {}};
  if (values.size() == 1)
    column.ints.assign(channels, values[0]);
  else
    column.ints.assign(values.begin(), values.end());
  assert(column.ints.size() == static_cast<size_t>(channels));
  columns.push_back(std::move(column));
  return columns.size() - 1;
}

unsigned ChannelTable::addFloat(ArrayRef<float> values) {
  Column column{true, {}, {}};
  if (values.size() == 1)
    column.floats.assign(channels, values[0]);
  else
    column.floats.assign(values.begin(), values.end());
  assert(column.floats.size() == static_cast<size_t>(channels));
  columns.push_back(std::move(column));
  return columns.size() - 1;
}

Value ChannelTable::constant(OpBuilder &b, Location loc, const Column &column,
                             int64_t i) const {
  if (column.isFloat)
    return arith::ConstantOp::create(b, loc,
                                     b.getF32FloatAttr(column.floats[i]));
  return constI64(b, loc, column.ints[i]);
}

Value ChannelTable::tensor(ImplicitLocOpBuilder &b, const Column &column,
                           ArrayRef<int64_t> shape) const {
  if (column.isFloat) {
    auto type = RankedTensorType::get(shape, b.getF32Type());
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(type, ArrayRef<float>(column.floats)));
  }
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, ArrayRef<int64_t>(column.ints)));
}

unsigned ChannelTable::numInputs() const {
  return llvm::count_if(columns,
                        [](const Column &c) { return !c.isUniform(); });
}

void ChannelTable::appendInputs(ImplicitLocOpBuilder &b,
                                ArrayRef<int64_t> shape, AffineMap map,
                                SmallVectorImpl<Value> &inputs,
                                SmallVectorImpl<AffineMap> &maps) const {
  for (const Column &column : columns) {
    if (column.isUniform())
      continue;
    inputs.push_back(tensor(b, column, shape));
    maps.push_back(map);
  }
}

SmallVector<Value> ChannelTable::load(OpBuilder &b, Location loc,
                                      ValueRange args) const {
  SmallVector<Value> values;
  unsigned next = 0;
  for (const Column &column : columns)
    values.push_back(column.isUniform() ? constant(b, loc, column, 0)
                                        : args[next++]);
  return values;
}

SmallVector<Value> ChannelTable::materialize(ImplicitLocOpBuilder &b) const {
  SmallVector<Value> tensors;
  for (const Column &column : columns)
    tensors.push_back(column.isUniform() ? Value()
                                         : tensor(b, column, {channels}));
  return tensors;
}

SmallVector<Value> ChannelTable::loadAt(OpBuilder &b, Location loc,
                                        ArrayRef<Value> tensors,
                                        Value index) const {
  SmallVector<Value> values;
  for (auto [column, t] : llvm::zip_equal(columns, tensors))
    values.push_back(
        column.isUniform()
            ? constant(b, loc, column, 0)
            : tensor::ExtractOp::create(b, loc, t, index).getResult());
  return values;
}

//===----------------------------------------------------------------------===//
// Scalar arithmetic
//===----------------------------------------------------------------------===//

Value qmlir::qnn::constI64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
}

Value qmlir::qnn::emitExtend(OpBuilder &b, Location loc, Value v, bool isSigned,
                             Type type) {
  if (v.getType() == type)
    return v;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, type, v);
  return arith::ExtUIOp::create(b, loc, type, v);
}

Value qmlir::qnn::emitSaturate(OpBuilder &b, Location loc, Value v, int64_t lo,
                               int64_t hi, Type storageType) {
  v = arith::MaxSIOp::create(b, loc, v, constI64(b, loc, lo));
  v = arith::MinSIOp::create(b, loc, v, constI64(b, loc, hi));
  if (v.getType() == storageType)
    return v;
  return arith::TruncIOp::create(b, loc, storageType, v);
}

FailureOr<RescaleColumns> qmlir::qnn::addRescale(ChannelTable &table,
                                                 ArrayRef<double> multipliers,
                                                 RoundingMode mode) {
  SmallVector<int64_t> identity, multiplier, left, right;
  SmallVector<float> floats;
  for (double m : multipliers) {
    identity.push_back(isIdentityMultiplier(m));
    floats.push_back(static_cast<float>(m));
    FixedPointMultiplier fixed;
    if (mode == RoundingMode::FixedPoint && !identity.back()) {
      FailureOr<FixedPointMultiplier> q = quantizeMultiplier(m);
      if (failed(q))
        return failure();
      fixed = *q;
    }
    multiplier.push_back(fixed.multiplier);
    left.push_back(fixed.leftShift());
    right.push_back(fixed.rightShift());
  }
  // Only the columns the mode reads, so no unused tensor reaches a kernel.
  RescaleColumns columns{mode, table.addInt(identity), 0, 0, 0, 0};
  if (mode == RoundingMode::FixedPoint) {
    columns.multiplier = table.addInt(multiplier);
    columns.left = table.addInt(left);
    columns.right = table.addInt(right);
  } else {
    columns.floatMultiplier = table.addFloat(floats);
  }
  return columns;
}

/// gemmlowp's fixed-point rescale. The product is formed in i64; everything
/// after it holds an i32 and is computed in i32 (half the vector lanes'
/// work of i64 on targets without 64-bit vector compares and shifts).
static Value emitFixedPoint(OpBuilder &b, Location loc, Value x, Value m,
                            Value left, Value right) {
  Type i32 = b.getI32Type();
  Value a = emitClampI32(b, loc, arith::ShLIOp::create(b, loc, x, left));
  // SaturatingRoundingDoublingHighMul: gemmlowp truncates (p + nudge) / 2^31
  // with nudge 2^30 for p >= 0 and 1 - 2^30 for p < 0. For p < 0 the
  // truncation equals floor((p + 1 - 2^30 + 2^31 - 1) / 2^31), so in both
  // cases the result is floor((p + 2^30) / 2^31), which fits in i32: the
  // bits 31..62 of p + 2^30 (m > 0, so no INT32_MIN * INT32_MIN case).
  Value p = arith::MulIOp::create(b, loc, a, m);
  Value high = arith::TruncIOp::create(
      b, loc, i32,
      arith::ShRUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, p, constI64(b, loc, 1ll << 30)),
          constI64(b, loc, 31)));
  // RoundingDivideByPOT, in i32.
  auto c32 = [&](int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value shift = arith::TruncIOp::create(b, loc, i32, right);
  Value one = c32(1);
  Value mask = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, shift), one);
  Value remainder = arith::AndIOp::create(b, loc, high, mask);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, c32(0));
  Value threshold =
      arith::AddIOp::create(b, loc, arith::ShRSIOp::create(b, loc, mask, one),
                            arith::ExtUIOp::create(b, loc, i32, negative));
  Value roundUp = arith::ExtUIOp::create(
      b, loc, i32,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, remainder,
                            threshold));
  Value result = arith::AddIOp::create(
      b, loc, arith::ShRSIOp::create(b, loc, high, shift), roundUp);
  return arith::ExtSIOp::create(b, loc, b.getI64Type(), result);
}

Value qmlir::qnn::emitRoundToI64(OpBuilder &b, Location loc, Value v) {
  Value r = math::RoundEvenOp::create(b, loc, v);
  float bound = 4611686018427387904.0f; // 2^62
  r = arith::MaximumFOp::create(
      b, loc, r, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(-bound)));
  r = arith::MinimumFOp::create(
      b, loc, r, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(bound)));
  return arith::FPToSIOp::create(b, loc, b.getI64Type(), r);
}

Value qmlir::qnn::emitClampI32(OpBuilder &b, Location loc, Value v) {
  v = arith::MaxSIOp::create(b, loc, v, constI64(b, loc, INT32_MIN));
  return arith::MinSIOp::create(b, loc, v, constI64(b, loc, INT32_MAX));
}

/// f32 multiply, round half to even.
static Value emitFloat(OpBuilder &b, Location loc, Value x, Value mf) {
  Value xf = arith::SIToFPOp::create(b, loc, b.getF32Type(), x);
  return emitRoundToI64(b, loc, arith::MulFOp::create(b, loc, xf, mf));
}

Value qmlir::qnn::emitRescale(OpBuilder &b, Location loc, Value x,
                              ArrayRef<Value> columns,
                              const RescaleColumns &rescale) {
  Value scaled =
      rescale.mode == RoundingMode::FixedPoint
          ? emitFixedPoint(b, loc, x, columns[rescale.multiplier],
                           columns[rescale.left], columns[rescale.right])
          : emitFloat(b, loc, x, columns[rescale.floatMultiplier]);
  Value identity =
      arith::TruncIOp::create(b, loc, b.getI1Type(), columns[rescale.identity]);
  return arith::SelectOp::create(b, loc, identity, x, scaled);
}
