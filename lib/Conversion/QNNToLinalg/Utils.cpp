//===- Utils.cpp - Shared pieces of the qnn lowering ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"
#include "qmlir/Dialect/QNN/Utils/LayoutUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

QuantParams qnn::paramsOf(Value value) {
  return getQuantParams(getUniformElementType(value.getType()));
}

Type qnn::storageTypeOf(Value value) {
  return cast<quant::QuantizedType>(getUniformElementType(value.getType()))
      .getStorageType();
}

SmallVector<AffineMap> qnn::identityMaps(MLIRContext *ctx, unsigned rank,
                                         unsigned count) {
  return SmallVector<AffineMap>(count,
                                AffineMap::getMultiDimIdentityMap(rank, ctx));
}

AffineMap qnn::projection(MLIRContext *ctx, unsigned numDims,
                          ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

Value qnn::filledTensor(ImplicitLocOpBuilder &b, ArrayRef<OpFoldResult> sizes,
                        Type elementType, TypedAttr value) {
  Value empty = tensor::EmptyOp::create(b, sizes, elementType);
  Value init = arith::ConstantOp::create(b, value);
  return linalg::FillOp::create(b, init, empty).getResult(0);
}

OpFoldResult qnn::dimOf(ImplicitLocOpBuilder &b, Value tensor, int64_t dim) {
  return tensor::getMixedSize(b, b.getLoc(), tensor, dim);
}

Value qnn::storageConstant(ImplicitLocOpBuilder &b, Type storageType,
                           int64_t value) {
  return arith::ConstantOp::create(
      b, IntegerAttr::get(storageType,
                          APInt(storageType.getIntOrFloatBitWidth(), value,
                                /*isSigned=*/true, /*implicitTrunc=*/true)));
}

Value qnn::padSpatial(ImplicitLocOpBuilder &b, Value image, Layout layout,
                      ArrayRef<int64_t> padding, Value value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return image;
  int64_t h = ImageDims(layout).h;
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

FailureOr<RescaleColumns> qnn::rescaleColumns(Operation *op,
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

FailureOr<Value> qnn::requantizeTensor(ImplicitLocOpBuilder &b, Operation *op,
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
  Value init = tensor::EmptyOp::create(b, sizes, storage);
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
