//===- Elementwise.cpp - Elementwise qnn ops --------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "Requantize.h"
#include "Utils.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

/// An elementwise generic over same-shaped storage tensors producing the
/// storage type of `result`; `body` maps extended i64 operands to an i64.
static Value emitElementwise(
    ImplicitLocOpBuilder &b, ValueRange operands, ArrayRef<bool> signedness,
    Value result,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> body) {
  QuantParams out = paramsOf(result);
  Type storage = storageTypeOf(result);
  auto type = cast<RankedTensorType>(operands[0].getType());
  Value init = tensor::EmptyOp::create(
      b, tensor::getMixedSizes(b, b.getLoc(), operands[0]), storage);
  unsigned rank = type.getRank();
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  return linalg::GenericOp::create(
             b, init.getType(), operands, init,
             identityMaps(b.getContext(), rank, operands.size() + 1), iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               SmallVector<Value> xs;
               for (auto [arg, isSigned] :
                    llvm::zip(args.drop_back(), signedness))
                 xs.push_back(
                     emitExtend(nb, loc, arg, isSigned, nb.getI64Type()));
               Value r = body(nb, loc, xs);
               linalg::YieldOp::create(nb, loc,
                                       emitSaturate(nb, loc, r, out.storageMin,
                                                    out.storageMax, storage));
             })
      .getResult(0);
}

