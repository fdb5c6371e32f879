//===- QNNToLinalg.cpp - qnn to integer linalg ------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
// Every pattern implements the arithmetic of docs/Dialects/QNN.md on storage
// integers. Contractions accumulate raw products in i32 and subtract the
// zero-point terms afterwards:
//
//   sum (x - zx)(w - zw) = sum x w - zw sum x - zx sum w + K zx zw
//
// Each term may wrap in i32, but the verifier bounds the left-hand side to
// i32, so the wrapping sum (arithmetic modulo 2^32) is exact.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "qmlir/Conversion/Passes.h"

#include "Requantize.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_CONVERTQNNTOLINALG
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion(
      [](quant::QuantizedType type) -> Type { return type.getStorageType(); });
  addConversion([](RankedTensorType type) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(q.getStorageType());
    return type;
  });
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

static QuantParams paramsOf(Value value) {
  return getQuantParams(getUniformElementType(value.getType()));
}

static Type storageTypeOf(Value value) {
  return cast<quant::QuantizedType>(getUniformElementType(value.getType()))
      .getStorageType();
}

static SmallVector<AffineMap> identityMaps(MLIRContext *ctx, unsigned rank,
                                           unsigned count) {
  return SmallVector<AffineMap>(count,
                                AffineMap::getMultiDimIdentityMap(rank, ctx));
}

