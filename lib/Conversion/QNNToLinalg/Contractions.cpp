//===- Contractions.cpp - qnn.matmul and qnn.conv2d -------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Contractions accumulate raw products in i32 and subtract the zero-point
// terms afterwards:
//
//   sum (x - zx)(w - zw) = sum x w - zw sum x - zx sum w + K zx zw
//
// Each term may wrap in i32, but the verifier bounds the left-hand side to
// i32, so the wrapping sum (arithmetic modulo 2^32) is exact.
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
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

/// Splits dimension `dim` of `tensor` into (`outer`, size / `outer`).
static Value splitDim(ImplicitLocOpBuilder &b, Value tensor, int64_t dim,
                      int64_t outer) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<ReassociationIndices> reassociation;
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0, e = type.getRank(); d < e; ++d) {
    if (d == dim) {
      int64_t inner = type.getDimSize(d) / outer;
      reassociation.push_back({static_cast<int64_t>(shape.size()),
                               static_cast<int64_t>(shape.size()) + 1});
      shape.append({outer, inner});
      sizes.append({b.getIndexAttr(outer), b.getIndexAttr(inner)});
      continue;
    }
    reassociation.push_back({static_cast<int64_t>(shape.size())});
    shape.push_back(type.getDimSize(d));
    sizes.push_back(dimOf(b, tensor, d));
  }
  return tensor::ExpandShapeOp::create(b, type.clone(shape), tensor,
                                       reassociation, sizes);
}

/// Merges dimensions `dim` and `dim + 1`.
static Value mergeDims(ImplicitLocOpBuilder &b, Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<ReassociationIndices> reassociation;
  SmallVector<int64_t> shape;
  for (int64_t d = 0, e = type.getRank(); d < e; ++d) {
    if (d == dim) {
      reassociation.push_back({d, d + 1});
      shape.push_back(type.getDimSize(d) * type.getDimSize(d + 1));
      ++d;
      continue;
    }
    reassociation.push_back({d});
    shape.push_back(type.getDimSize(d));
  }
  return tensor::CollapseShapeOp::create(b, type.clone(shape), tensor,
                                         reassociation);
}

/// The elements of a constant integer tensor as int64, or nothing.
static std::optional<SmallVector<int64_t>> constantValues(Value value,
                                                          bool isSigned) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(isSigned ? v.getSExtValue()
                              : static_cast<int64_t>(v.getZExtValue()));
  return values;
}

/// Sums a reduction of `source` elements (extended to i32) into a fresh i32
/// tensor of `sizes`; `sourceMap` and `resultMap` index the loops of
/// `iterators`. Loops that no map ranges over fully (a convolution window)
/// take their extent from the shape-only `window` operand and `windowMap`.
static Value emitSum(ImplicitLocOpBuilder &b, Value source, bool isSigned,
                     AffineMap sourceMap, AffineMap resultMap,
                     ArrayRef<IteratorType> iterators,
                     ArrayRef<OpFoldResult> sizes, Value window = {},
                     AffineMap windowMap = {}) {
  Type i32 = b.getI32Type();
  Value init = filledTensor(b, sizes, i32, b.getI32IntegerAttr(0));
  SmallVector<Value> inputs{source};
  SmallVector<AffineMap> maps{sourceMap};
  if (window) {
    inputs.push_back(window);
    maps.push_back(windowMap);
  }
  maps.push_back(resultMap);
  return linalg::GenericOp::create(
             b, init.getType(), inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               Value v = emitExtend(nb, loc, args[0], isSigned, i32);
               linalg::YieldOp::create(
                   nb, loc,
                   arith::AddIOp::create(nb, loc, args.back(), v).getResult());
             })
      .getResult(0);
}

/// The epilogue shared by matmul and conv2d: zero-point corrections, bias,
/// requantization and saturation over the raw i32 accumulator.
struct AccumulatorEpilogue {
  Value acc;      // raw sum of products, i32
  Value inputSum; // per output position sum of inputs, or null
  AffineMap inputSumMap;
  Value weightSum; // per channel sum of weights (runtime), or null
  AffineMap weightSumMap;
  Value bias;           // i32 per channel, or null
  AffineMap channelMap; // output loops -> channel (for bias and the table)
  ArrayRef<int64_t> channelShape;
  int64_t reduction; // K
};