namespace {

struct RequantizeLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    FailureOr<Value> result =
        requantizeTensor(b, op, adaptor.getInput(), op.getInput().getType(),
                         op.getType(), op.getRounding());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams l = paramsOf(op.getLhs()), r = paramsOf(op.getRhs()),
                o = paramsOf(op.getResult());
    double sl = l.scales[0], sr = r.scales[0], so = o.scales[0];
    int64_t zl = l.zeroPoints[0], zr = r.zeroPoints[0], zo = o.zeroPoints[0];
    ChannelTable table(1);
    if (op.getRounding() == RoundingMode::FP32) {
      unsigned fl = table.addFloat({static_cast<float>(sl / so)});
      unsigned fr = table.addFloat({static_cast<float>(sr / so)});
      Value result = emitElementwise(
          b, {adaptor.getLhs(), adaptor.getRhs()}, {l.isSigned, r.isSigned},
          op.getResult(), [&](OpBuilder &nb, Location loc, ArrayRef<Value> v) {
            SmallVector<Value> col = table.load(nb, loc, {});
            Type f32 = nb.getF32Type();
            auto scaled = [&](Value q, int64_t zp, Value m) {
              Value d =
                  arith::SubIOp::create(nb, loc, q, constI64(nb, loc, zp));
              return arith::MulFOp::create(
                  nb, loc, arith::SIToFPOp::create(nb, loc, f32, d), m);
            };
            Value sum = arith::AddFOp::create(
                nb, loc, scaled(v[0], zl, col[fl]), scaled(v[1], zr, col[fr]));
            Value i = emitRoundToI64(nb, loc, sum);
            return arith::AddIOp::create(nb, loc, i, constI64(nb, loc, zo))
                .getResult();
          });
      rewriter.replaceOp(op, result);
      return success();
    }
    int shift = std::max(l.storageWidth, r.storageWidth) <= 8 ? 20 : 15;
    double twiceMax = 2 * std::max(sl, sr);
    FailureOr<RescaleColumns> ml =
        rescaleColumns(op, table, {sl / twiceMax}, RoundingMode::FixedPoint);
    FailureOr<RescaleColumns> mr =
        rescaleColumns(op, table, {sr / twiceMax}, RoundingMode::FixedPoint);
    FailureOr<RescaleColumns> mo =
        rescaleColumns(op, table, {twiceMax / (std::ldexp(1.0, shift) * so)},
                       RoundingMode::FixedPoint);
    if (failed(ml) || failed(mr) || failed(mo))
      return failure();
    Value result = emitElementwise(
        b, {adaptor.getLhs(), adaptor.getRhs()}, {l.isSigned, r.isSigned},
        op.getResult(), [&](OpBuilder &nb, Location loc, ArrayRef<Value> v) {
          SmallVector<Value> col = table.load(nb, loc, {});
          auto side = [&](Value q, int64_t zp, const RescaleColumns &m) {
            Value d = arith::SubIOp::create(nb, loc, q, constI64(nb, loc, zp));
            d = arith::ShLIOp::create(nb, loc, d, constI64(nb, loc, shift));
            return emitRescale(nb, loc, d, col, m);
          };
          Value sum = arith::AddIOp::create(nb, loc, side(v[0], zl, *ml),
                                            side(v[1], zr, *mr));
          return arith::AddIOp::create(nb, loc,
                                       emitRescale(nb, loc, sum, col, *mo),
                                       constI64(nb, loc, zo))
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MulLowering : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams l = paramsOf(op.getLhs()), r = paramsOf(op.getRhs()),
                o = paramsOf(op.getResult());
    ChannelTable table(1);
    FailureOr<RescaleColumns> m = rescaleColumns(
        op, table, {l.scales[0] * r.scales[0] / o.scales[0]}, op.getRounding());
    if (failed(m))
      return failure();
    Value result = emitElementwise(
        b, {adaptor.getLhs(), adaptor.getRhs()}, {l.isSigned, r.isSigned},
        op.getResult(), [&](OpBuilder &nb, Location loc, ArrayRef<Value> v) {
          SmallVector<Value> col = table.load(nb, loc, {});
          Value a = arith::SubIOp::create(nb, loc, v[0],
                                          constI64(nb, loc, l.zeroPoints[0]));
          Value c = arith::SubIOp::create(nb, loc, v[1],
                                          constI64(nb, loc, r.zeroPoints[0]));
          Value prod = arith::MulIOp::create(nb, loc, a, c);
          return arith::AddIOp::create(nb, loc,
                                       emitRescale(nb, loc, prod, col, *m),
                                       constI64(nb, loc, o.zeroPoints[0]))
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ClampLowering : OpConversionPattern<ClampOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams p = paramsOf(op.getInput());
    int64_t lo = op.getMinAttr().getInt(), hi = op.getMaxAttr().getInt();
    Value result = emitElementwise(
        b, adaptor.getInput(), {p.isSigned}, op.getResult(),
        [&](OpBuilder &nb, Location loc, ArrayRef<Value> v) {
          Value c =
              arith::MaxSIOp::create(nb, loc, v[0], constI64(nb, loc, lo));
          return arith::MinSIOp::create(nb, loc, c, constI64(nb, loc, hi))
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An indexed load from the table, which is a constant of the result's
/// storage type; the input is widened to i64 before the offset so that every
/// storage value indexes within the table.
struct TableLowering : OpConversionPattern<TableOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TableOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams in = paramsOf(op.getInput());
    int64_t base = in.storageIntegerMin();
    Value table = arith::ConstantOp::create(b, op.getTableAttr());
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type storage = storageTypeOf(op.getResult());
    Value init = tensor::EmptyOp::create(
        b, tensor::getMixedSizes(b, b.getLoc(), input), storage);
    unsigned rank = type.getRank();
    Value result =
        linalg::GenericOp::create(
            b, init.getType(), input, init,
            identityMaps(b.getContext(), rank, 2),
            SmallVector<IteratorType>(rank, IteratorType::parallel),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value x =
                  emitExtend(nb, loc, args[0], in.isSigned, nb.getI64Type());
              x = arith::SubIOp::create(nb, loc, x, constI64(nb, loc, base));
              Value index =
                  arith::IndexCastOp::create(nb, loc, nb.getIndexType(), x);
              Value entry = tensor::ExtractOp::create(nb, loc, table, index);
              linalg::YieldOp::create(nb, loc, entry);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qmlir::populateQNNElementwiseLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<RequantizeLowering, AddLowering, MulLowering, ClampLowering,
               TableLowering>(typeConverter, patterns.getContext());
}