/// A map from `numDims` loops to the listed loop dimensions.
static AffineMap projection(MLIRContext *ctx, unsigned numDims,
                            ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// tensor.empty of `elementType` with `sizes` (static or taken from values).
static Value emptyTensor(ImplicitLocOpBuilder &b, ArrayRef<OpFoldResult> sizes,
                         Type elementType) {
  return tensor::EmptyOp::create(b, sizes, elementType);
}

static Value filledTensor(ImplicitLocOpBuilder &b, ArrayRef<OpFoldResult> sizes,
                          Type elementType, TypedAttr value) {
  Value empty = emptyTensor(b, sizes, elementType);
  Value init = arith::ConstantOp::create(b, value);
  return linalg::FillOp::create(b, init, empty).getResult(0);
}

static OpFoldResult dimOf(ImplicitLocOpBuilder &b, Value tensor, int64_t dim) {
  return tensor::getMixedSize(b, b.getLoc(), tensor, dim);
}

/// A storage-typed constant holding the integer `value`.
static Value storageConstant(ImplicitLocOpBuilder &b, Type storageType,
                             int64_t value) {
  return arith::ConstantOp::create(
      b, IntegerAttr::get(storageType,
                          APInt(storageType.getIntOrFloatBitWidth(), value,
                                /*isSigned=*/true, /*implicitTrunc=*/true)));
}

/// Pads the two spatial dimensions of an image with `value`.
static Value padSpatial(ImplicitLocOpBuilder &b, Value image, Layout layout,
                        ArrayRef<int64_t> padding, Value value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return image;
  int64_t h = layout == Layout::NCHW ? 2 : 1;
  SmallVector<int64_t> low(4, 0), high(4, 0);
  low[h] = padding[0];
  low[h + 1] = padding[1];
  high[h] = padding[2];
  high[h + 1] = padding[3];
  auto type = cast<RankedTensorType>(image.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t d = 0; d < 4; ++d)
    if (!ShapedType::isDynamic(shape[d]))
      shape[d] += low[d] + high[d];
  return tensor::PadOp::create(
      b, type.clone(shape), image, getAsIndexOpFoldResult(b.getContext(), low),
      getAsIndexOpFoldResult(b.getContext(), high), value);
}

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

/// Emits `R` for every element of an elementwise computation, reporting an
/// unrepresentable multiplier on `op`.
static FailureOr<RescaleColumns> rescaleColumns(Operation *op,
                                                ChannelTable &table,
                                                ArrayRef<double> multipliers,
                                                RoundingMode mode) {
  FailureOr<RescaleColumns> columns = addRescale(table, multipliers, mode);
  if (failed(columns))
    return op->emitOpError()
           << "needs a rescale multiplier of at least 2^30, which the "
              "fixedpoint rounding mode cannot represent";
  return columns;
}

//===----------------------------------------------------------------------===//
// Requantization of a whole tensor (requantize, concat)
//===----------------------------------------------------------------------===//

/// Requantizes the storage tensor `input` of quantized type `inType` to the
/// element type of `resultType`.
static FailureOr<Value> requantizeTensor(ImplicitLocOpBuilder &b, Operation *op,
                                         Value input, RankedTensorType inType,
                                         RankedTensorType resultType,
                                         RoundingMode mode) {
  QuantParams in = getQuantParams(getUniformElementType(inType));
  QuantParams out = getQuantParams(getUniformElementType(resultType));
  std::optional<int32_t> axis = in.axis ? in.axis : out.axis;
  int64_t channels = std::max(in.scales.size(), out.scales.size());
  ChannelTable table(channels);
  SmallVector<double> multipliers;
  for (int64_t c = 0; c < channels; ++c)
    multipliers.push_back(in.scales[in.isPerAxis() ? c : 0] /
                          out.scales[out.isPerAxis() ? c : 0]);
  unsigned zpIn = table.addInt(in.zeroPoints);
  unsigned zpOut = table.addInt(out.zeroPoints);
  FailureOr<RescaleColumns> rescale =
      rescaleColumns(op, table, multipliers, mode);
  if (failed(rescale))
    return failure();

  unsigned rank = inType.getRank();
  Type storage =
      cast<quant::QuantizedType>(resultType.getElementType()).getStorageType();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, b.getLoc(), input);
  Value init = emptyTensor(b, sizes, storage);
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps = identityMaps(b.getContext(), rank, 1);
  if (axis)
    table.appendInputs(b, {channels},
                       projection(b.getContext(), rank, {unsigned(*axis)}),
                       inputs, maps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  return linalg::GenericOp::create(
             b, init.getType(), inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               SmallVector<Value> col =
                   table.load(nb, loc, args.slice(1, table.numInputs()));
               Value x =
                   emitExtend(nb, loc, args[0], in.isSigned, nb.getI64Type());
               x = arith::SubIOp::create(nb, loc, x, col[zpIn]);
               x = emitClampI32(nb, loc, x);
               Value r = emitRescale(nb, loc, x, col, *rescale);
               r = arith::AddIOp::create(nb, loc, r, col[zpOut]);
               linalg::YieldOp::create(nb, loc,
                                       emitSaturate(nb, loc, r, out.storageMin,
                                                    out.storageMax, storage));
             })
      .getResult(0);
}

namespace {

template <typename OpTy> struct QNNPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
};