static FailureOr<Value>
emitAccumulatorEpilogue(ImplicitLocOpBuilder &b, Operation *op,
                        const AccumulatorEpilogue &e, const QuantParams &x,
                        const QuantParams &w,
                        std::optional<ArrayRef<int64_t>> constSums,
                        Value result, RoundingMode mode) {
  QuantParams out = paramsOf(result);
  int64_t channels = 1;
  for (int64_t s : e.channelShape)
    channels *= s;
  ChannelTable table(channels);
  int64_t zx = x.zeroPoints[0];
  // offset[c] = K zx zw[c] - zx sum_w[c] (the latter when weights are known).
  SmallVector<int64_t> zw, offset;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t z = w.zeroPoints[w.isPerAxis() ? c : 0];
    zw.push_back(z);
    offset.push_back(e.reduction * zx * z -
                     (constSums ? zx * (*constSums)[c] : 0));
  }
  unsigned zwCol = table.addInt(zw);
  unsigned offsetCol = table.addInt(offset);
  unsigned zpOut = table.addInt(out.zeroPoints);
  SmallVector<double> multipliers;
  for (int64_t c = 0; c < channels; ++c)
    multipliers.push_back(x.scales[0] * w.scales[w.isPerAxis() ? c : 0] /
                          out.scales[0]);
  FailureOr<RescaleColumns> rescale =
      rescaleColumns(op, table, multipliers, mode);
  if (failed(rescale))
    return failure();

  auto accType = cast<RankedTensorType>(e.acc.getType());
  unsigned rank = accType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs{e.acc};
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
  auto addInput = [&](Value v, AffineMap map) {
    if (!v)
      return;
    inputs.push_back(v);
    maps.push_back(map);
  };
  addInput(e.inputSum, e.inputSumMap);
  addInput(e.weightSum, e.weightSumMap);
  addInput(e.bias, e.channelMap);
  unsigned tableStart = inputs.size();
  table.appendInputs(b, e.channelShape, e.channelMap, inputs, maps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));

  Type storage = storageTypeOf(result);
  Value init = tensor::EmptyOp::create(
      b, tensor::getMixedSizes(b, b.getLoc(), e.acc), storage);
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  return linalg::GenericOp::create(
             b, init.getType(), inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               SmallVector<Value> col = table.load(
                   nb, loc, args.slice(tableStart, table.numInputs()));
               Type i32 = nb.getI32Type(), i64 = nb.getI64Type();
               auto toI32 = [&](Value v) {
                 return arith::TruncIOp::create(nb, loc, i32, v).getResult();
               };
               unsigned next = 1;
               // Wrapping i32 arithmetic: exact because the result fits.
               Value acc = args[0];
               if (e.inputSum) {
                 Value term = arith::MulIOp::create(nb, loc, args[next++],
                                                    toI32(col[zwCol]));
                 acc = arith::SubIOp::create(nb, loc, acc, term);
               }
               if (e.weightSum) {
                 Value term = arith::MulIOp::create(
                     nb, loc, args[next++],
                     arith::ConstantOp::create(nb, loc,
                                               nb.getI32IntegerAttr(zx)));
                 acc = arith::SubIOp::create(nb, loc, acc, term);
               }
               acc = arith::AddIOp::create(nb, loc, acc, toI32(col[offsetCol]));
               Value v = arith::ExtSIOp::create(nb, loc, i64, acc);
               if (e.bias) {
                 v = arith::AddIOp::create(
                     nb, loc, v,
                     arith::ExtSIOp::create(nb, loc, i64, args[next++]));
                 v = emitClampI32(nb, loc, v);
               }
               Value r = emitRescale(nb, loc, v, col, *rescale);
               r = arith::AddIOp::create(nb, loc, r, col[zpOut]);
               linalg::YieldOp::create(nb, loc,
                                       emitSaturate(nb, loc, r, out.storageMin,
                                                    out.storageMax, storage));
             })
      .getResult(0);
}

/// Multiplies extended storage values and accumulates into i32.
static void emitMac(OpBuilder &nb, Location loc, ValueRange args, bool xSigned,
                    bool wSigned) {
  Type i32 = nb.getI32Type();
  Value x = emitExtend(nb, loc, args[0], xSigned, i32);
  Value w = emitExtend(nb, loc, args[1], wSigned, i32);
  Value prod = arith::MulIOp::create(nb, loc, x, w);
  linalg::YieldOp::create(
      nb, loc, arith::AddIOp::create(nb, loc, args[2], prod).getResult());
}

