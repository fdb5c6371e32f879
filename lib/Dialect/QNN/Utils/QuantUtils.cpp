//===- QuantUtils.cpp - Quantization knowledge shared by passes -*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace qmlir::qnn;

NudgedRange qmlir::qnn::nudgeRange(double min, double max, int64_t numBits,
                                   bool narrowRange) {
  NudgedRange r;
  r.qmin = narrowRange ? 1.0f : 0.0f;
  r.qmax = static_cast<float>((1ll << numBits) - 1);
  float mn = static_cast<float>(min), mx = static_cast<float>(max);
  r.scale = (mx - mn) / (r.qmax - r.qmin);
  float z = r.qmin - mn / r.scale;
  r.zeroPoint = z < r.qmin ? r.qmin : z > r.qmax ? r.qmax : std::round(z);
  r.min = (r.qmin - r.zeroPoint) * r.scale;
  r.max = (r.qmax - r.zeroPoint) * r.scale;
  return r;
}

quant::UniformQuantizedType
qmlir::qnn::fakeQuantActivationType(MLIRContext *ctx, double min, double max,
                                    bool narrowRange, bool isUnsigned) {
  NudgedRange r = nudgeRange(min, max, 8, narrowRange);
  int64_t shift = isUnsigned ? 0 : -128;
  return quant::UniformQuantizedType::get(
      isUnsigned ? 0 : quant::QuantizationFlags::Signed,
      IntegerType::get(ctx, 8), Float32Type::get(ctx), r.scale,
      static_cast<int64_t>(r.zeroPoint) + shift,
      static_cast<int64_t>(r.qmin) + shift,
      static_cast<int64_t>(r.qmax) + shift);
}

Value qmlir::qnn::buildStorageBroadcast(OpBuilder &b, Location loc, Value ints,
                                        AffineMap map, ArrayRef<int64_t> shape,
                                        quant::QuantizedType element) {
  Type storage = element.getStorageType();
  Value init = tensor::EmptyOp::create(b, loc, shape, storage);
  SmallVector<AffineMap> maps{map, b.getMultiDimIdentityMap(map.getNumDims())};
  SmallVector<utils::IteratorType> iterators(map.getNumDims(),
                                             utils::IteratorType::parallel);
  Value wide = linalg::GenericOp::create(
                   b, loc, init.getType(), ints, init, maps, iterators,
                   [](OpBuilder &nb, Location l, ValueRange args) {
                     linalg::YieldOp::create(nb, l, args[0]);
                   })
                   .getResult(0);
  return quant::StorageCastOp::create(
      b, loc, RankedTensorType::get(shape, element), wide);
}

linalg::GenericOp qmlir::qnn::matchStorageBroadcast(Value value) {
  auto outer = value.getDefiningOp<quant::StorageCastOp>();
  auto copy = outer ? outer.getInput().getDefiningOp<linalg::GenericOp>()
                    : linalg::GenericOp();
  if (!copy || copy.getNumDpsInputs() != 1 || copy.getNumDpsInits() != 1 ||
      copy.getNumParallelLoops() != copy.getNumLoops() ||
      !copy.getIndexingMapsArray().back().isIdentity())
    return {};
  auto yield = cast<linalg::YieldOp>(copy.getBlock()->getTerminator());
  if (yield.getOperand(0) != copy.getBlock()->getArgument(0))
    return {};
  return copy;
}