struct RequantizeLowering : QNNPattern<RequantizeOp> {
  using QNNPattern::QNNPattern;
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

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

/// The epilogue shared by matmul and conv2d: zero-point corrections, bias,
/// requantization and saturation over the raw i32 accumulator.
struct Epilogue {
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

static FailureOr<Value> emitEpilogue(ImplicitLocOpBuilder &b, Operation *op,
                                     const Epilogue &e, const QuantParams &x,
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
  Value init =
      emptyTensor(b, tensor::getMixedSizes(b, b.getLoc(), e.acc), storage);
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

struct MatmulLowering : QNNPattern<MatmulOp> {
  using QNNPattern::QNNPattern;
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

    // Loops: batch..., m, n, k.
    unsigned dm = batch, dn = batch + 1, dk = batch + 2, loops = batch + 3;
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

    Epilogue e;
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
    FailureOr<Value> result = emitEpilogue(
        b, op, e, x, w,
        constSums ? std::optional<ArrayRef<int64_t>>(*constSums) : std::nullopt,
        op.getResult(), op.getRounding());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct Conv2DLowering : QNNPattern<Conv2DOp> {
  using QNNPattern::QNNPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = getContext();
    QuantParams x = paramsOf(op.getInput()), w = paramsOf(op.getFilter());
    bool nchw = op.getLayout() == Layout::NCHW;
    auto filterType = op.getFilter().getType();
    int64_t groups = op.getGroupsAttr().getInt();
    int64_t f = filterType.getDimSize(nchw ? 0 : 3);
    int64_t cg = filterType.getDimSize(nchw ? 1 : 2);
    int64_t kh = filterType.getDimSize(nchw ? 2 : 0);
    int64_t kw = filterType.getDimSize(nchw ? 3 : 1);
    int64_t fg = f / groups;
    ArrayRef<int64_t> st = op.getStrides(), dl = op.getDilations();

    Type xStorage = storageTypeOf(op.getInput());
    Value padded =
        padSpatial(b, adaptor.getInput(), op.getLayout(), op.getPadding(),
                   storageConstant(b, xStorage, x.zeroPoints[0]));
    // Split channels into (groups, channels per group) so every map is a
    // plain projection: NHWC -> N,H,W,G,Cg; NCHW -> N,G,Cg,H,W.
    Value input = splitDim(b, padded, nchw ? 1 : 3, groups);
    Value filter = splitDim(b, adaptor.getFilter(), nchw ? 0 : 3, groups);
    auto resultType = op.getType();
    int64_t oh = resultType.getDimSize(nchw ? 2 : 1);
    int64_t ow = resultType.getDimSize(nchw ? 3 : 2);
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

    Epilogue e;
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
      Value window =
          emptyTensor(b, {b.getIndexAttr(kh), b.getIndexAttr(kw)}, xStorage);
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
    FailureOr<Value> result = emitEpilogue(
        b, op, e, x, w,
        constSums ? std::optional<ArrayRef<int64_t>>(*constSums) : std::nullopt,
        op.getResult(), op.getRounding());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, mergeDims(b, *result, nchw ? 1 : 3));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// An elementwise generic over same-shaped storage tensors producing the
/// storage type of `result`; `body` maps extended i64 operands to an i64.
static Value emitElementwise(
    ImplicitLocOpBuilder &b, ValueRange operands, ArrayRef<bool> signedness,
    Value result,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> body) {
  QuantParams out = paramsOf(result);
  Type storage = storageTypeOf(result);
  auto type = cast<RankedTensorType>(operands[0].getType());
  Value init = emptyTensor(b, tensor::getMixedSizes(b, b.getLoc(), operands[0]),
                           storage);
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

struct AddLowering : QNNPattern<AddOp> {
  using QNNPattern::QNNPattern;
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

struct MulLowering : QNNPattern<MulOp> {
  using QNNPattern::QNNPattern;
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

struct ClampLowering : QNNPattern<ClampOp> {
  using QNNPattern::QNNPattern;
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

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

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

struct MaxPool2DLowering : QNNPattern<MaxPool2DOp> {
  using QNNPattern::QNNPattern;
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
    Value window = emptyTensor(
        b, getAsIndexOpFoldResult(getContext(), op.getKernel()), storage);
    SmallVector<OpFoldResult> sizes;
    auto resultType = op.getType();
    for (int64_t d = 0; d < 4; ++d)
      sizes.push_back(d == 0 ? dimOf(b, padded, 0)
                             : b.getIndexAttr(resultType.getDimSize(d)));
    Value init = emptyTensor(b, sizes, storage);
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

struct AvgPool2DLowering : QNNPattern<AvgPool2DOp> {
  using QNNPattern::QNNPattern;
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
    Value window =
        emptyTensor(b, getAsIndexOpFoldResult(ctx, kernel), inStorage);
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
    bool nchw = op.getLayout() == Layout::NCHW;
    int64_t hDim = nchw ? 2 : 1;
    auto toI64 = [&](OpBuilder &nb, Location loc, Value index) {
      return arith::IndexCastOp::create(nb, loc, nb.getI64Type(), index)
          .getResult();
    };
    Value inH = tensor::DimOp::create(b, adaptor.getInput(), hDim);
    Value inW = tensor::DimOp::create(b, adaptor.getInput(), hDim + 1);

    Type storage = storageTypeOf(op.getResult());
    Value outInit = emptyTensor(b, sizes, storage);
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

//===----------------------------------------------------------------------===//
// Concat, observe, fake_quant
//===----------------------------------------------------------------------===//

struct ConcatLowering : QNNPattern<ConcatOp> {
  using QNNPattern::QNNPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    SmallVector<Value> parts;
    for (auto [original, converted] :
         llvm::zip_equal(op.getInputs(), adaptor.getInputs())) {
      auto type = cast<RankedTensorType>(original.getType());
      if (type.getElementType() == op.getType().getElementType()) {
        parts.push_back(converted);
        continue;
      }
      FailureOr<Value> requantized = requantizeTensor(
          b, op, converted, type, type.clone(op.getType().getElementType()),
          op.getRounding());
      if (failed(requantized))
        return failure();
      parts.push_back(*requantized);
    }
    Type resultType = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, resultType, op.getDimAttr().getInt(), parts);
    return success();
  }
};

struct ObserveLowering : QNNPattern<ObserveOp> {
  using QNNPattern::QNNPattern;
  LogicalResult
  matchAndRewrite(ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

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
  Value init = emptyTensor(b, tensor::getMixedSizes(b, b.getLoc(), input),
                           resultElement);
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

struct FakeQuantLowering : QNNPattern<FakeQuantOp> {
  using QNNPattern::QNNPattern;
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

//===----------------------------------------------------------------------===//
// Structural type conversion
//===----------------------------------------------------------------------===//

/// Retypes any other op (returns, calls, layout ops such as
/// tensor.expand_shape or linalg.transpose) whose types mention quantized
/// types, converting region signatures too.
struct RetypeOp : ConversionPattern {
  RetypeOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<QNNDialect, quant::QuantDialect>(op->getDialect()) ||
        isa<FunctionOpInterface>(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    for (Region &region : op->getRegions()) {
      Region *newRegion = state.addRegion();
      rewriter.inlineRegionBefore(region, *newRegion, newRegion->begin());
      if (failed(rewriter.convertRegionTypes(newRegion, *getTypeConverter())))
        return failure();
    }
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQNNToLinalgPass
    : qmlir::impl::ConvertQNNToLinalgBase<ConvertQNNToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter converter;
    ConversionTarget target(*ctx);
    configureQNNToLinalgTarget(target, converter);
    RewritePatternSet patterns(ctx);
    populateQNNToLinalgConversionPatterns(converter, patterns);
    // Upstream folds dcast(qcast(x)) to x, which skips the rounding and
    // clamping the pair stands for: lower every op as written.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace

void qmlir::populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<RequantizeLowering, MatmulLowering, Conv2DLowering, AddLowering,
               MulLowering, ClampLowering, MaxPool2DLowering, AvgPool2DLowering,
               ConcatLowering, ObserveLowering, FakeQuantLowering,
               QuantizeCastLowering, DequantizeCastLowering,
               StorageCastLowering, RetypeOp>(typeConverter, ctx);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
}

void qmlir::configureQNNToLinalgTarget(ConversionTarget &target,
                                       const TypeConverter &typeConverter) {
  target.addIllegalDialect<QNNDialect, quant::QuantDialect>();
  target.markUnknownOpDynamicallyLegal([&typeConverter](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op)) {
      // Non-builtin function types (llvm.func) carry no quantized types.
      auto type = dyn_cast<FunctionType>(func.getFunctionType());
      return (!type || typeConverter.isSignatureLegal(type)) &&
             typeConverter.isLegal(&func.getFunctionBody());
    }
    return typeConverter.isLegal(op) &&
           llvm::all_of(op->getRegions(), [&](Region &region) {
             return typeConverter.isLegal(&region);
           });
  });
}
