//===- Casts.cpp - Boundary casts, fake_quant and observe -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "Requantize.h"
#include "Utils.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

/// qcast of one f32 value: clamp(roundeven(x / s) + zp), NaN to zp; the
/// offset and clamp run in f64, where every step is exact.
static Value emitQuantizeScalar(OpBuilder &b, Location loc, Value x, Value s,
                                Value zp, const QuantParams &p) {
  Value t =
      math::RoundEvenOp::create(b, loc, arith::DivFOp::create(b, loc, x, s));
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  t = arith::SelectOp::create(b, loc, isNan, zero, t);
  Type f64 = b.getF64Type();
  Value v = arith::AddFOp::create(b, loc, arith::ExtFOp::create(b, loc, f64, t),
                                  arith::SIToFPOp::create(b, loc, f64, zp));
  v = arith::MaximumFOp::create(
      b, loc, v,
      arith::ConstantOp::create(b, loc, b.getF64FloatAttr(p.storageMin)));
  v = arith::MinimumFOp::create(
      b, loc, v,
      arith::ConstantOp::create(b, loc, b.getF64FloatAttr(p.storageMax)));
  return arith::FPToSIOp::create(b, loc, b.getI64Type(), v);
}

/// dcast of one i64 stored value: f32(q - zp) * s.
static Value emitDequantizeScalar(OpBuilder &b, Location loc, Value q, Value s,
                                  Value zp) {
  Value d = arith::SubIOp::create(b, loc, q, zp);
  return arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), d), s);
}

static Value castFloat(OpBuilder &b, Location loc, Value v, Type type) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (v.getType() == type)
    return v;
  if (from < to)
    return arith::ExtFOp::create(b, loc, type, v);
  return arith::TruncFOp::create(b, loc, type, v);
}

/// A float/storage elementwise generic whose channel parameters (per axis or
/// per tensor) come from `table`.
static Value emitCastGeneric(
    ImplicitLocOpBuilder &b, Value input, Type resultElement,
    const ChannelTable &table, std::optional<int32_t> axis,
    function_ref<Value(OpBuilder &, Location, Value, ArrayRef<Value>)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  unsigned rank = type.getRank();
  Value init = tensor::EmptyOp::create(
      b, tensor::getMixedSizes(b, b.getLoc(), input), resultElement);
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps = identityMaps(b.getContext(), rank, 1);
  if (axis)
    table.appendInputs(b, {table.size()},
                       projection(b.getContext(), rank, {unsigned(*axis)}),
                       inputs, maps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  return linalg::GenericOp::create(
             b, init.getType(), inputs, init, maps,
             SmallVector<IteratorType>(rank, IteratorType::parallel),
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               SmallVector<Value> col =
                   table.load(nb, loc, args.slice(1, table.numInputs()));
               linalg::YieldOp::create(nb, loc, body(nb, loc, args[0], col));
             })
      .getResult(0);
}

static SmallVector<float> toFloats(ArrayRef<double> values) {
  return llvm::map_to_vector(values,
                             [](double v) { return static_cast<float>(v); });
}

namespace {

struct QuantizeCastLowering : OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    quant::QuantizedType q = getUniformElementType(op.getType());
    if (!resultType || !q)
      return rewriter.notifyMatchFailure(op, "not a uniform ranked tensor");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams p = getQuantParams(q);
    ChannelTable table(p.scales.size());
    unsigned s = table.addFloat(toFloats(p.scales));
    unsigned zp = table.addInt(p.zeroPoints);
    Type storage = q.getStorageType();
    rewriter.replaceOp(
        op,
        emitCastGeneric(
            b, adaptor.getInput(), storage, table, p.axis,
            [&](OpBuilder &nb, Location loc, Value x, ArrayRef<Value> col) {
              x = castFloat(nb, loc, x, nb.getF32Type());
              Value v = emitQuantizeScalar(nb, loc, x, col[s], col[zp], p);
              return arith::TruncIOp::create(nb, loc, storage, v).getResult();
            }));
    return success();
  }
};

