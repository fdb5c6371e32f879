//===- Pooling.cpp - qnn.max_pool2d and qnn.avg_pool2d ----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "Requantize.h"
#include "Utils.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Utils/LayoutUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

namespace {

/// Maps of a pooling window over a padded image. Loops (6): NHWC
/// n,oh,ow,c,kh,kw; NCHW n,c,oh,ow,kh,kw. The window operand is a shape-only
/// tensor.empty of the kernel size, as in linalg's named pooling ops.
struct PoolMaps {
  AffineMap input, window, output;
  SmallVector<IteratorType> iterators;
  PoolMaps(MLIRContext *ctx, Layout layout, ArrayRef<int64_t> strides) {
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    if (layout == Layout::NCHW)
      input = AffineMap::get(
          6, 0,
          {d(0), d(1), d(2) * strides[0] + d(4), d(3) * strides[1] + d(5)},
          ctx);
    else
      input = AffineMap::get(
          6, 0,
          {d(0), d(1) * strides[0] + d(4), d(2) * strides[1] + d(5), d(3)},
          ctx);
    window = projection(ctx, 6, {4, 5});
    output = projection(ctx, 6, {0, 1, 2, 3});
    iterators.assign(6, IteratorType::parallel);
    iterators[4] = iterators[5] = IteratorType::reduction;
  }
};

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    QuantParams p = paramsOf(op.getInput());
    Type storage = storageTypeOf(op.getInput());
    // Padding below every stored value never wins: each window holds at
    // least one input element (verified).
    Value low = storageConstant(b, storage, p.storageMin);
    Value padded =
        padSpatial(b, adaptor.getInput(), op.getLayout(), op.getPadding(), low);
    PoolMaps maps(getContext(), op.getLayout(), op.getStrides());
    Value window = tensor::EmptyOp::create(
        b, getAsIndexOpFoldResult(getContext(), op.getKernel()), storage);
    SmallVector<OpFoldResult> sizes;
    auto resultType = op.getType();
    for (int64_t d = 0; d < 4; ++d)
      sizes.push_back(d == 0 ? dimOf(b, padded, 0)
                             : b.getIndexAttr(resultType.getDimSize(d)));
    Value init = tensor::EmptyOp::create(b, sizes, storage);
    init = linalg::FillOp::create(b, low, init).getResult(0);
    Value result =
        linalg::GenericOp::create(
            b, init.getType(), ValueRange{padded, window}, init,
            ArrayRef<AffineMap>{maps.input, maps.window, maps.output},
            maps.iterators,
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value m = p.isSigned
                            ? arith::MaxSIOp::create(nb, loc, args[0], args[2])
                                  .getResult()
                            : arith::MaxUIOp::create(nb, loc, args[0], args[2])
                                  .getResult();
              linalg::YieldOp::create(nb, loc, m);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = getContext();
    QuantParams in = paramsOf(op.getInput()), out = paramsOf(op.getResult());
    Type inStorage = storageTypeOf(op.getInput());
    ArrayRef<int64_t> kernel = op.getKernel(), pad = op.getPadding(),
                      strides = op.getStrides();
    int64_t zp = in.zeroPoints[0];
    // Padding holds the zero point, so it adds nothing to sum(q - zp).
    Value padded = padSpatial(b, adaptor.getInput(), op.getLayout(), pad,
                              storageConstant(b, inStorage, zp));
    PoolMaps maps(ctx, op.getLayout(), strides);
    Value window = tensor::EmptyOp::create(
        b, getAsIndexOpFoldResult(ctx, kernel), inStorage);
    auto resultType = op.getType();
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < 4; ++d)
      sizes.push_back(d == 0 ? dimOf(b, padded, 0)
                             : b.getIndexAttr(resultType.getDimSize(d)));
    Value init = filledTensor(b, sizes, b.getI32Type(), b.getI32IntegerAttr(0));
    Value sum =
        linalg::GenericOp::create(
            b, init.getType(), ValueRange{padded, window}, init,
            ArrayRef<AffineMap>{maps.input, maps.window, maps.output},
            maps.iterators,
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value v =
                  emitExtend(nb, loc, args[0], in.isSigned, nb.getI32Type());
              v = arith::SubIOp::create(
                  nb, loc, v,
                  arith::ConstantOp::create(nb, loc, nb.getI32IntegerAttr(zp)));
              linalg::YieldOp::create(
                  nb, loc,
                  arith::AddIOp::create(nb, loc, args[2], v).getResult());
            })
            .getResult(0);

    // The multiplier depends on the window's element count: one table entry
    // per possible count, indexed at run time when padding is excluded.
    int64_t full = kernel[0] * kernel[1];
    bool fixedCount = op.getCountIncludePad() ||
                      llvm::all_of(pad, [](int64_t p) { return p == 0; });
    ChannelTable table(fixedCount ? 1 : full + 1);
    SmallVector<double> multipliers;
    if (fixedCount) {
      multipliers.push_back(in.scales[0] / (out.scales[0] * full));
    } else {
      for (int64_t c = 0; c <= full; ++c)
        multipliers.push_back(in.scales[0] /
                              (out.scales[0] * std::max<int64_t>(c, 1)));
    }
    FailureOr<RescaleColumns> rescale =
        rescaleColumns(op, table, multipliers, op.getRounding());
    if (failed(rescale))
      return failure();
    SmallVector<Value> tables = table.materialize(b);
    int64_t hDim = ImageDims(op.getLayout()).h;
    auto toI64 = [&](OpBuilder &nb, Location loc, Value index) {
      return arith::IndexCastOp::create(nb, loc, nb.getI64Type(), index)
          .getResult();
    };
    Value inH = tensor::DimOp::create(b, adaptor.getInput(), hDim);
    Value inW = tensor::DimOp::create(b, adaptor.getInput(), hDim + 1);

    Type storage = storageTypeOf(op.getResult());
    Value outInit = tensor::EmptyOp::create(b, sizes, storage);
    Value result =
        linalg::GenericOp::create(
            b, outInit.getType(), sum, outInit, identityMaps(ctx, 4, 2),
            SmallVector<IteratorType>(4, IteratorType::parallel),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              SmallVector<Value> col;
              if (fixedCount) {
                col = table.load(nb, loc, {});
              } else {
                // Valid rows: min(start + k, size) - max(start, 0).
                auto valid = [&](int64_t dim, int64_t i, Value size) {
                  Value pos =
                      toI64(nb, loc, linalg::IndexOp::create(nb, loc, dim));
                  Value start = arith::SubIOp::create(
                      nb, loc,
                      arith::MulIOp::create(nb, loc, pos,
                                            constI64(nb, loc, strides[i])),
                      constI64(nb, loc, pad[i]));
                  Value end = arith::MinSIOp::create(
                      nb, loc,
                      arith::AddIOp::create(nb, loc, start,
                                            constI64(nb, loc, kernel[i])),
                      toI64(nb, loc, size));
                  return arith::SubIOp::create(
                             nb, loc, end,
                             arith::MaxSIOp::create(nb, loc, start,
                                                    constI64(nb, loc, 0)))
                      .getResult();
                };
                Value count = arith::MulIOp::create(
                    nb, loc, valid(hDim, 0, inH), valid(hDim + 1, 1, inW));
                col = table.loadAt(nb, loc, tables,
                                   arith::IndexCastOp::create(
                                       nb, loc, nb.getIndexType(), count));
              }
              Value x =
                  arith::ExtSIOp::create(nb, loc, nb.getI64Type(), args[0]);
              Value r = emitRescale(nb, loc, x, col, *rescale);
              r = arith::AddIOp::create(nb, loc, r,
                                        constI64(nb, loc, out.zeroPoints[0]));
              linalg::YieldOp::create(nb, loc,
                                      emitSaturate(nb, loc, r, out.storageMin,
                                                   out.storageMax, storage));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qmlir::populateQNNPoolingLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering>(typeConverter,
                                                     patterns.getContext());
}
