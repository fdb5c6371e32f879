//===- QuantTypeUtils.cpp - Helpers over !quant.uniform types ---*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QuantTypeUtils.h"

#include <cmath>

using namespace mlir;
using namespace qmlir::qnn;

bool qmlir::qnn::scalesEqual(double a, double b) {
  return std::abs(a - b) <= kScaleRelTolerance * std::min(a, b);
}

FailureOr<FixedPointMultiplier> qmlir::qnn::quantizeMultiplier(double m) {
  int exponent = 0;
  double fraction = std::frexp(m, &exponent);
  auto q = static_cast<int64_t>(std::round(fraction * (1ll << 31)));
  if (q == (1ll << 31)) {
    q = 1ll << 30;
    ++exponent;
  }
  if (exponent > 30)
    return failure();
  FixedPointMultiplier result;
  if (exponent < -31)
    return result;
  result.multiplier = static_cast<int32_t>(q);
  result.exponent = exponent;
  return result;
}

int64_t QuantParams::maxAbsOffset() const {
  int64_t result = 0;
  for (int64_t zp : zeroPoints)
    result = std::max(
        {result, std::abs(storageMax - zp), std::abs(storageMin - zp)});
  return result;
}

quant::QuantizedType qmlir::qnn::getUniformElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  if (isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          type))
    return cast<quant::QuantizedType>(type);
  return {};
}

QuantParams qmlir::qnn::getQuantParams(quant::QuantizedType type) {
  QuantParams params;
  params.storageMin = type.getStorageTypeMin();
  params.storageMax = type.getStorageTypeMax();
  params.storageWidth = type.getStorageTypeIntegralWidth();
  params.isSigned = type.isSigned();
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(type)) {
    params.scales.push_back(perTensor.getScale());
    params.zeroPoints.push_back(perTensor.getZeroPoint());
    return params;
  }
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(type);
  params.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                           perAxis.getZeroPoints().end());
  params.axis = perAxis.getQuantizedDimension();
  return params;
}

LogicalResult
qmlir::qnn::verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitError,
                                  RankedTensorType tensorType, StringRef name) {
  quant::QuantizedType qtype = getUniformElementType(tensorType);
  if (!qtype)
    return emitError() << name << " must have a uniform quantized element type";
  QuantParams params = getQuantParams(qtype);
  // u32 values do not fit the i32 arithmetic every op is defined in.
  if (params.storageWidth > 32 ||
      (!params.isSigned && params.storageWidth > 31))
    return emitError() << name << " storage " << (params.isSigned ? "i" : "u")
                       << params.storageWidth
                       << " is wider than i32 arithmetic can hold";
  for (double scale : params.scales)
    if (!std::isfinite(scale) || scale <= 0.0)
      return emitError() << name << " scale " << scale
                         << " is not positive and finite";
  for (int64_t zp : params.zeroPoints)
    if (zp < params.storageMin || zp > params.storageMax)
      return emitError() << name << " zero point " << zp
                         << " is outside the storage range ["
                         << params.storageMin << ", " << params.storageMax
                         << "]";
  if (!params.isPerAxis())
    return success();
  int64_t axis = *params.axis;
  if (axis < 0 || axis >= tensorType.getRank())
    return emitError() << name << " quantized dimension " << axis
                       << " is out of range for rank " << tensorType.getRank();
  int64_t dimSize = tensorType.getDimSize(axis);
  if (!ShapedType::isDynamic(dimSize) &&
      dimSize != static_cast<int64_t>(params.scales.size()))
    return emitError() << name << " has " << params.scales.size()
                       << " per-axis scales but dimension " << axis
                       << " has size " << dimSize;
  return success();
}