struct DequantizeCastLowering : OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    quant::QuantizedType q = getUniformElementType(op.getInput().getType());
    if (!resultType || !q)
      return rewriter.notifyMatchFailure(op, "not a uniform ranked tensor");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams p = getQuantParams(q);
    ChannelTable table(p.scales.size());
    unsigned s = table.addFloat(toFloats(p.scales));
    unsigned zp = table.addInt(p.zeroPoints);
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op,
        emitCastGeneric(
            b, adaptor.getInput(), element, table, p.axis,
            [&](OpBuilder &nb, Location loc, Value v, ArrayRef<Value> col) {
              Value q64 = emitExtend(nb, loc, v, p.isSigned, nb.getI64Type());
              return castFloat(
                  nb, loc, emitDequantizeScalar(nb, loc, q64, col[s], col[zp]),
                  element);
            }));
    return success();
  }
};

struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct FakeQuantLowering : OpConversionPattern<FakeQuantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type element = op.getType().getElementType();
    if (std::optional<Type> qtype = op.getQtype()) {
      QuantParams p = getQuantParams(cast<quant::QuantizedType>(*qtype));
      ChannelTable table(p.scales.size());
      unsigned s = table.addFloat(toFloats(p.scales));
      unsigned zp = table.addInt(p.zeroPoints);
      rewriter.replaceOp(
          op,
          emitCastGeneric(
              b, adaptor.getInput(), element, table, p.axis,
              [&](OpBuilder &nb, Location loc, Value x, ArrayRef<Value> col) {
                x = castFloat(nb, loc, x, nb.getF32Type());
                Value q = emitQuantizeScalar(nb, loc, x, col[s], col[zp], p);
                return castFloat(
                    nb, loc, emitDequantizeScalar(nb, loc, q, col[s], col[zp]),
                    element);
              }));
      return success();
    }
    SmallVector<float> scales, nudgedMin, nudgedMax;
    for (auto [lo, hi] : llvm::zip_equal(*op.getMin(), *op.getMax())) {
      NudgedRange r =
          nudgeRange(lo, hi, op.getNumBitsAttr().getInt(), op.getNarrowRange());
      scales.push_back(r.scale);
      nudgedMin.push_back(r.min);
      nudgedMax.push_back(r.max);
    }
    ChannelTable table(scales.size());
    unsigned s = table.addFloat(scales);
    unsigned lo = table.addFloat(nudgedMin);
    unsigned hi = table.addFloat(nudgedMax);
    std::optional<int32_t> axis;
    if (IntegerAttr a = op.getAxisAttr())
      axis = a.getInt();
    rewriter.replaceOp(
        op,
        emitCastGeneric(
            b, adaptor.getInput(), element, table, axis,
            [&](OpBuilder &nb, Location loc, Value x, ArrayRef<Value> col) {
              x = castFloat(nb, loc, x, nb.getF32Type());
              Value c = arith::MaximumFOp::create(nb, loc, x, col[lo]);
              c = arith::MinimumFOp::create(nb, loc, c, col[hi]);
              Value t = arith::DivFOp::create(
                  nb, loc, arith::SubFOp::create(nb, loc, c, col[lo]), col[s]);
              t = arith::AddFOp::create(
                  nb, loc, t,
                  arith::ConstantOp::create(nb, loc, nb.getF32FloatAttr(0.5f)));
              t = math::FloorOp::create(nb, loc, t);
              Value y = arith::AddFOp::create(
                  nb, loc, arith::MulFOp::create(nb, loc, t, col[s]), col[lo]);
              return castFloat(nb, loc, y, element);
            }));
    return success();
  }
};

struct ObserveLowering : OpConversionPattern<ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void qmlir::populateQuantCastLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<QuantizeCastLowering, DequantizeCastLowering,
               StorageCastLowering, FakeQuantLowering, ObserveLowering>(
      typeConverter, patterns.getContext());
}
