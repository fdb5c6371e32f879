//===- QuantUtils.cpp - Quantization knowledge shared by passes -*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Utils/QuantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <cstring>

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

/// The dense elements of `attr` transposed by `perm`, as `type`.
DenseElementsAttr qmlir::qnn::transposeElements(DenseElementsAttr attr,
                                                ArrayRef<int64_t> perm,
                                                RankedTensorType type) {
  if (attr.isSplat())
    return attr.resizeSplat(type);
  ArrayRef<int64_t> shape = attr.getType().getShape();
  SmallVector<int64_t> strides = computeStrides(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  // Source offset of each result element, in result order.
  SmallVector<int64_t> sources;
  sources.reserve(attr.getNumElements());
  for (int64_t n = 0; n < attr.getNumElements(); ++n) {
    int64_t offset = 0;
    for (auto [d, i] : llvm::enumerate(index))
      offset += i * strides[perm[d]];
    sources.push_back(offset);
    for (int64_t d = index.size() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  unsigned bits = attr.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 == 0) {
    ArrayRef<char> raw = attr.getRawData();
    size_t bytes = bits / 8;
    std::vector<char> data(raw.size());
    for (auto [n, source] : llvm::enumerate(sources))
      std::memcpy(&data[n * bytes], &raw[source * bytes], bytes);
    return DenseElementsAttr::getFromRawBuffer(type, data);
  }
  SmallVector<APInt> values(attr.getValues<APInt>());
  SmallVector<APInt> result;
  result.reserve(values.size());
  for (int64_t source : sources)
    result.push_back(values[source]);
  return DenseElementsAttr::get(type, result);
}