static bool anyNonZero(ArrayRef<int64_t> values) {
  return llvm::any_of(values, [](int64_t v) { return v != 0; });
}

namespace {

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = getContext();
    QuantParams x = paramsOf(op.getLhs()), w = paramsOf(op.getRhs());
    auto lhsType = op.getLhs().getType();
    auto rhsType = op.getRhs().getType();
    unsigned rank = lhsType.getRank(), batch = rank - 2;
    bool batchedRhs = rhsType.getRank() > 2;
    int64_t k = lhsType.getDimSize(rank - 1);
    int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);
    if (w.isPerAxis() && ShapedType::isDynamic(n))
      return op.emitOpError("per-axis rhs needs a static N dimension");
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();

    // Loops: batch..., m, k, n. With n innermost the portable lowering
    // (no kernel: a run-time right-hand side, or no dot-product target)
    // reads the right-hand side and the accumulator contiguously, so LLVM
    // vectorizes it; the kernels match by indexing maps, not loop order.
    unsigned dm = batch, dk = batch + 1, dn = batch + 2, loops = batch + 3;
    SmallVector<unsigned> batchDims = llvm::to_vector(llvm::seq(0u, batch));
    auto withBatch = [&](ArrayRef<unsigned> dims) {
      SmallVector<unsigned> all(batchDims);
      all.append(dims.begin(), dims.end());
      return projection(ctx, loops, all);
    };
    AffineMap lhsMap = withBatch({dm, dk});
    AffineMap rhsMap =
        batchedRhs ? withBatch({dk, dn}) : projection(ctx, loops, {dk, dn});
    AffineMap outMap = withBatch({dm, dn});

    SmallVector<OpFoldResult> outSizes;
    for (unsigned d = 0; d < batch + 1; ++d)
      outSizes.push_back(dimOf(b, lhs, d));
    outSizes.push_back(dimOf(b, rhs, rhsType.getRank() - 1));
    SmallVector<IteratorType> iterators(loops, IteratorType::parallel);
    iterators[dk] = IteratorType::reduction;

    Value init =
        filledTensor(b, outSizes, b.getI32Type(), b.getI32IntegerAttr(0));
    Value acc = linalg::GenericOp::create(
                    b, init.getType(), ValueRange{lhs, rhs}, init,
                    ArrayRef<AffineMap>{lhsMap, rhsMap, outMap}, iterators,
                    [&](OpBuilder &nb, Location loc, ValueRange args) {
                      emitMac(nb, loc, args, x.isSigned, w.isSigned);
                    })
                    .getResult(0);

    AccumulatorEpilogue e;
    e.acc = acc;
    e.reduction = k;
    unsigned outRank = rank;
    MLIRContext *c = ctx;
    SmallVector<unsigned> outBatch = llvm::to_vector(llvm::seq(0u, batch));
    if (anyNonZero(w.zeroPoints)) {
      // sum_k x[.., m, k]: loops batch..., m, k.
      unsigned sumLoops = batch + 2;
      SmallVector<unsigned> srcDims = llvm::to_vector(llvm::seq(0u, sumLoops));
      SmallVector<unsigned> dstDims = llvm::to_vector(llvm::seq(0u, batch + 1));
      SmallVector<IteratorType> it(sumLoops, IteratorType::parallel);
      it.back() = IteratorType::reduction;
      SmallVector<OpFoldResult> sizes(outSizes.begin(), outSizes.end() - 1);
      e.inputSum = emitSum(b, lhs, x.isSigned, projection(c, sumLoops, srcDims),
                           projection(c, sumLoops, dstDims), it, sizes);
      e.inputSumMap = projection(c, outRank, dstDims);
    }
    std::optional<SmallVector<int64_t>> constSums;
    if (x.zeroPoints[0] != 0) {
      std::optional<SmallVector<int64_t>> weights =
          batchedRhs ? std::nullopt : constantValues(rhs, w.isSigned);
      if (weights) {
        constSums = SmallVector<int64_t>(n, 0);
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < n; ++j)
            (*constSums)[j] += (*weights)[i * n + j];
      } else {
        // sum_k w[.., k, n]: loops batch?..., k, n.
        unsigned wb = batchedRhs ? batch : 0;
        unsigned sumLoops = wb + 2;
        SmallVector<unsigned> srcDims =
            llvm::to_vector(llvm::seq(0u, sumLoops));
        SmallVector<unsigned> dstDims = llvm::to_vector(llvm::seq(0u, wb));
        dstDims.push_back(wb + 1);
        SmallVector<IteratorType> it(sumLoops, IteratorType::parallel);
        it[wb] = IteratorType::reduction;
        SmallVector<OpFoldResult> sizes;
        for (unsigned d = 0; d < wb; ++d)
          sizes.push_back(dimOf(b, rhs, d));
        sizes.push_back(dimOf(b, rhs, wb + 1));
        e.weightSum =
            emitSum(b, rhs, w.isSigned, projection(c, sumLoops, srcDims),
                    projection(c, sumLoops, dstDims), it, sizes);
        SmallVector<unsigned> outDims =
            batchedRhs ? outBatch : SmallVector<unsigned>{};
        outDims.push_back(outRank - 1);
        e.weightSumMap = projection(c, outRank, outDims);
      }
    }
    e.bias = adaptor.getBias();
    e.channelMap = projection(c, outRank, {outRank - 1});
    SmallVector<int64_t> channelShape{ShapedType::isDynamic(n) ? 1 : n};
    e.channelShape = channelShape;
    FailureOr<Value> result = emitAccumulatorEpilogue(
        b, op, e, x, w,
        constSums ? std::optional<ArrayRef<int64_t>>(*constSums) : std::nullopt,
        op.getResult(), op.getRounding());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = getContext();
    QuantParams x = paramsOf(op.getInput()), w = paramsOf(op.getFilter());
    bool nchw = op.getLayout() == Layout::NCHW;
    ImageDims image(op.getLayout());
    FilterDims fd(op.getLayout());
    auto filterType = op.getFilter().getType();
    int64_t groups = op.getGroupsAttr().getInt();
    int64_t f = filterType.getDimSize(fd.f);
    int64_t cg = filterType.getDimSize(fd.c);
    int64_t kh = filterType.getDimSize(fd.h);
    int64_t kw = filterType.getDimSize(fd.w);
    int64_t fg = f / groups;
    ArrayRef<int64_t> st = op.getStrides(), dl = op.getDilations();

    Type xStorage = storageTypeOf(op.getInput());
    Value padded =
        padSpatial(b, adaptor.getInput(), op.getLayout(), op.getPadding(),
                   storageConstant(b, xStorage, x.zeroPoints[0]));
    // Split channels into (groups, channels per group) so every map is a
    // plain projection: NHWC -> N,H,W,G,Cg; NCHW -> N,G,Cg,H,W.
    Value input = splitDim(b, padded, image.c, groups);
    Value filter = splitDim(b, adaptor.getFilter(), fd.f, groups);
    auto resultType = op.getType();
    int64_t oh = resultType.getDimSize(image.h);
    int64_t ow = resultType.getDimSize(image.w);
    SmallVector<OpFoldResult> outSizes;
    OpFoldResult batchSize = dimOf(b, input, 0);
    if (nchw)
      outSizes = {batchSize, b.getIndexAttr(groups), b.getIndexAttr(fg),
                  b.getIndexAttr(oh), b.getIndexAttr(ow)};
    else
      outSizes = {batchSize, b.getIndexAttr(oh), b.getIndexAttr(ow),
                  b.getIndexAttr(groups), b.getIndexAttr(fg)};

    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // Loops (8): NHWC n,oh,ow,g,fo,kh,kw,c; NCHW n,g,fo,oh,ow,c,kh,kw.
    AffineMap inMap, filterMap, outMap = projection(ctx, 8, {0, 1, 2, 3, 4});
    SmallVector<IteratorType> iterators(8, IteratorType::parallel);
    iterators[5] = iterators[6] = iterators[7] = IteratorType::reduction;
    if (nchw) {
      inMap = AffineMap::get(8, 0,
                             {d(0), d(1), d(5), d(3) * st[0] + d(6) * dl[0],
                              d(4) * st[1] + d(7) * dl[1]},
                             ctx);
      filterMap = projection(ctx, 8, {1, 2, 5, 6, 7});
    } else {
      inMap = AffineMap::get(8, 0,
                             {d(0), d(1) * st[0] + d(5) * dl[0],
                              d(2) * st[1] + d(6) * dl[1], d(3), d(7)},
                             ctx);
      filterMap = projection(ctx, 8, {5, 6, 7, 3, 4});
    }
    Value init =
        filledTensor(b, outSizes, b.getI32Type(), b.getI32IntegerAttr(0));
    Value acc = linalg::GenericOp::create(
                    b, init.getType(), ValueRange{input, filter}, init,
                    ArrayRef<AffineMap>{inMap, filterMap, outMap}, iterators,
                    [&](OpBuilder &nb, Location loc, ValueRange args) {
                      emitMac(nb, loc, args, x.isSigned, w.isSigned);
                    })
                    .getResult(0);

    AccumulatorEpilogue e;
    e.acc = acc;
    e.reduction = cg * kh * kw;
    if (anyNonZero(w.zeroPoints)) {
      // Window sums of the (padded) input: loops without fo.
      // NHWC n,oh,ow,g,kh,kw,c; NCHW n,g,oh,ow,c,kh,kw.
      AffineMap srcMap;
      SmallVector<IteratorType> it(7, IteratorType::parallel);
      it[4] = it[5] = it[6] = IteratorType::reduction;
      SmallVector<OpFoldResult> sizes;
      if (nchw) {
        srcMap = AffineMap::get(7, 0,
                                {d(0), d(1), d(4), d(2) * st[0] + d(5) * dl[0],
                                 d(3) * st[1] + d(6) * dl[1]},
                                ctx);
        sizes = {batchSize, b.getIndexAttr(groups), b.getIndexAttr(oh),
                 b.getIndexAttr(ow)};
        e.inputSumMap = projection(ctx, 5, {0, 1, 3, 4});
      } else {
        srcMap = AffineMap::get(7, 0,
                                {d(0), d(1) * st[0] + d(4) * dl[0],
                                 d(2) * st[1] + d(5) * dl[1], d(3), d(6)},
                                ctx);
        sizes = {batchSize, b.getIndexAttr(oh), b.getIndexAttr(ow),
                 b.getIndexAttr(groups)};
        e.inputSumMap = projection(ctx, 5, {0, 1, 2, 3});
      }
      Value window = tensor::EmptyOp::create(
          b, {b.getIndexAttr(kh), b.getIndexAttr(kw)}, xStorage);
      e.inputSum = emitSum(b, input, x.isSigned, srcMap,
                           projection(ctx, 7, {0, 1, 2, 3}), it, sizes, window,
                           nchw ? projection(ctx, 7, {5, 6})
                                : projection(ctx, 7, {4, 5}));
    }
    // Channel (g, fo) positions in the 5-D result.
    e.channelMap =
        nchw ? projection(ctx, 5, {1, 2}) : projection(ctx, 5, {3, 4});
    std::optional<SmallVector<int64_t>> constSums;
    if (x.zeroPoints[0] != 0) {
      std::optional<SmallVector<int64_t>> weights =
          constantValues(adaptor.getFilter(), w.isSigned);
      if (weights) {
        constSums = SmallVector<int64_t>(f, 0);
        for (auto [i, v] : llvm::enumerate(*weights))
          (*constSums)[nchw ? i / (cg * kh * kw) : i % f] += v;
      } else {
        // NCHW filter G,Fg,Cg,KH,KW; NHWC KH,KW,Cg,G,Fg.
        SmallVector<IteratorType> it(5, IteratorType::reduction);
        AffineMap src = AffineMap::getMultiDimIdentityMap(5, ctx);
        AffineMap dst;
        if (nchw) {
          it[0] = it[1] = IteratorType::parallel;
          dst = projection(ctx, 5, {0, 1});
        } else {
          it[3] = it[4] = IteratorType::parallel;
          dst = projection(ctx, 5, {3, 4});
        }
        e.weightSum = emitSum(b, filter, w.isSigned, src, dst, it,
                              {b.getIndexAttr(groups), b.getIndexAttr(fg)});
        e.weightSumMap = e.channelMap;
      }
    }
    if (adaptor.getBias())
      e.bias = splitDim(b, adaptor.getBias(), 0, groups);
    SmallVector<int64_t> channelShape{groups, fg};
    e.channelShape = channelShape;
    FailureOr<Value> result = emitAccumulatorEpilogue(
        b, op, e, x, w,
        constSums ? std::optional<ArrayRef<int64_t>>(*constSums) : std::nullopt,
        op.getResult(), op.getRounding());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, mergeDims(b, *result, image.c));
    return success();
  }
};

} // namespace

void qmlir::populateQNNContractionLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, Conv2DLowering>(typeConverter,
                                               patterns.getContext());
}
